"""CLI: ``byoc-iam verify`` — will every component of the cluster work with the role, and is it safe?

The role comes from the same flags as ``render`` (default), from a RoleSpec file (``--role``), or from AWS
(``--live --role-name NAME``). Heavy imports (pydantic, the engine, jinja2, boto3) happen inside the command.
Exit 3 when a required call is denied, a trust or federation check fails, a finding is at ``--fail-on``
severity or worse (default ``security``: errors and grants beyond the blueprint), or the trust is not linked to a
cluster yet (placeholder provider; ``--allow-unlinked`` accepts that); 0 otherwise.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from byoc_iam.cli import role_options
from byoc_iam.cli.aws_options import AwsOptions, with_aws_options
from byoc_iam.cli.params import option

if TYPE_CHECKING:
    from pathlib import Path

    from typer import Typer

    from byoc_iam.model import PolicyDocument, RoleSpec
    from byoc_iam.verify import VerifyReport
    from byoc_iam.verify.federation import Federation

OUTPUTS = ("text", "json", "sarif", "table")  # table: the text report (its tables)
FAIL_ON = ("error", "security", "warning")


@with_aws_options(region=False, outputs=OUTPUTS, verbose=False)
@role_options.with_role_options(inputs_param="role_values", lazy=True)
def verify(
    role: str | None = option(  # a file or a kind: a string (and no pathlib on verify's start-up, issue 18)
        None,
        "--role",
        help="Verify this RoleSpec JSON file instead of rendering; or the roles of the set to render and verify: "
        "eks, storage, cross-account, all.",
        metavar="FILE|KIND",
    ),
    live: bool = option(False, "--live", help="Read the role named by --role-name from AWS."),
    feature: list[str] | None = option(
        None, "--feature", help="Also require the calls of this optional feature (repeatable).", metavar="NAME"
    ),
    list_features: bool = option(False, "--list-features", help="List the optional features and exit."),
    cluster: str | None = option(
        None,
        "--cluster",
        help="EKS cluster name used in tags \\[default: zilliz-byoc]; with --live its OIDC issuer must be the "
        "trust's provider.",
    ),
    html: str | None = option(None, "--html", help="Also write a self-contained HTML report here.", metavar="FILE"),
    verbose: bool = option(False, "--verbose", "-v", help="text: list every call with its deciding statement."),
    fail_on: str = option(
        "security",
        "--fail-on",
        help="Exit 3 on findings of this severity or worse: error, security (default) or warning.",
        metavar="SEVERITY",
    ),
    allow_unlinked: bool = option(
        False,
        "--allow-unlinked",
        help="Exit 0 on a placeholder trust (status not-linked) when nothing else fails: for checking a role "
        "before its cluster exists. Without it, not linked yet exits 3.",
    ),
    *,
    role_values: role_options.RoleValues,
    aws: AwsOptions,
) -> None:
    """Verify the role: every component's required AWS calls are allowed, and only intended principals can assume it.

    Exit 0: all required calls allowed, all trust and federation checks passed, no finding at --fail-on
    severity or worse, and the trust linked to a cluster (or --allow-unlinked); 3: something failed or the
    trust is not linked yet (named in the output).
    """
    from byoc_iam.errors import UsageError

    output = aws.output
    aws.verbose = verbose
    if fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}")
    if list_features:
        _print_features()
        return
    role = _role_selection(role, role_values)
    html_file = _path(html)
    role_file = None
    if role:
        role_file = _role_file(role, role_values, live, aws, cluster, feature or [], output, html_file, allow_unlinked)
        if role_file is None:  # a role set's document or member: verified as the set
            return
    if role is None and _layout_verified(role_values, live, aws, cluster, feature or [], html_file, allow_unlinked):
        return
    if role is None:
        from byoc_iam.cli.roleset import verify_set_requested

        if verify_set_requested(role_values):
            _verify_set(role_values, live, aws, cluster, feature or [], _set_output(output, html_file), allow_unlinked)
            return
    if role is not None and live:
        raise UsageError("--role and --live are mutually exclusive")
    if aws.given and not live:
        raise UsageError("--profile/--endpoint-url/--sandbox read AWS: add --live")
    # the deciding statement of every allowed call: for the machine-readable and HTML reports, and --verbose
    explain = output != "text" or html_file is not None or verbose
    report = run_verify(role_file, live, aws, feature or [], cluster, role_values, explain=explain)
    failed = report.fails_at(fail_on, allow_unlinked=allow_unlinked)  # type: ignore[arg-type]  # checked above
    report = report.model_copy(update={"ok": not failed})  # ok <=> exit 0, with this run's flags
    _emit_report(report, output, html=html_file, role=role, verbose=verbose)
    if failed:
        raise SystemExit(3)


def _layout_verified(
    role_values: dict[str, Any],
    live: bool,
    aws: AwsOptions,
    cluster: str | None,
    features: list[str],
    html: Path | None,
    allow_unlinked: bool,
) -> bool:
    """``verify --layout split``: False when no layout is asked for; exit 3 when it fails or is not linked yet
    (unless ``allow_unlinked``)."""
    from byoc_iam.cli.layout import layout_requested
    from byoc_iam.cli.layout_verify import verify_layout
    from byoc_iam.errors import UsageError

    if not layout_requested(role_values):
        return False
    if aws.given and not live:
        raise UsageError("--profile/--endpoint-url/--sandbox read AWS: add --live")
    passed = verify_layout(
        role_values,
        cluster=cluster,
        features=features,
        output=aws.output,
        live=live,
        aws=aws,
        html=html,
        allow_unlinked=allow_unlinked,
    )
    if not passed:
        raise SystemExit(3)
    return True


def _emit_report(report: VerifyReport, output: str, *, html: Path | None, role: str | None, verbose: bool) -> None:
    """Write the HTML report (if asked) and print the report as json, sarif or text."""
    if html is not None:
        from byoc_iam.report.verify_html import render_html

        _write_atomic(html, render_html(report))
    if output == "json":
        import json

        sys.stdout.write(json.dumps(report.to_json_dict(), indent=2) + "\n")
    elif output == "sarif":
        import json

        from byoc_iam.report.verify_sarif import to_sarif

        uri = str(_path(role)) if role else None  # as a path reads it (``./role.json`` is ``role.json``)
        sys.stdout.write(json.dumps(to_sarif(report, artifact_uri=uri), indent=2) + "\n")
    else:
        _print_text(report, verbose)


def _print_text(report: VerifyReport, verbose: bool) -> None:
    """The text report: on a pipe as plain text laid out as rich lays it out, without importing rich (issue 18:
    rich is a good part of verify's start-up); with rich on a terminal, with FORCE_COLOR, or when the plain
    layout cannot be rich's (``NotPlain``: e.g. a very narrow console or wide characters)."""
    from byoc_iam.cli.files import plain_stdout
    from byoc_iam.report.plain import NotPlain
    from byoc_iam.report.verify_text import plain_text, render_text

    if plain_stdout():
        try:
            text = plain_text(report, verbose=verbose)
        except NotPlain:
            pass
        else:
            sys.stdout.write(text)
            return
    from rich.console import Console

    render_text(report, Console(), verbose=verbose)


def _path(name: str | None) -> Path | None:
    """``Path(name)`` (None for None): pathlib is imported only when a path is given."""
    if name is None:
        return None
    from pathlib import Path

    return Path(name)


def _role_selection(role: str | None, role_values: dict[str, Any]) -> str | None:
    """``--role eks|storage|cross-account|all`` selects roles (into ``role_values``); else it names a file."""
    from byoc_iam.blueprint.set_rules import role_flag_value
    from byoc_iam.errors import UsageError

    if role is None:
        return None
    if not role:  # not silently "no --role": the file name is missing
        raise UsageError("--role: empty (give a RoleSpec file or eks, storage, cross-account, all)")
    try:
        kinds = role_flag_value(role, os.path.exists(role))
    except ValueError as exc:
        raise UsageError(f"--role: {exc} (or a RoleSpec file)") from None
    if kinds is None:
        return role
    role_values["roles"] = [kinds]
    return None


def _role_file(
    role: str,
    role_values: dict[str, Any],
    live: bool,
    aws: AwsOptions,
    cluster: str | None,
    features: list[str],
    output: str,
    html: Path | None,
    allow_unlinked: bool,
) -> RoleSpec | None:
    """``verify --role FILE`` of a role set document (``roleset.json`` of ``render --role all --out``) or of a
    storage or cross-account RoleSpec (:func:`byoc_iam.verify.file_kind.file_kind`): verified as ``--role all``
    verifies the rendered set, with the same flags (``--bucket``, ``--external-id``...), the file's roles in
    place of the rendered ones, and None returned. An EKS RoleSpec is returned for verify's own path; UsageError
    (exit 2) when the kind cannot be told, for a split layout's set, with ``--live``, ``-o sarif`` or ``--html``."""
    from byoc_iam.cli.files import read_text
    from byoc_iam.cli.roleset import set_document_members
    from byoc_iam.errors import UsageError
    from byoc_iam.model import role_from_json
    from byoc_iam.verify.file_kind import file_kind

    text = read_text(role)
    members = set_document_members(text, role)
    if members is None:
        spec = role_from_json(text, role)
        kind = file_kind(spec)
        if kind is None:
            raise UsageError(
                f"--role {role}: cannot tell which role of the set this RoleSpec is (its trust names principals of "
                "more than one; name it <prefix>-storage-role or <prefix>-cross-account-role)"
            )
        if kind == "eks":
            return spec
        from byoc_iam.model.role import RoleSpec  # the set's verify takes the model

        members = [(kind, RoleSpec.from_json(text, role))]
    split = [k for k, _ in members if k not in ("eks", "storage", "cross-account")]
    if split:
        raise UsageError(f"--role {role}: the {split[0]} role is the split layout's (verify it with --layout split)")
    if live:
        raise UsageError("--role and --live are mutually exclusive")
    output = _set_output(output, html)
    role_values["roles"] = [",".join(k for k, _ in members)]
    _verify_set(role_values, False, aws, cluster, features, output, allow_unlinked, files=dict(members))
    return None


def _set_output(output: str, html: Path | None) -> str:
    """The role set's output (text, json; table is text); UsageError for sarif and ``--html``, which are the EKS
    role's report: never a verdict on the set."""
    from byoc_iam.errors import UsageError

    if output == "sarif" or html is not None:
        raise UsageError("--role: the role set is reported as text or json (-o sarif and --html: the EKS role alone)")
    return "text" if output == "table" else output


def _verify_set(
    role_values: dict[str, Any],
    live: bool,
    aws: AwsOptions,
    cluster: str | None,
    features: list[str],
    output: str,
    allow_unlinked: bool,
    files: dict[str, Any] | None = None,
) -> None:
    """verify for a role set (``--role all``): each role's checks; exit 3 when any fails (an EKS role whose
    trust is not linked yet fails unless ``allow_unlinked``); ``files``: RoleSpecs read from files by kind."""
    from byoc_iam.cli.roleset import print_verify_set, run_verify_set

    if live:
        with aws.context(role_values.get("region")) as ctx:
            results = run_verify_set(
                role_values, ctx=ctx, cluster=cluster, features=features, allow_unlinked=allow_unlinked
            )
    else:
        results = run_verify_set(
            role_values, ctx=None, cluster=cluster, features=features, allow_unlinked=allow_unlinked, files=files
        )
    print_verify_set(results, output)
    if not all(ok for _, _, ok, _ in results):
        raise SystemExit(3)


def run_verify(
    role: RoleSpec | None,
    live: bool,
    aws: AwsOptions,
    features: list[str],
    cluster: str | None,
    role_values: dict[str, Any],
    *,
    explain: bool = True,
) -> VerifyReport:
    """Verify the role: ``role`` (read from a file), else read live or rendered."""
    from byoc_iam.verify import infer_target, verify_role

    managed_docs: dict[str, PolicyDocument] | None = None
    boundary: PolicyDocument | None = None
    role_arn: str | None = None
    federation: Federation | None = None
    if role is not None:
        spec, source = role, "file"
    elif live:
        from byoc_iam.blueprint.config import gather
        from byoc_iam.blueprint.inputs import DEFAULT_ROLE_NAME

        # --role-name, BYOC_IAM_ROLE_NAME or the config's role_name, else the blueprint's default name
        name = str(gather(role_values)[0].get("role_name") or DEFAULT_ROLE_NAME)
        spec, managed_docs, boundary, role_arn, federation = _read_live(name, aws, role_values.get("region"), cluster)
        source = "live"
    else:
        from byoc_iam.blueprint import render_role

        spec = render_role(role_options.role_inputs(role_values))
        source = "rendered"
    target = infer_target(
        spec, account=role_values.get("account_id"), region=role_values.get("region"), cluster=cluster
    )
    if role_arn:
        target = type(target)(
            account=role_arn.split(":")[4],
            region=target.region,
            partition=role_arn.split(":")[1],
            cluster=target.cluster,
        )
    return verify_role(
        spec,
        features,
        managed_docs,
        target=target,
        source=source,
        role_arn=role_arn,
        explain=explain,
        boundary=boundary,
        federation=federation,
    )


def _read_live(
    name: str, aws: AwsOptions, region: str | None, cluster: str | None
) -> tuple[RoleSpec, dict[str, PolicyDocument], PolicyDocument | None, str, Federation]:
    """The live role, the documents (default versions) of its AWS managed policies and of its permissions
    boundary, its ARN, and the federation its trust relies on (the OIDC providers of the role's account it
    names; with --cluster, the cluster's issuer)."""
    from byoc_iam.aws.read import read_federation, read_role_for_verify
    from byoc_iam.verify.federation import arn_account

    with aws.context(region) as ctx:
        spec, docs, boundary, arn = read_role_for_verify(ctx, name)
        federation = read_federation(ctx, [spec], arn_account(arn), cluster)
    return spec, docs, boundary, arn, federation


def _print_features() -> None:
    from rich.console import Console
    from rich.table import Table

    from byoc_iam.verify import components

    table = Table(title="Optional features (--feature NAME)", title_justify="left")
    for col in ("feature", "component", "what", "calls"):
        table.add_column(col)
    for comp in components():
        for name, what in comp.features.items():
            n = sum(1 for c in comp.calls if c.feature == name)
            table.add_row(name, comp.id, what, str(n))
    Console().print(table)


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (never a half-written report; only a regular file)."""
    from byoc_iam.cli.files import write_file

    write_file(path, text, flag="--html")


def register(app: Typer) -> None:
    """Add this module's commands to the app."""
    app.command("verify")(verify)
