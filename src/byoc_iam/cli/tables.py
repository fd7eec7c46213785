"""``--output table`` for the commands whose results are rows: one rich table on stdout, cells printed as
written (no markup, no highlighting: a policy or file name may hold ``[``), never cut at 80 columns when piped
(the CLI sets ``COLUMNS`` wide when stdout is not a terminal).

:func:`check_output` refuses any ``--output`` outside a command's choices (exit 2); the shared choices are
:data:`byoc_iam.cli.aws_options.OUTPUTS` (``lint`` and ``verify`` add ``sarif``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from byoc_iam.cli.aws_options import OUTPUTS
from byoc_iam.errors import UsageError


def check_output(output: str, choices: Sequence[str] = OUTPUTS) -> str:
    """``output`` when it is one of ``choices``; otherwise a one-line :class:`UsageError` naming them."""
    if output not in choices:
        raise UsageError(f"--output must be one of {', '.join(choices)}")
    return output


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """One table on stdout: ``columns`` as headers, each row's cells as ``str``; a title line above it."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title), title_justify="left")
    for col in columns:
        table.add_column(Text(col))
    for row in rows:
        table.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    Console(highlight=False).print(table)


def print_policy(policy: dict[str, Any], output: str, title: str) -> None:
    """An IAM policy document on stdout: ``text`` and ``json`` the document itself (as ``aws iam create-policy
    --policy-document`` reads it), ``table`` one row per statement (Sid, Effect, actions, resources, conditions)."""
    import json

    if output != "table":
        sys.stdout.write(json.dumps(policy, indent=2) + "\n")
        return

    def cell(value: Any) -> str:
        return "\n".join(value) if isinstance(value, list) else "" if value is None else str(value)

    rows = [
        (
            st.get("Sid", ""),
            st.get("Effect", ""),
            cell(st.get("Action", st.get("NotAction"))),
            cell(st.get("Resource", st.get("NotResource"))),
            json.dumps(st["Condition"], sort_keys=True) if st.get("Condition") else "",
        )
        for st in policy.get("Statement", [])
    ]
    print_table(title, ("sid", "effect", "actions", "resources", "condition"), rows)
