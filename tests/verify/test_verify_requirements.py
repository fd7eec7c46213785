"""The requirements catalog (data/requirements/*.json): schema, facts, and agreement with the upstream research."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from byoc_iam.errors import UsageError
from byoc_iam.servicecatalog import get_catalog
from byoc_iam.verify.requirements import COMPONENT_ORDER, Target, components, parse_component

CATALOG = {c.id: c for c in components()}


def test_every_component_of_the_brief_is_present_in_order() -> None:
    assert tuple(CATALOG) == COMPONENT_ORDER


@pytest.mark.parametrize("cid", COMPONENT_ORDER)
def test_component_records_upstream_and_how_it_obtains_the_role(cid: str) -> None:
    comp = CATALOG[cid]
    assert comp.upstream and all(u.release for u in comp.upstream)
    assert any(u.commit and len(u.commit) == 40 for u in comp.upstream) or any(
        u.repo == "AWS managed policy" for u in comp.upstream
    )
    assert comp.obtains_role
    assert any(c.feature is None for c in comp.calls), "every component makes some call in default operation"


@pytest.mark.parametrize("cid", COMPONENT_ORDER)
def test_every_action_is_a_real_iam_action(cid: str) -> None:
    cat = get_catalog()
    for call in CATALOG[cid].calls:
        if call.kind == "no-permission-needed":
            continue
        assert cat.action(call.action) is not None, f"{cid}/{call.id}: {call.action} unknown to the service catalog"


def test_templates_are_fully_substituted() -> None:
    target = Target(account="210987654321", region="eu-west-1", partition="aws-cn", cluster="c1")
    for comp in components():
        for call in comp.calls:
            for auth in call.requests(target):
                text = json.dumps([auth.resource, auth.context])
                assert "${" not in text, f"{comp.id}/{call.id}"
                if auth.resource != "*":
                    assert auth.resource.startswith("arn:aws-cn:"), auth.resource


def test_contexts_as_the_controllers_set_them() -> None:
    t = Target(cluster="prod")

    def ctx(cid: str, call_id: str, index: int = 0) -> dict[str, object]:
        call = next(c for c in CATALOG[cid].calls if c.id == call_id)
        return call.requests(t)[index].context

    lb = ctx("aws-load-balancer-controller", "elb-create-load-balancer")
    assert lb["aws:RequestTag/elbv2.k8s.aws/cluster"] == "prod"
    assert "elbv2.k8s.aws/cluster" in lb["aws:TagKeys"]  # type: ignore[operator]
    tag = ctx("aws-load-balancer-controller", "elb-add-tags-on-create-lb")
    assert tag["elasticloadbalancing:CreateAction"] == "CreateLoadBalancer"
    vol = ctx("aws-ebs-csi-driver", "create-volume")
    assert vol["aws:RequestTag/ebs.csi.aws.com/cluster"] == "true"
    assert ctx("aws-ebs-csi-driver", "create-tags-on-create-volume")["ec2:CreateAction"] == "CreateVolume"
    assert ctx("aws-ebs-csi-driver", "create-tags-on-create-snapshot")["ec2:CreateAction"] == "CreateSnapshot"
    delete = ctx("aws-ebs-csi-driver", "delete-volume")
    assert delete["aws:ResourceTag/ebs.csi.aws.com/cluster"] == "true"
    assert delete["ec2:ResourceTag/ebs.csi.aws.com/cluster"] == "true"
    # a tag-reconcile call must not send the cluster tag (the upstream policy requires it absent)
    assert "aws:RequestTag/elbv2.k8s.aws/cluster" not in ctx("aws-load-balancer-controller", "elb-add-tags-lb")


def test_unauthorized_calls_are_recorded_not_evaluated() -> None:
    gci = next(c for c in CATALOG["aws-ebs-csi-driver"].calls if c.action == "sts:GetCallerIdentity")
    assert gci.kind == "no-permission-needed" and not gci.evaluated


def test_bad_requirements_file_is_one_line_error(tmp_path: Path) -> None:
    data = json.loads(
        (Path(__file__).resolve().parents[2] / "src/byoc_iam/data/requirements/cluster-autoscaler.json").read_text()
    )
    data["calls"][0]["feature"] = "not-declared"
    with pytest.raises(UsageError, match="undeclared features: not-declared"):
        parse_component(json.dumps(data), "x.json")
    data["calls"][0]["feature"] = None
    data["calls"][0]["action"] = "not an action"
    with pytest.raises(UsageError, match=r"x.json: calls.0.action"):
        parse_component(json.dumps(data), "x.json")


RESEARCH_COMPONENT = {
    "aws-load-balancer-controller": "aws-load-balancer-controller",
    "aws-ebs-csi-driver": "aws-ebs-csi-driver",
    "cluster-autoscaler": "cluster-autoscaler",
    "amazon-vpc-cni": "amazon-vpc-cni",
    "eks-node": "worker-node",
    "amazon-vpc-resource-controller": "vpc-resource-controller",
}
# research entries deliberately not modelled as calls of this role, and why
NOT_THIS_ROLE = {
    ("eks-node", "sts:AssumeRoleWithWebIdentity"),  # made against the annotated ECR role, not the node role
    ("amazon-vpc-resource-controller", "ec2:DescribeTrunkInterfaceAssociations"),  # EKS's own client
    ("amazon-vpc-resource-controller", "ec2:DisassociateTrunkInterface"),  # EKS's own client
}


def test_catalog_covers_the_calls_found_upstream(shared_research: Path) -> None:
    """Every action the research found in a controller's source is in that component's catalog (default or a
    named feature), except the few documented as made with another principal's credentials."""
    research = json.loads((shared_research / "upstream" / "api-calls.json").read_text())
    missing: list[str] = []
    for rcomp, entries in research.items():
        ours = {c.action for c in CATALOG[RESEARCH_COMPONENT[rcomp]].calls}
        for e in entries:
            if e["action"] not in ours and (rcomp, e["action"]) not in NOT_THIS_ROLE:
                missing.append(f"{rcomp}: {e['action']}")
    # globalaccelerator/acm/route53 management calls are modelled by a representative call per feature
    missing = [m for m in missing if not m.split(": ")[1].startswith(("globalaccelerator:", "acm:", "route53:"))]
    assert not missing, missing


def test_default_calls_match_research_default_operation(shared_research: Path) -> None:
    """Actions the research marks as default operation (conditional null) are default in our catalog too."""
    research = json.loads((shared_research / "upstream" / "api-calls.json").read_text())
    wrong: list[str] = []
    for rcomp, entries in research.items():
        comp = CATALOG[RESEARCH_COMPONENT[rcomp]]
        for e in entries:
            if e.get("conditional") is None and e["kind"] == "direct":
                calls = [c for c in comp.calls if c.action == e["action"]]
                if calls and not any(c.feature is None for c in calls):
                    wrong.append(f"{rcomp}: {e['action']}")
    assert not wrong, wrong


def test_resource_arns_match_the_actions_resource_types() -> None:
    """Each authorization's ARN is of a resource type the service authorization reference lists for the action
    (ELBv2 calls included: the catalog reads the merged elasticloadbalancing prefix as both APIs)."""
    cat = get_catalog()
    bad: list[str] = []
    for comp in components():
        for call in comp.calls:
            if not call.evaluated:
                continue
            types = cat.resource_types_for(call.action)
            for auth in call.requests(Target()):
                if auth.resource == "*":
                    continue
                if not any(cat.arn_matches_resource_type(auth.resource, rt) for rt in types):
                    bad.append(f"{comp.id}/{call.id}: {auth.resource}")
    assert not bad, bad


def test_every_call_carries_its_evidence() -> None:
    """An upstream source path or an AWS documentation page, and the release (or the date the page was read);
    calls AWS services make or check on the caller's behalf are backed by AWS's own documentation."""
    for comp in components():
        for call in comp.calls:
            assert call.evidence and all(e.release for e in call.evidence), f"{comp.id}/{call.id}"
            for e in call.evidence:
                assert (e.source is None) != (e.doc is None)
                assert e.doc is None or e.doc.startswith("https://docs.aws.amazon.com/")
            if call.kind == "service-side":
                assert any(e.doc for e in call.evidence), f"{comp.id}/{call.id}: service-side without an AWS doc"


def test_calls_elb_makes_on_the_callers_behalf_are_default() -> None:
    lbc = {c.action: c for c in CATALOG["aws-load-balancer-controller"].calls}
    for action in ("ec2:GetSecurityGroupsForVpc", "iam:CreateServiceLinkedRole"):
        assert lbc[action].feature is None and lbc[action].kind == "service-side"
    slr = next(c for c in CATALOG["aws-load-balancer-controller"].calls if c.action == "iam:CreateServiceLinkedRole")
    assert slr.requests(Target())[0].context["iam:AWSServiceName"] == "elasticloadbalancing.amazonaws.com"


def test_request_tags_are_in_the_context_of_the_created_resource_only() -> None:
    for comp in components():
        for call in comp.calls:
            if not call.has_request_tags:
                continue
            auths = call.requests(Target())
            tagged = [a for a in auths if any(k.startswith("aws:RequestTag/") or k == "aws:TagKeys" for k in a.context)]
            created = [r for r in call.resources if r.created] or call.resources
            assert len(tagged) == len(created), f"{comp.id}/{call.id}"


BASE = {
    "$schema": "byoc-iam/requirements/1",
    "id": "x",
    "name": "X",
    "runs": "Deployment x",
    "obtains_role": [{"via": "irsa", "service_account": "kube-system:x"}],
    "upstream": [{"repo": "o/r", "release": "v1", "what": "w"}],
    "policies": {},
}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            {
                "resources": [
                    {"arn": "arn:aws:ec2:us-east-1:1:security-group/sg-1"},
                    {"arn": "arn:aws:ec2:us-east-1:1:vpc/v"},
                ],
                "request_tags": {"k": "v"},
            },
            "must mark the resource it creates",
        ),
        ({"evidence": []}, "at least 1 item"),
        ({"evidence": [{"release": "v1"}]}, "exactly one of source"),
        ({"evidence": [{"doc": "https://example.com/x", "release": "v1"}]}, "not an AWS documentation page"),
    ],
    ids=["created-unmarked", "no-evidence", "evidence-without-source", "evidence-not-aws-doc"],
)
def test_catalog_rejects_calls_without_what_they_need(call: dict[str, object], message: str) -> None:
    base_call = {
        "id": "c",
        "action": "ec2:CreateSecurityGroup",
        "summary": "s",
        "resources": [{"arn": "*"}],
        "evidence": [{"source": "o/r:path.go", "release": "v1"}],
    }
    text = json.dumps({**BASE, "calls": [{**base_call, **call}]})
    with pytest.raises(UsageError, match=message):
        parse_component(text, "requirements/x.json")
