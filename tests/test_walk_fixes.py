"""What a new user's walk through the README tripped on (issue 17's closing walk), each pinned by a test."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import run_cli


def test_a_mistyped_command_suggests_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["rendr"], capsys)
    assert code == 2 and out == ""
    assert err == "byoc-iam: No such command 'rendr'. Did you mean 'render'? (see `byoc-iam --help`)\n"
    code, _, err = run_cli(["catalog", "shw"], capsys)
    assert code == 2 and err.count("Did you mean 'show'?") == 1 and err.startswith("byoc-iam: catalog: ")


@pytest.mark.parametrize(
    ("argv", "where"),
    [
        (["render", "--account-id", "123456789012", "-o"], "render"),
        (["catalog", "show", "X", "--output"], "catalog show"),
    ],
)
def test_an_option_missing_its_value_names_the_command(
    argv: list[str], where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(argv, capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"byoc-iam: {where}: Option '{argv[-1]}' requires an argument")
    assert err.rstrip().endswith(f"(see `byoc-iam {where} --help`)")


def test_an_unknown_controller_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["controllers", "diff", "nope"], capsys)
    assert code == 2 and out == ""
    assert err.startswith("byoc-iam: unknown controller 'nope' (known: ") and "cluster-autoscaler" in err
    assert "data/controllers" not in err


def test_a_created_document_carries_no_access_verdict() -> None:
    """apply of a new role printed "= widens access, e.g. ... on arn:aws:iam::000000000000:role/byoc-iam-compared-role"
    under every created document: true of any creation, and the example request named a made-up role."""
    from byoc_iam.plan.model import Change
    from byoc_iam.plan.text import change_lines

    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    wider = {**doc, "Statement": [{**doc["Statement"][0], "Action": ["s3:GetObject", "s3:PutObject"]}]}
    created = "\n".join(change_lines(Change("+", "inline policy", "p", "iam:PutRolePolicy", {}, 1, None, doc)))
    deleted = "\n".join(change_lines(Change("-", "inline policy", "p", "iam:DeleteRolePolicy", {}, 1, doc, None)))
    assert "access" not in created and "byoc-iam-compared-role" not in created and "access" not in deleted
    updated = "\n".join(change_lines(Change("~", "inline policy", "p", "iam:PutRolePolicy", {}, 1, doc, wider)))
    assert "= widens access" in updated and "s3:PutObject" in updated


SET = ["--role", "all", "--account-id", "123456789012", "--region", "us-west-2", "--bucket", "my-milvus-bucket",
       "--external-id", "EXTERNAL-ID-FROM-CONSOLE"]  # fmt: skip


def test_verify_of_a_placeholder_set_says_not_linked_not_all_checks_pass(capsys: pytest.CaptureFixture[str]) -> None:
    """`verify --role all` of a freshly rendered set said "✓ ... all checks pass" for the EKS and storage roles,
    whose trusts name the placeholder eks_oidc_url (no service account can assume them until link-cluster)."""
    import json

    _, out, _ = run_cli(["verify", *SET], capsys)  # the exit code of a placeholder verify is the coordinator's
    lines = {line.split(" role ")[0].lstrip("!✓✗ "): line for line in out.splitlines() if " role zilliz-" in line}
    assert lines["eks"].startswith("! eks role zilliz-byoc-eks-role: not linked yet")
    assert lines["storage"].startswith("! storage role zilliz-byoc-storage-role: not linked yet")
    assert lines["cross-account"].startswith("✓ cross-account role")  # its trust names Zilliz's role: usable now
    assert "all checks pass" not in lines["eks"] + lines["storage"]
    _, out, _ = run_cli(["verify", *SET, "-o", "json"], capsys)
    status = {r["kind"]: r["status"] for r in json.loads(out)["roles"]}
    assert status == {"eks": "not-linked", "storage": "not-linked", "cross-account": "passed"}


def test_a_profile_without_credentials_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--profile p` with a profile that has no credentials said "set AWS_PROFILE or pass --profile"."""
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / "config").write_text("[profile ops]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, _, err = run_cli(["link-cluster", "--cluster", "c", "--profile", "ops", "--dry-run"], capsys)
    assert code == 4 and err.count("\n") == 1
    assert "no usable AWS credentials for AWS profile 'ops'" in err and "aws sso login --profile ops" in err
    monkeypatch.setenv("AWS_PROFILE", "ops")
    code, _, err = run_cli(["link-cluster", "--cluster", "c", "--dry-run"], capsys)
    assert code == 4 and "for AWS profile 'ops'" in err
    monkeypatch.delenv("AWS_PROFILE")
    code, _, err = run_cli(["link-cluster", "--cluster", "c", "--region", "us-east-1", "--dry-run"], capsys)
    assert code == 4 and "set AWS_PROFILE or pass --profile" in err


def test_a_changed_trust_names_this_role_not_the_stand_in() -> None:
    """link-cluster's plan showed "e.g. ... may sts:AssumeRoleWithWebIdentity on arn:aws:iam::000000000000:role/
    byoc-iam-compared-role": the prover's stand-in role. The example assumes this role."""
    from byoc_iam.plan.model import Change
    from byoc_iam.plan.text import change_lines

    def trust(provider: str) -> dict[str, object]:
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{provider}"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                }
            ],
        }

    before, after = trust("oidc.eks.us-east-1.amazonaws.com/id/A"), trust("oidc.eks.us-east-1.amazonaws.com/id/B")
    change = Change("~", "trust policy", "r", "iam:UpdateAssumeRolePolicy", {}, 1, before, after)
    lines = "\n".join(change_lines(change))
    assert "e.g. " in lines and "on this role" in lines
    assert "byoc-iam-compared-role" not in lines and "000000000000" not in lines
