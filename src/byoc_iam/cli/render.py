"""CLI: ``byoc-iam render`` — the BYOC EKS role as a RoleSpec (JSON), Terraform, CloudFormation or an aws-cli script.

Heavy imports (pydantic, the blueprint) happen inside the command so that CLI start-up stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

from byoc_iam.cli.params import option
from byoc_iam.cli.role_options import with_role_options
from byoc_iam.model.quotas import quotas

if TYPE_CHECKING:
    from typer import Typer

    from byoc_iam.blueprint import BlueprintInputs
    from byoc_iam.blueprint.fast_inputs import PlainInputs
    from byoc_iam.blueprint.render import Inputs
    from byoc_iam.model.role import RoleSpec

FORMAT_NAMES = ("json", "terraform", "cloudformation", "aws-cli")
# Every file a render can write: --force only replaces a directory holding nothing else.
_OURS_TOP = {
    "rolespec.json",
    "trust-policy.json",
    "managed-policy-arns.json",
    "main.tf",
    "template.yaml",
    "create-role.sh",
    "policies",
    # a role set's render (cli/roleset.py): a folder per role, the set document and the set's script
    "roleset.json",
    "create-roles.sh",
    "eks",
    "storage",
    "cross-account",
}


def header_lines(inputs: Inputs, spec: RoleSpec) -> list[str]:
    """What the exports say about themselves: version, trust mode, partition and the controller pins."""
    from byoc_iam import __version__
    from byoc_iam.blueprint import controller_pins, oidc_provider

    mode = inputs.resolved_trust_mode
    lines = [
        f"Rendered by byoc-iam {__version__}: IAM role {spec.role_name} for Zilliz Cloud BYOC on AWS EKS.",
        f"Partition {inputs.resolved_partition}; controller policies {inputs.policy_placement}; trust mode {mode}"
        + (
            " (the literal eks_oidc_url is rewritten by Zilliz Cloud once it has created the cluster)."
            if mode == "placeholder"
            else f" (OIDC provider {oidc_provider(inputs)})."
        ),
        "Controller policies pinned to upstream releases:",
    ]
    lines += [f"  {pin.label()}" for pin in controller_pins()]
    return lines


def _umask() -> int:
    old = os.umask(0o022)
    os.umask(old)
    return old


def _foreign_files(out: Path) -> list[str]:
    foreign = [p.name for p in out.iterdir() if p.name not in _OURS_TOP]
    policies = out / "policies"
    if policies.is_dir():
        foreign += [f"policies/{p.name}" for p in policies.iterdir() if p.name not in ("inline", "customer-managed")]
    return sorted(foreign)


def write_tree(out: Path, files: dict[str, str], *, force: bool) -> None:
    """Write ``files`` under ``out`` all at once: into a temporary sibling, then renamed into place.

    A non-empty ``out`` is refused unless ``force``; even then only a directory holding nothing but a
    previous render's files is replaced. On any error nothing is left behind.
    """
    import shutil
    import tempfile

    from byoc_iam.errors import RefusedError, UsageError

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {out} exists and is not a directory")
    cwd = Path.cwd().resolve()
    if out.resolve() == cwd or out.resolve() in cwd.parents:
        raise UsageError(f"--out: {out} is the current directory or one of its parents; name a new folder")
    parent = out.resolve().parent
    if not parent.is_dir():
        raise UsageError(f"--out: parent directory {parent} does not exist")
    replacing = out.is_dir() and any(out.iterdir())
    if replacing:
        if not force:
            raise RefusedError(f"--out: {out} is not empty (use --force to replace a previous render)")
        foreign = _foreign_files(out)
        if foreign:
            raise RefusedError(
                f"--out: {out} holds files byoc-iam did not write ({', '.join(foreign[:3])}); refusing to replace it"
            )
    target = parent / out.resolve().name
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    backup: Path | None = None
    try:
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if rel.endswith(".sh"):
                path.chmod(0o777 & ~_umask())
        tmp.chmod(0o777 & ~_umask())
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
            backup.rmdir()
            target.rename(backup)
        try:
            tmp.rename(target)
        except OSError:
            if backup is not None:
                backup.rename(target)
                backup = None
            raise
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UsageError(f"--out: cannot write {out}: {exc.strerror or exc}") from None
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


PLACEHOLDER_RULE = "I4002"  # the one SUGGESTION the gate reports, as PLACEHOLDER_NOTE
PLACEHOLDER_NOTE = (
    "note: placeholder trust: the service accounts cannot assume the role until the cluster is linked "
    "(byoc-iam link-cluster)\n"
)


def lint_gate(spec: RoleSpec, inputs: Inputs, *, trust_size_limit: int) -> str:
    """Lint the rendered role: refuse it (exit 1, ERROR findings on stderr) when IAM would reject it or it
    could not work; otherwise return the notes for stderr (WARNING/SECURITY_WARNING findings, the placeholder)."""
    from byoc_iam.errors import ByocError, ExitCode
    from byoc_iam.lint import Severity, failing, lint_role
    from byoc_iam.lint.rules import rule_codes

    suggestions = set(rule_codes(letters="I")) - {PLACEHOLDER_RULE}  # not shown here: skipped
    findings = lint_role(
        spec, trust_mode=inputs.resolved_trust_mode, trust_size_limit=trust_size_limit, ignore=suggestions
    )
    if failing(findings):
        errors = [f for f in findings if f.severity is Severity.ERROR]
        sys.stderr.write("".join(f"error: {f.code} {f.path or '/'}: {f.message}\n" for f in errors))
        noun = "finding" if len(errors) == 1 else "findings"
        raise ByocError(
            f"render: refusing to output a role with {len(errors)} ERROR {noun} (above); nothing was written",
            ExitCode.FINDINGS,
        )
    warnings = [f for f in findings if f.severity in (Severity.WARNING, Severity.SECURITY_WARNING)]
    notes = "".join(f"note: {f.severity} {f.code} {f.path or '/'}: {f.message}\n" for f in warnings)
    return notes + (PLACEHOLDER_NOTE if any(f.code == PLACEHOLDER_RULE for f in findings) else "")


@with_role_options(select=True, plain=True)
def render(
    inputs: BlueprintInputs | PlainInputs,
    fmt: str = option(
        "json",
        "--format",
        "-f",
        help="json (a RoleSpec), terraform, cloudformation (YAML) or aws-cli (bash).",
        metavar="FORMAT",
    ),
    out: Path | None = option(
        None,
        "--out",
        help="Write a folder (RoleSpec, trust policy, one file per policy, managed ARNs, "
        "and the export) instead of printing.",
        metavar="DIR",
        file_okay=False,
    ),
    force: bool = option(False, "--force", help="With --out: replace a previous render's folder."),
    output: str | None = option(
        None,
        "--output",
        "-o",
        metavar="FORMAT",
        help="Show the rendered role on stdout as json (the RoleSpec), text (a summary) or table \\[default: the "
        "--format artifact; with --out: nothing].",
        show_default=False,
    ),
    trust_size_limit: int = option(
        quotas().trust_policy_size,
        "--trust-size-limit",
        min=1,
        help=f"The account's trust policy size quota (IAM's default {quotas().trust_policy_size}; raised in "
        f"Service Quotas up to {quotas().trust_policy_size_max}).",
        metavar="N",
    ),
    quiet: bool = option(
        False, "--quiet", "-q", help="Do not print the controller pins and lint notes on stderr (errors still are)."
    ),
    explain: bool = option(
        False, "--explain", help="Print where the storage/cross-account roles differ from Zilliz's docs and Terraform."
    ),
) -> None:
    """Render the BYOC EKS role: trust policy, five AWS managed policies, three pinned controller policies.

    Prints a RoleSpec JSON on stdout, or Terraform, CloudFormation or an aws-cli script (--format); -o text|table
    shows a summary of the role instead (-o json: the RoleSpec), also next to --out DIR.

    The role is linted first (as ``byoc-iam lint --role``): one with an ERROR finding (e.g. a trust policy over
    the size quota) is refused and nothing is printed or written; warnings are notes on stderr.

    Exit codes: 0 rendered; 1 the role has ERROR findings; 2 bad input; 5 --out not empty (without --force)
    or holding files not ours.
    """
    from byoc_iam.blueprint.fast_inputs import PlainInputs
    from byoc_iam.cli.render_output import check_render_output
    from byoc_iam.errors import UsageError

    if fmt not in FORMAT_NAMES:
        raise UsageError(f"--format: must be one of {', '.join(FORMAT_NAMES)}")
    check_render_output(output, fmt, out)
    if explain:
        from byoc_iam.cli.roleset import explain_text

        sys.stdout.write(explain_text(tuple(inputs.roles)))
        return
    if not isinstance(inputs, PlainInputs):  # the plain inputs are the single combined EKS role's
        from byoc_iam.cli.roleset import is_set, render_set

        if not is_set(inputs):
            _render_one(inputs, fmt, out, force=force, trust_size_limit=trust_size_limit, quiet=quiet, output=output)
            return
        render_set(
            inputs, fmt=fmt, out=out, force=force, trust_size_limit=trust_size_limit, quiet=quiet,
            write_tree=write_tree, output=output,
        )  # fmt: skip
        return
    _render_one(inputs, fmt, out, force=force, trust_size_limit=trust_size_limit, quiet=quiet, output=output)


def _render_one(
    inputs: Inputs, fmt: str, out: Path | None, *, force: bool, trust_size_limit: int, quiet: bool,
    output: str | None,
) -> None:  # fmt: skip
    """``render`` of the EKS role alone: lint it, then print the artifact (or ``output``), or write ``out``."""
    from byoc_iam.blueprint.render import render_plain
    from byoc_iam.cli.render_output import show
    from byoc_iam.export import bundle, export
    from byoc_iam.model.arn import role_arn

    # PlainRoleSpec has RoleSpec's fields and views, all lint and the exports read (no pydantic imported);
    # tests/render/test_plain_path.py holds lint's findings and every export equal to the RoleSpec's
    spec = cast("RoleSpec", render_plain(inputs))
    notes = lint_gate(spec, inputs, trust_size_limit=trust_size_limit)
    header = header_lines(inputs, spec)
    member = ("eks", spec, role_arn(inputs.resolved_partition, inputs.account_id, spec.role_name, spec.path))
    if out is not None:
        files = bundle(spec, fmt, header)
        write_tree(out, files, force=force)
        if output is not None:
            show(output, [member], export(spec, "json", header))
        if not quiet:
            sys.stderr.write(f"wrote {len(files)} files to {out}\n")
            sys.stderr.write("".join(f"{line}\n" for line in header[2:]) + notes)
        return
    if output is not None:
        show(output, [member], export(spec, "json", header))
    else:
        sys.stdout.write(export(spec, fmt, header))
        sys.stdout.flush()
    if not quiet:
        sys.stderr.write(("".join(f"{line}\n" for line in header[2:]) if fmt == "json" else "") + notes)


def register(app: Typer) -> None:
    """Add this module's commands to the app."""
    app.command("render")(render)
