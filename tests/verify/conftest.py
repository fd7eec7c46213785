"""Fixtures of the verify tests: the rendered role in each trust mode."""

from __future__ import annotations

import pytest
from verify_helpers import ISSUER, rendered

from byoc_iam.model import RoleSpec


@pytest.fixture(scope="session")
def placeholder_role() -> RoleSpec:
    return rendered()


@pytest.fixture(scope="session")
def linked_role() -> RoleSpec:
    return rendered(oidc_issuer=ISSUER, region="us-west-2")
