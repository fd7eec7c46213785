"""Exports of a RoleSpec (pure: text in, text out): JSON, Terraform, CloudFormation, an aws-cli script.

:func:`export` renders one format; :func:`bundle` is the file set ``render --out DIR`` writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byoc_iam.export.awscli import to_aws_cli
    from byoc_iam.export.cloudformation import to_cloudformation
    from byoc_iam.export.terraform import to_terraform
    from byoc_iam.model.role import RoleSpec

FORMATS = ("json", "terraform", "cloudformation", "aws-cli")
FILE_NAMES = {"terraform": "main.tf", "cloudformation": "template.yaml", "aws-cli": "create-role.sh"}


def _json_export(spec: RoleSpec, header: Sequence[str] = ()) -> str:
    return spec.to_json() + "\n"


# format -> (submodule, function): a format's module is imported when it is asked for (issue 18, cold start)
_EXPORTERS = {
    "terraform": ("terraform", "to_terraform"),
    "cloudformation": ("cloudformation", "to_cloudformation"),
    "aws-cli": ("awscli", "to_aws_cli"),
}


def exporter(fmt: str) -> Callable[[RoleSpec, Sequence[str]], str]:
    """The function that renders format ``fmt`` (one of :data:`FORMATS`; KeyError for another)."""
    if fmt == "json":
        return _json_export
    module, name = _EXPORTERS[fmt]
    fn: Callable[[RoleSpec, Sequence[str]], str] = getattr(import_module(f"byoc_iam.export.{module}"), name)
    return fn


def export(spec: RoleSpec, fmt: str, header: Sequence[str] = ()) -> str:
    """``spec`` in format ``fmt`` (one of :data:`FORMATS`); ``header`` lines become comments where possible."""
    return exporter(fmt)(spec, header)


def __getattr__(name: str) -> Any:
    """``to_terraform``, ``to_cloudformation``, ``to_aws_cli``, imported on first use (PEP 562)."""
    for module, fn in _EXPORTERS.values():
        if fn == name:
            return getattr(import_module(f"byoc_iam.export.{module}"), fn)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _doc(doc: object) -> str:
    return json.dumps(doc, indent=2) + "\n"


def bundle(spec: RoleSpec, fmt: str = "json", header: Sequence[str] = ()) -> dict[str, str]:
    """Relative path → text of every file ``render --out`` writes.

    ``rolespec.json``, ``trust-policy.json``, ``managed-policy-arns.json``, ``policies/inline/<name>.json``,
    ``policies/customer-managed/<name>.json``, and the export file of ``fmt`` (``main.tf``, ``template.yaml``
    or ``create-role.sh``) unless ``fmt`` is ``json``.
    """
    files = {
        "rolespec.json": spec.to_json() + "\n",
        "trust-policy.json": _doc(spec.trust_policy),
        "managed-policy-arns.json": _doc(spec.managed_policy_arns),
    }
    for name, doc in spec.inline_policies.items():
        files[f"policies/inline/{name}.json"] = _doc(doc)
    for name, doc in spec.customer_managed_policies.items():
        files[f"policies/customer-managed/{name}.json"] = _doc(doc)
    if fmt != "json":
        files[FILE_NAMES[fmt]] = export(spec, fmt, header)
    return files


__all__ = ["FILE_NAMES", "FORMATS", "bundle", "export", "exporter", "to_aws_cli", "to_cloudformation", "to_terraform"]
