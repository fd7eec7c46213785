"""Pure planning: diff(desired, live) → an ordered plan value (no I/O).

A :class:`Plan` is a value: serialisable to JSON, carrying the fingerprint of the live state it was computed
against, so a saved plan can be applied exactly, or refused when the live role changed since.
"""

from byoc_iam.plan.diff import apply_scope, customer_policy_arns, plan_apply, plan_destroy, plan_link
from byoc_iam.plan.model import Change, Plan
from byoc_iam.plan.state import OWNER_TAG, OWNER_TAG_KEY, LiveOidcProvider, LivePolicy, LiveRole, LiveState, owned
from byoc_iam.plan.text import plan_lines

diff = plan_apply

__all__ = [
    "OWNER_TAG",
    "OWNER_TAG_KEY",
    "Change",
    "LiveOidcProvider",
    "LivePolicy",
    "LiveRole",
    "LiveState",
    "Plan",
    "apply_scope",
    "customer_policy_arns",
    "diff",
    "owned",
    "plan_apply",
    "plan_destroy",
    "plan_lines",
    "plan_link",
]
