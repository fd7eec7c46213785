"""Settings from config file, BYOC_IAM_* env and flags (flags win), and the reusable role options decorator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from byoc_iam.blueprint import BlueprintInputs, load_inputs
from byoc_iam.cli.role_options import ROLE_OPTION_NAMES, with_role_options
from byoc_iam.cli.typer_app import ByocTyper
from byoc_iam.errors import UsageError

CONFIG = """
[role]
account_id = "111111111111"
region = "us-west-2"
role_name = "from-config"
service_accounts = ["milvus:operator"]
compact_trust = true

[role.tags]
team = "config"

[aws]
profile = "ignored-here"
"""


def flags(**kw: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(ROLE_OPTION_NAMES)
    values.update(kw)
    return values


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "byoc-iam.toml"
    path.write_text(CONFIG)
    return path


def test_config_alone(config: Path) -> None:
    inputs = load_inputs(flags(config=config), env={})
    assert inputs.account_id == "111111111111"
    assert inputs.region == "us-west-2" and inputs.role_name == "from-config"
    assert inputs.service_accounts == ("milvus:operator",)
    assert inputs.compact_trust is True and inputs.tags == {"team": "config"}


def test_env_beats_config_and_flags_beat_env(config: Path) -> None:
    env = {"BYOC_IAM_ROLE_NAME": "from-env", "BYOC_IAM_TAGS": "team=env,tier=gold", "BYOC_IAM_COMPACT_TRUST": "false"}
    inputs = load_inputs(flags(config=config), env=env)
    assert inputs.role_name == "from-env"
    assert inputs.tags == {"team": "env", "tier": "gold"}
    assert inputs.compact_trust is False
    inputs = load_inputs(flags(config=config, role_name="from-flag", tags=["x=1"], compact_trust=True), env=env)
    assert inputs.role_name == "from-flag" and inputs.tags == {"x": "1"} and inputs.compact_trust is True
    assert inputs.account_id == "111111111111"  # untouched settings still come from the config


def test_config_named_by_env(config: Path) -> None:
    inputs = load_inputs(flags(), env={"BYOC_IAM_CONFIG": str(config), "BYOC_IAM_SERVICE_ACCOUNTS": "a:b, c:d"})
    assert inputs.account_id == "111111111111"
    assert inputs.service_accounts == ("a:b", "c:d")


def test_defaults_without_any_source() -> None:
    inputs = load_inputs(flags(account_id="123456789012"), env={})
    assert inputs == BlueprintInputs(account_id="123456789012")


@pytest.mark.parametrize(
    ("config_text", "env", "kw", "message"),
    [
        ("", {}, {}, "--account-id: is required (give --account-id, set BYOC_IAM_ACCOUNT_ID"),
        ('[role]\naccount_id = "12"', {}, {}, "byoc-iam.toml: role.account_id: must be exactly 12 digits"),
        ("[role]\naccount_id = 123456789012", {}, {}, "byoc-iam.toml: role.account_id: must be a string"),
        ('[role]\nacount_id = "123456789012"', {}, {}, "byoc-iam.toml: role.acount_id: is not a setting"),
        ("[role\n", {}, {}, "byoc-iam.toml: invalid TOML"),
        ('role = "x"', {}, {}, "byoc-iam.toml: role: must be a table"),
        ('[role]\nservice_accounts = "a:b"', {}, {}, "role.service_accounts: must be a list"),
        ("", {"BYOC_IAM_ACCOUNT_ID": "abc"}, {}, "BYOC_IAM_ACCOUNT_ID: must be exactly 12 digits"),
        ("", {"BYOC_IAM_TAGS": "novalue"}, {}, "BYOC_IAM_TAGS: 'novalue' must be key=value"),
        ("", {"BYOC_IAM_COMPACT_TRUST": "maybe"}, {"account_id": "123456789012"}, "BYOC_IAM_COMPACT_TRUST: "),
        ("", {}, {"account_id": "1"}, "--account-id: must be exactly 12 digits"),
        ("", {}, {"account_id": "123456789012", "tags": ["a=1", "a=2"]}, "--tag: tag key 'a' is given twice"),
        ("", {}, {"account_id": "123456789012", "region": "cn-north-1", "partition": "aws"}, "--region: cn-north-1"),
        (
            "",
            {"BYOC_IAM_REGION": "us-east-1"},
            {"account_id": "123456789012", "oidc_issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/AB"},
            "--oidc-issuer: is in region eu-west-1, but region is us-east-1",
        ),
    ],
)
def test_problems_name_the_setting_as_written(
    tmp_path: Path, config_text: str, env: dict[str, str], kw: dict[str, Any], message: str
) -> None:
    path = tmp_path / "byoc-iam.toml"
    path.write_text(config_text)
    with pytest.raises(UsageError) as info:
        load_inputs(flags(config=path, **kw), env=env)
    assert message in info.value.message
    assert "\n" not in info.value.message


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^--config: cannot read .*nope.toml"):
        load_inputs(flags(config=tmp_path / "nope.toml"), env={})


# -- the decorator other commands use -----------------------------------------------------------------------


def _app(received: list[Any]) -> typer.Typer:
    app = ByocTyper()

    @with_role_options
    def probe(inputs: BlueprintInputs, loud: bool = typer.Option(False, "--loud")) -> None:
        received.append((inputs, loud))

    app.command("probe")(probe)

    @app.command("other")
    def other() -> None:  # a second command so typer keeps sub-command names
        pass

    return app


def test_with_role_options_passes_validated_inputs(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BYOC_IAM_REGION", "us-west-2")
    received: list[Any] = []
    result = CliRunner().invoke(
        _app(received),
        [
            "probe",
            "--config",
            str(config),
            "--role-name",
            "flag-role",
            "--tag",
            "a=b",
            "--service-account",
            "x:y",
            "--loud",
            "--no-compact-trust",
        ],
    )
    assert result.exit_code == 0, result.output
    inputs, loud = received[0]
    assert loud is True
    assert inputs.role_name == "flag-role" and inputs.account_id == "111111111111"
    assert inputs.tags == {"a": "b"} and inputs.service_accounts == ("x:y",) and inputs.compact_trust is False


def test_with_role_options_rejects_bad_values_before_the_body() -> None:
    received: list[Any] = []
    result = CliRunner().invoke(_app(received), ["probe", "--account-id", "42"])
    assert isinstance(result.exception, UsageError)
    assert result.exception.message == "--account-id: must be exactly 12 digits"
    assert received == []


def test_with_role_options_refuses_clashing_parameters() -> None:
    def bad(inputs: BlueprintInputs, path: str = "x") -> None: ...

    with pytest.raises(TypeError, match="clash"):
        with_role_options(bad)
    with pytest.raises(TypeError, match="no parameter 'inputs'"):
        with_role_options(lambda: None)


def test_custom_inputs_parameter_name() -> None:
    got: list[Any] = []

    def cmd(role: BlueprintInputs) -> None:
        got.append(role)

    decorated: Callable[..., None] = with_role_options(inputs_param="role")(cmd)
    decorated(**{name: None for name in ROLE_OPTION_NAMES} | {"account_id": "123456789012"})
    assert got[0].account_id == "123456789012"


def test_lazy_role_options_pass_raw_values() -> None:
    got: list[Any] = []
    app = ByocTyper()

    @with_role_options(lazy=True)
    def cmd(inputs: Any) -> None:
        got.append(inputs)

    app.command("cmd")(cmd)

    @app.command("other")
    def other() -> None:
        pass

    assert CliRunner().invoke(app, ["cmd"]).exit_code == 0
    assert got[0].given() is False  # nothing validated, so no --account-id needed
    assert CliRunner().invoke(app, ["cmd", "--account-id", "123456789012", "--tag", "a=b"]).exit_code == 0
    assert got[1].given() is True
    assert got[1].inputs(env={}).tags == {"a": "b"}
    with pytest.raises(UsageError, match="--region: must look like"):
        type(got[1])({**got[1], "region": "x"}).inputs(env={})


def test_an_empty_config_file_name_is_refused_not_ignored() -> None:
    """``--config ""`` names a file (it cannot be read), unlike an empty ``BYOC_IAM_CONFIG``, which is unset."""
    with pytest.raises(UsageError, match="--config: cannot read"):
        load_inputs(flags(config="", account_id="123456789012"), env={})
    assert load_inputs(flags(account_id="123456789012"), env={"BYOC_IAM_CONFIG": ""}).account_id == "123456789012"
