"""The base of every data-file model (pydantic), alone in its module: a reader that validates one kind imports
this and its own model, not every model of :mod:`byoc_iam.data.models` (issue 18, cold start)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class DataFile(BaseModel):
    """Base of every data-file model: frozen, unknown keys refused; ``KIND`` names the file's kind."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    KIND: ClassVar[str]
