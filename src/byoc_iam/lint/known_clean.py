"""Documents known to lint clean: the packaged controller policies, by the sha256 of their canonical JSON.

``render`` lints every role it outputs (its lint gate); the three controller policies are most of the role's
text, and linting them loads the service catalog's largest files (EC2's alone is 600 KB), on every render,
to find nothing. :func:`is_known_clean` says a document is byte for byte (canonical JSON) one of those
policies, which every lint rule passes as an identity policy of a role, whatever the options (trust mode,
placement, policy name, ignored rules): :func:`byoc_iam.lint.runner.lint_role` then skips its document rules,
with the same findings (issue 18, cold start). A document that differs in anything is linted in full.

``tests/lint/test_known_clean.py`` lints every controller policy of every partition with every rule and checks
that :data:`KNOWN_CLEAN` is exactly their digests: a changed policy or a new rule that fires on one fails it
(update the table with :func:`digests`).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import import_module
from typing import Any

# sha256 of canonical_json(controller_policy(name, partition).to_dict()), every controller and partition
KNOWN_CLEAN: frozenset[str] = frozenset(
    {
        "1c4e283c772a5ae350396028f9b6df522b219145a1243697d6ba10cbb4ee57cd",
        "9123fde85da8665166067d5bac74e170192816c73aa468d6a49d73e27204a78f",
        "9d11eed1e8e0e28f0074cb10bba8d6d45b1291a356d2484940c6910fa5b6e5fd",
        "ab3a2ef6910ec06b812f7111c36cab5b3e0c1d7733b0585b09ed4154903d8969",
        "b418d3eb7d0a3c7a11c8c5bb15a8e12d27810f33b7efa5622ae610de6dc4dcd1",
        "f9020af5deb78ca2eaafddeabe05cee4c33311e5f1c198482112ab458954f4c3",
        "f9942db2f0bd1d8abb353e884bfa968759065042461230416fe155043306d5ae",
    }
)


def canonical_json(doc: Any) -> str:
    """The document as JSON with sorted keys and no whitespace (what the digest is taken of)."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def digest(doc: Any) -> str:
    """The sha256 (hex) of the document's canonical JSON."""
    hexdigest: str = _sha256()(canonical_json(doc).encode("utf-8")).hexdigest()
    return hexdigest


@cache
def _sha256() -> Any:
    """``hashlib.sha256``'s algorithm, from CPython's own module when it has one (3.11 ``_sha256``, 3.12+
    ``_sha2``): importing :mod:`hashlib` starts OpenSSL and builds every algorithm's constructor, 11M instructions
    of ``verify --role FILE``'s start-up against 1.4M (issue 18); ``tests/lint/test_known_clean.py`` holds the
    two equal. Any other Python takes hashlib's."""
    for module in ("_sha256", "_sha2"):
        try:
            return import_module(module).sha256
        except ImportError:
            continue
    from hashlib import sha256

    return sha256


def is_known_clean(doc: Any) -> bool:
    """Whether ``doc`` is one of the packaged controller policies every lint rule passes (see the module)."""
    if not isinstance(doc, dict):
        return False
    try:
        return digest(doc) in KNOWN_CLEAN
    except (TypeError, ValueError, RecursionError):  # not JSON values (or too deep): not one of ours
        return False


def packaged_documents() -> dict[str, dict[str, Any]]:
    """``<controller>@<partition>`` -> the packaged controller policy (what :data:`KNOWN_CLEAN` is made of)."""
    from byoc_iam.blueprint import data

    return {
        f"{name}@{partition}": data.controller_policy(name, partition).to_dict()
        for name in data.blueprint().controllers
        for partition in data.controller(name).partitions
    }


def digests() -> frozenset[str]:
    """The digests of :func:`packaged_documents` (the value :data:`KNOWN_CLEAN` must have)."""
    return frozenset(digest(doc) for doc in packaged_documents().values())
