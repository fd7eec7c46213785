"""verify's HTML report: one self-contained file (inline CSS, no scripts or external assets) to read and archive."""

from __future__ import annotations

from typing import Any

from byoc_iam.verify.report import CallResult, StatementRef, VerifyReport

# keys every request carries (shown once in the header, not per call)
_COMMON = (
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalType",
    "aws:RequestedRegion",
    "aws:SecureTransport",
)
_SERVICE_TAG_PREFIXES = ("ec2:ResourceTag/", "autoscaling:ResourceTag/", "elasticloadbalancing:ResourceTag/")


def _fmt(value: str | list[str]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def call_view(call: CallResult) -> dict[str, Any]:
    """The call's request context split into what every resource shares and what each resource adds (its tags),
    without the keys common to all requests and the service-specific copies of ``aws:ResourceTag``."""
    auths = call.authorizations
    contexts = [
        {k: v for k, v in a.context.items() if k not in _COMMON and not k.startswith(_SERVICE_TAG_PREFIXES)}
        for a in auths
    ]
    shared = dict(contexts[0]) if contexts else {}
    for ctx in contexts[1:]:
        shared = {k: v for k, v in shared.items() if ctx.get(k) == v}
    resources = [
        {"arn": a.resource, "context": [(k, _fmt(v)) for k, v in ctx.items() if k not in shared]}
        for a, ctx in zip(auths, contexts, strict=True)
    ]
    deciding: list[StatementRef] = []
    for a in auths:
        for s in a.deciding:
            if s not in deciding:
                deciding.append(s)
    nearest = [(a.nearest, a.reason) for a in auths if a.nearest is not None]
    return {
        "shared": [(k, _fmt(v)) for k, v in shared.items()],
        "resources": resources,
        "deciding": deciding,
        "nearest": nearest[:1],
    }


def render_html(report: VerifyReport) -> str:
    """The report as a standalone HTML page (``report/templates/verify.html.j2``)."""
    from byoc_iam.report import html_template

    common_keys = [(k, _fmt(v)) for k, v in report.role.request_context.items()]
    word, _, why = report.verdict.partition(": ")
    totals = [c.counts.passed + c.counts.failed + c.counts.optional + c.counts.not_evaluated for c in report.components]
    s = report.summary
    totals.append(s.trust_passed + s.trust_failed + s.trust_not_linked)
    return html_template("verify.html.j2").render(
        r=report,
        view=call_view,
        common_keys=common_keys,
        verdict_word=word[:1].upper() + word[1:],
        verdict_why=why[:1].upper() + why[1:],
        chart_max=max([*totals, 1]),
    )
