"""The pure planner of Pod Identity associations (plan/associations.py): create, update owned, keep or refuse
unowned (adopt: update and tag), delete only owned."""

from __future__ import annotations

from byoc_iam.plan.associations import (
    LiveAssociation,
    WantedAssociation,
    plan_association_removal,
    plan_associations,
)

OURS = {"byoc-iam:managed-by": "byoc-iam"}
ROLE = "arn:aws:iam::123456789012:role/zilliz-byoc-lbc-role"
OTHER = "arn:aws:iam::123456789012:role/other"
WANT = [WantedAssociation("kube-system", "aws-load-balancer-controller", ROLE)]


def live(role: str, tags: dict[str, str]) -> LiveAssociation:
    return LiveAssociation("a-1", "arn:aws:eks:us-east-1:123456789012:podidentityassociation/c/a-1",
                           "kube-system", "aws-load-balancer-controller", role, tags)  # fmt: skip


def test_missing_is_created_tagged_and_matching_is_no_change() -> None:
    (create,) = plan_associations("c", WANT, []).changes
    assert create.action == "eks:CreatePodIdentityAssociation" and create.params["tags"] == OURS
    assert create.params["roleArn"] == ROLE and create.params["clusterName"] == "c"
    assert plan_associations("c", WANT, [live(ROLE, OURS)]).empty


def test_owned_pointing_elsewhere_is_updated_in_place() -> None:
    (update,) = plan_associations("c", WANT, [live(OTHER, OURS)]).changes
    assert update.action == "eks:UpdatePodIdentityAssociation" and update.params["associationId"] == "a-1"


def test_unowned_is_kept_or_refused_never_changed_without_adopt() -> None:
    same = plan_associations("c", WANT, [live(ROLE, {})])
    assert same.empty and not same.refusals and "not byoc-iam's" in same.notes[0]
    other = plan_associations("c", WANT, [live(OTHER, {})])
    assert other.empty and other.refusals and "--adopt" in other.refusals[0]
    adopted = plan_associations("c", WANT, [live(OTHER, {})], adopt=True)
    assert [c.action for c in adopted.changes] == ["eks:UpdatePodIdentityAssociation", "eks:TagResource"]


def test_destroy_deletes_only_owned_associations_of_our_roles() -> None:
    assert [c.action for c in plan_association_removal("c", {ROLE}, [live(ROLE, OURS)]).changes] == [
        "eks:DeletePodIdentityAssociation"
    ]
    kept = plan_association_removal("c", {ROLE}, [live(ROLE, {})])
    assert kept.empty and "did not create" in kept.notes[0]
    assert plan_association_removal("c", {ROLE}, [live(OTHER, OURS)]).empty  # not one of our roles
    assert not plan_association_removal("c", {ROLE}, [live(ROLE, {})], adopt=True).empty
