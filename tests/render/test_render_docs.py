"""The README's render section stays true: pins and sizes as the code renders them."""

from __future__ import annotations

from pathlib import Path

from byoc_iam.blueprint import BlueprintInputs, controller_pins, render_role

README = Path(__file__).resolve().parents[2] / "README.md"
ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("<!-- BEGIN render -->") : text.index("<!-- END render -->")]


def test_readme_lists_every_pin() -> None:
    section = _section()
    for pin in controller_pins():
        assert f"**{pin.release}**" in section and pin.repository in section
        assert f"| {pin.actions} |" in section


def test_readme_sizes_are_current() -> None:
    section = _section()
    placeholder = render_role(BlueprintInputs(account_id="123456789012"))
    resolved = render_role(BlueprintInputs(account_id="123456789012", oidc_issuer=ISSUER))
    compact = render_role(BlueprintInputs(account_id="123456789012", oidc_issuer=ISSUER, compact_trust=True))
    for size in (
        placeholder.trust().iam_size(),
        resolved.trust().iam_size(),
        compact.trust().iam_size(),
        placeholder.inline_size(),
    ):
        assert f"{size:,}" in section
