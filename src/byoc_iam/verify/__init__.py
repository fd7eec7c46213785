"""verify: prove every component of the cluster can do its job with the role, and nobody else can assume it.

    from byoc_iam.verify import verify_role
    report = verify_role(spec, features=["snapshots"])
    report.ok, report.failures()

Component requirements are data (``data/requirements/*.json``, loaded by :mod:`byoc_iam.verify.requirements`);
verify's own knowledge too (``data/verify/``: component order, negative trust principals, findings). One module
per job — :mod:`.policies` (which policy serves which component), :mod:`.documents` (documents IAM would
refuse), :mod:`.permissions`, :mod:`.trust`, :mod:`.federation`, :mod:`.beyond` (grants beyond the blueprint),
:mod:`.findings` — composed by :func:`verify_role` in :mod:`.checks`; :mod:`byoc_iam.verify.report` is the
report value every output renders.
"""

from byoc_iam.verify.checks import infer_target, own_policies, role_policies, verify_role
from byoc_iam.verify.report import SCHEMA, VerifyReport
from byoc_iam.verify.requirements import Component, Target, all_features, components

__all__ = [
    "SCHEMA",
    "Component",
    "Target",
    "VerifyReport",
    "all_features",
    "components",
    "infer_target",
    "own_policies",
    "role_policies",
    "verify_role",
]
