"""People-facing output: text, JSON, SARIF and HTML reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2


def html_template(name: str) -> jinja2.Template:
    """One of ``report/templates/`` (jinja2: autoescaped, strict undefined, trimmed blocks). Raises
    ``jinja2.TemplateNotFound`` for an unknown name."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("byoc_iam.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(name)
