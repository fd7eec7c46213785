"""Lint every policy document inside a Terraform or CloudFormation file (see :mod:`byoc_iam.lint.sources`)."""

from __future__ import annotations

import json

from byoc_iam.lint.context import LintOptions
from byoc_iam.lint.finding import Finding
from byoc_iam.lint.runner import lint_document
from byoc_iam.lint.sources import EmbeddedPolicy, from_cloudformation, kind_of


def extract(filename: str, text: str) -> list[EmbeddedPolicy]:
    """The policy documents in ``text`` (see the module docstring); [] for a bare policy document."""
    kind = kind_of(filename, text)
    if kind == "terraform":
        from byoc_iam.lint.sources_tf import from_hcl

        return from_hcl(text)
    if kind == "terraform-json":
        from byoc_iam.lint.sources_tf import from_tf_json

        return from_tf_json(json.loads(text), text)
    if kind == "terraform-plan":
        from byoc_iam.lint.sources_tf import from_plan

        return from_plan(json.loads(text))
    if kind == "cloudformation":
        return from_cloudformation(text, filename)
    return []


def is_embedding_source(filename: str, text: str) -> bool:
    """True when the file is Terraform, a Terraform plan or a CloudFormation template (not a bare policy)."""
    return kind_of(filename, text) != "policy"


def _unresolved(f: Finding) -> bool:
    """E4001 on a ``${...}`` expression: Terraform/CloudFormation resolves it at apply time."""
    return f.code == "E4001" and "placeholder ${" in f.message


def lint_embedded(policy: EmbeddedPolicy, file: str, options: LintOptions | None = None) -> list[Finding]:
    """Lint one embedded document; findings carry the document's name and the line it starts on."""
    found = lint_document(policy.document, policy.policy_type, file=file, options=options)
    return [
        f._replace(document=policy.name, line=f.line if f.line is not None else policy.line, column=f.column or 1)
        if f.line is None and policy.line is not None
        else f._replace(document=policy.name)
        for f in found
        if f.code not in policy.ignore and not _unresolved(f)
    ]


def lint_source(filename: str, text: str, options: LintOptions | None = None) -> tuple[list[Finding], int]:
    """Lint every document in a Terraform (.tf, .tf.json, plan JSON) or CloudFormation file.

    Returns ``(findings, documents linted)``. Raises :class:`~byoc_iam.lint.sources.SourceError` when the
    file cannot be read as its format.
    """
    policies = extract(filename, text)
    out: list[Finding] = []
    for p in policies:
        out.extend(lint_embedded(p, filename, options))
    return out, len(policies)
