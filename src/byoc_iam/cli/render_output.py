"""How ``render`` shows what it rendered on stdout (``-o/--output``, the same flag as every other command).

Without ``--output`` ``render`` prints its artifact: the RoleSpec (``--format json``) or the export. With
``--output``: ``json`` the RoleSpec (a set: the set document), ``text`` a summary for people (each role's ARN,
who its trust admits, its policies and their IAM sizes), ``table`` the same as one row per part. An export
(``--format terraform|cloudformation|aws-cli``) goes to stdout only when ``--output`` is not given, else to
``--out DIR``: both on stdout would be one unusable stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from byoc_iam.errors import UsageError

if TYPE_CHECKING:
    from byoc_iam.model.role import RoleSpec

Member = tuple[str, "RoleSpec", str]  # (kind, RoleSpec, role ARN)


def check_render_output(output: str | None, fmt: str, out: object) -> None:
    """Refuse an ``--output`` outside text/json/table, and ``--output`` with an export printed on stdout."""
    from byoc_iam.cli.tables import check_output

    if output is None:
        return
    check_output(output)
    if fmt != "json" and out is None:
        raise UsageError(
            f"--output {output} shows the role on stdout, where --format {fmt} would print the export: "
            "add --out DIR to write the export, or drop --output to print it"
        )


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def trust_rows(trust: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(principal, actions, conditions)`` per Allow statement of a trust policy; conditions: the ``:sub``
    subjects (``for ...``) and every other key but ``:aud`` (``if key = value``, e.g. ``sts:ExternalId``)."""
    rows = []
    for st in trust.get("Statement", []):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        names = (
            [f"{kind}: {p}" for kind, v in principal.items() for p in _listed(v)]
            if isinstance(principal, dict)
            else _listed(principal)
        )
        pairs = [
            (str(key), _listed(v))
            for block in (st.get("Condition") or {}).values()
            if isinstance(block, dict)
            for key, v in block.items()
        ]
        subjects = [s for key, values in pairs if key.endswith(":sub") for s in values]
        others = [f"{key} = {', '.join(v)}" for key, v in pairs if not key.endswith((":sub", ":aud"))]
        terms = ([f"for {', '.join(subjects)}"] if subjects else []) + ([f"if {'; '.join(others)}"] if others else [])
        rows.append((", ".join(names), ", ".join(_listed(st.get("Action"))), " ".join(terms)))
    return rows


def part_rows(member: Member) -> list[tuple[str, str, str, str]]:
    """``(role, part, name, detail)`` rows of one rendered role: its ARN, trust, managed and own policies."""
    from byoc_iam.model.policy import iam_size

    kind, spec, arn = member
    role = f"{spec.role_name} ({kind})"
    rows = [(role, "role", arn, f"path {spec.path}, max session {spec.max_session_duration} s")]
    rows += [(role, "trust", p, f"{a} {c}".rstrip()) for p, a, c in trust_rows(spec.trust_policy)]
    managed = spec.managed_policy_arns
    rows += [(role, "managed policy", a, "AWS managed" if ":aws:policy/" in a else "") for a in managed]
    for label, docs in (("inline policy", spec.inline_policies), ("customer-managed", spec.customer_managed_policies)):
        rows += [(role, label, name, f"{iam_size(doc):,} characters") for name, doc in docs.items()]
    return rows


def summary_text(members: Sequence[Member]) -> str:
    """The ``text`` summary: a block per role (blank line between), one line per part."""
    blocks = []
    for member in members:
        lines = []
        for role, part, name, detail in part_rows(member):
            if part == "role":
                lines.append(f"{role}: {name}")
            else:
                lines.append(f"  {part}: {name}" + (f" — {detail}" if detail else ""))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def show(output: str, members: Sequence[Member], document: str) -> None:
    """Print the rendered role(s) on stdout as ``output`` says; ``document``: the RoleSpec or set JSON."""
    import sys

    if output == "json":
        sys.stdout.write(document)
    elif output == "table":
        from byoc_iam.cli.tables import print_table

        rows = [row for member in members for row in part_rows(member)]
        title = "rendered role" if len(members) == 1 else f"rendered roles ({len(members)})"
        print_table(title, ("role", "part", "name", "detail"), rows)
    else:
        sys.stdout.write(summary_text(members))
    sys.stdout.flush()
