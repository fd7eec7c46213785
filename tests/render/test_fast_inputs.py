"""blueprint/fast_inputs.py: BlueprintInputs without pydantic's validator gives exactly what model_validate gives,
and declines (leaving pydantic to word the error) whenever model_validate would refuse; render's plain path
(PlainInputs -> PlainRoleSpec, no pydantic) gives the role, lint findings and every export the pydantic path
gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from byoc_iam.blueprint.config import load_inputs, load_plain_inputs
from byoc_iam.blueprint.fast_inputs import PlainInputs, fast_inputs, plain_inputs
from byoc_iam.blueprint.inputs import BlueprintInputs
from byoc_iam.blueprint.render import render_plain, render_role
from byoc_iam.cli.render import header_lines, lint_gate
from byoc_iam.errors import ByocError, UsageError
from byoc_iam.export import FORMATS, bundle, export
from byoc_iam.lint import lint_role
from byoc_iam.model.role import RoleSpec

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"
# per field: values that pass and values that break a rule or are of another type
SAMPLES: dict[str, list[Any]] = {
    "account_id": ["111122223333", "11112222333", 111122223333, "", None],
    "partition": ["aws", "aws-cn", "aws-us-gov", "mars", None, 1],
    "region": ["us-east-1", "cn-north-1", "us-gov-west-1", "mars-1", "eu-west-9", None, 5],
    "role_name": ["my-role", "bad name", "x" * 65, None, 3],
    "path": ["/", "/a/b/", "a", None],
    "description": ["a role", "\x00", "x" * 1001, None],
    "max_session_duration": [3600, "7200", 5, "x", "3600.5", 3600.0, True, " 3600", "0003600", None],
    "permissions_boundary": ["arn:aws:iam::111122223333:policy/b", "arn:aws-cn:iam::111122223333:policy/b", "x", None],
    "tags": [{"a": "b"}, {"a": 1}, {"": "x"}, {}, ["a=b"], None],
    "trust_mode": ["placeholder", "resolved", "other", None],
    "oidc_issuer": [ISSUER, "https://example.com/x", "http://x", None],
    "allow_custom_issuer": [True, False, "true", 1, None],
    "compact_trust": [True, False, "no", None],
    "service_accounts": [("ns:sa",), ["a:b", "c:d"], ("bad",), "ns:sa", (1,), ()],
    "policy_placement": ["inline", "managed", "other", None],
    "roles": [("eks",), ["all"], "storage", ("eks", "cross-account"), ("nope",), ()],
    "name_prefix": ["zilliz-byoc", "Bad Prefix", None],
    "bucket": ["my-bucket", "Bad_Bucket", None],
    "bucket_kms_key_arn": ["arn:aws:kms:us-east-1:111122223333:key/abc", "x", None],
    "external_id": ["EXTID1234567", "x", None],
    "storage_service_accounts": [("milvus:milvus",), ("bad",)],
    "storage_wildcard_subjects": [True, False, "yes"],
    "layout": ["combined", "split", "other"],
    "identity": ["irsa", "pod-identity", "other"],
    "cni_role": [True, False, 0],
    "cluster_name": ["c1", "bad name!", None],
    "not_a_setting": ["x"],
}


def _validated(values: dict[str, Any]) -> BlueprintInputs | None:
    try:
        return BlueprintInputs.model_validate(values)
    except ValidationError:
        return None


def _same(fast: BlueprintInputs, slow: BlueprintInputs) -> None:
    assert fast == slow
    assert fast.__dict__ == slow.__dict__
    assert {k: type(v) for k, v in fast.__dict__.items()} == {k: type(v) for k, v in slow.__dict__.items()}
    assert fast.model_fields_set == slow.model_fields_set


@st.composite
def value_sets(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(sorted(SAMPLES)), unique=True, max_size=8))
    values = {k: draw(st.sampled_from(SAMPLES[k])) for k in keys}
    if draw(st.booleans()):
        values["account_id"] = "111122223333"
    return values


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value_sets())
def test_fast_inputs_agrees_with_pydantic(values: dict[str, Any]) -> None:
    fast, slow = fast_inputs(values), _validated(values)
    if fast is not None:
        assert slow is not None, values  # never accepts what pydantic refuses
        _same(fast, slow)


@pytest.mark.parametrize(
    "values",
    [
        {"account_id": "111122223333"},
        {"account_id": "111122223333", "region": "us-east-1"},
        {"account_id": "111122223333", "region": "cn-north-1", "policy_placement": "managed"},
        {"account_id": "111122223333", "region": "us-east-1", "oidc_issuer": ISSUER, "trust_mode": "resolved"},
        {"account_id": "111122223333", "tags": {"a": "b"}, "service_accounts": ("ns:sa",), "compact_trust": True},
        {"account_id": "111122223333", "max_session_duration": "7200", "roles": ("all",), "bucket": "my-bucket",
         "external_id": "EXTID1234567"},
        {"account_id": "111122223333", "layout": "split", "identity": "pod-identity", "cluster_name": "c1"},
    ],
)  # fmt: skip
def test_the_common_cases_take_the_fast_path(values: dict[str, Any]) -> None:
    fast = fast_inputs(values)
    assert fast is not None
    _same(fast, BlueprintInputs.model_validate(values))


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"account_id": "11112222333"}, "--account-id: must be exactly 12 digits"),
        ({"account_id": "111122223333", "region": "mars-1"}, "--region: must look like"),
        ({"account_id": "111122223333", "max_session_duration": "x"}, "--max-session-duration: must be a whole number"),
        ({"account_id": "111122223333", "trust_mode": "resolved"}, "--trust-mode: resolved needs an OIDC issuer"),
        ({"account_id": "111122223333", "roles": ("storage",)}, "--bucket: is required for the storage role"),
        ({}, "--account-id: is required (give --account-id"),
    ],
)
def test_bad_flags_still_get_pydantics_words(flags: dict[str, Any], message: str) -> None:
    assert fast_inputs(flags) is None
    with pytest.raises(UsageError) as info:
        load_inputs(flags, env={})
    assert str(info.value).startswith(message), str(info.value)


def _same_plain(plain: PlainInputs, slow: BlueprintInputs) -> None:
    assert plain.field_values() == slow.__dict__
    assert {k: type(v) for k, v in plain.field_values().items()} == {k: type(v) for k, v in slow.__dict__.items()}
    for derived in ("issuer", "resolved_partition", "resolved_trust_mode"):
        assert getattr(plain, derived) == getattr(slow, derived)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value_sets())
def test_plain_inputs_agree_with_pydantic(values: dict[str, Any]) -> None:
    plain, slow = plain_inputs(values), _validated(values)
    assert (plain is None) == (fast_inputs(values) is None)  # one decision for both fast forms
    if plain is not None:
        assert slow is not None, values  # never accepts what pydantic refuses
        _same_plain(plain, slow)


# per field: the sample values that pass alone (render's property test draws mostly valid inputs from them)
VALID: dict[str, list[Any]] = {
    k: ok
    for k, vs in SAMPLES.items()
    if (ok := [v for v in vs if plain_inputs({"account_id": "111122223333", k: v}) is not None])
}


@st.composite
def valid_value_sets(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(sorted(VALID)), unique=True, max_size=8))
    return {"account_id": "111122223333", **{k: draw(st.sampled_from(VALID[k])) for k in keys}}


def _gate(spec: Any, inputs: Any, limit: int) -> tuple[str, str]:
    try:
        return "ok", lint_gate(spec, inputs, trust_size_limit=limit)
    except ByocError as exc:
        return "refused", str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_value_sets(), st.sampled_from([2048, 700, 8192]))
def test_the_plain_render_equals_the_pydantic_render(values: dict[str, Any], limit: int) -> None:
    plain, slow = plain_inputs(values), _validated(values)
    if plain is None or slow is None:
        return
    spec, model = render_plain(plain), render_role(slow)
    assert spec.field_values() == dict(model)
    assert model == RoleSpec.model_validate(dict(model))  # what render_role builds unvalidated is valid as is
    assert spec.to_json() == model.to_json()
    assert spec.inline_size() == model.inline_size()
    assert spec.trust().to_dict() == model.trust().to_dict()
    for view in ("inline", "customer_managed"):
        ours, theirs = getattr(spec, view)(), getattr(model, view)()
        assert {n: d.to_dict() for n, d in ours.items()} == {n: d.to_dict() for n, d in theirs.items()}
    mode = slow.resolved_trust_mode
    assert lint_role(spec, trust_mode=mode, trust_size_limit=limit) == lint_role(
        model, trust_mode=mode, trust_size_limit=limit
    )
    assert _gate(spec, plain, limit) == _gate(model, slow, limit)
    header = header_lines(plain, spec)
    assert header == header_lines(slow, model)
    for fmt in FORMATS:
        assert export(spec, fmt, header) == export(model, fmt, header)
        assert bundle(spec, fmt, header) == bundle(model, fmt, header)


@pytest.mark.parametrize(
    ("flags", "kind"),
    [
        ({"account_id": "111122223333", "region": "us-east-1"}, PlainInputs),
        ({"account_id": "111122223333", "tags": {"a": "b"}, "policy_placement": "managed"}, PlainInputs),
        ({"account_id": "111122223333", "roles": ("all",), "bucket": "my-bucket", "external_id": "EXTID1234567"},
         BlueprintInputs),
        ({"account_id": "111122223333", "layout": "split"}, BlueprintInputs),
        ({"account_id": "111122223333", "max_session_duration": 7200.0}, BlueprintInputs),
    ],
)  # fmt: skip
def test_render_gets_plain_inputs_only_for_the_single_eks_role_plainly_typed(flags: dict[str, Any], kind: type) -> None:
    inputs = load_plain_inputs(flags, env={})
    assert type(inputs) is kind
    assert {k: getattr(inputs, k) for k in BlueprintInputs.model_fields} == load_inputs(flags, env={}).__dict__


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"account_id": "11112222333"}, "--account-id: must be exactly 12 digits"),
        ({"account_id": "111122223333", "region": "mars-1"}, "--region: must look like"),
        ({"account_id": "111122223333", "trust_mode": "resolved"}, "--trust-mode: resolved needs an OIDC issuer"),
        ({}, "--account-id: is required (give --account-id"),
    ],
)
def test_bad_flags_on_the_plain_path_get_pydantics_words(flags: dict[str, Any], message: str) -> None:
    assert plain_inputs(flags) is None
    with pytest.raises(UsageError) as info:
        load_plain_inputs(flags, env={})
    assert str(info.value).startswith(message), str(info.value)
