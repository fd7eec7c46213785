"""Lint every AWS managed policy and count the findings by rule: ``.venv/bin/python bench/lint_managed.py``.

The documents are moto's copy of the AWS managed policies (``moto.iam.aws_managed_policies``, the same data
``byoc-iam catalog refresh`` reads). Each is linted as an identity policy of origin ``aws-managed`` (AWS stores
it, so IAM accepted it: no ERROR is expected) and, with ``--customer``, also as if a customer had written it
(the catalog ERRORs and the customer size quota then apply). Prints one row per rule (code, severity,
findings, documents) and the totals; ``--json`` prints the same as JSON. Exit 1 when an AWS-managed lint
reports an ERROR.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Any


def _documents() -> dict[str, Any]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    data: dict[str, Any] = json.loads(aws_managed_policies_data)
    return {name: entry["Document"] for name, entry in sorted(data.items())}


def sweep(documents: dict[str, Any], origin: str) -> dict[str, Any]:
    """Findings by rule over every document: ``{"origin", "documents", "seconds", "rules": [...]}``."""
    from byoc_iam.lint import lint_document

    findings: Counter[tuple[str, str]] = Counter()
    docs_with: Counter[str] = Counter()
    errors: list[str] = []
    start = time.perf_counter()
    for name, doc in documents.items():
        found = lint_document(doc, "identity", origin=origin)  # type: ignore[arg-type]
        for f in found:
            findings[(f.code, str(f.severity))] += 1
        docs_with.update({f.code for f in found})
        if any(str(f.severity) == "ERROR" for f in found):
            errors.append(name)
    seconds = time.perf_counter() - start
    rules = [
        {"code": code, "severity": sev, "findings": n, "documents": docs_with[code]}
        for (code, sev), n in sorted(findings.items())
    ]
    return {
        "origin": origin,
        "documents": len(documents),
        "seconds": round(seconds, 1),
        "rules": rules,
        "erring": errors,
    }


def _print(result: dict[str, Any]) -> None:
    print(f"origin {result['origin']}: {result['documents']} AWS managed policies in {result['seconds']} s")
    print(f"  {'code':<6} {'severity':<17} {'findings':>8} {'documents':>9}")
    for r in result["rules"]:
        print(f"  {r['code']:<6} {r['severity']:<17} {r['findings']:>8} {r['documents']:>9}")
    total = sum(r["findings"] for r in result["rules"])
    print(f"  total  {total} findings; {len(result['erring'])} documents with an ERROR")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customer", action="store_true", help="also lint them as customer documents")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    documents = _documents()
    origins = ["aws-managed", "customer"] if args.customer else ["aws-managed"]
    results = [sweep(documents, origin) for origin in origins]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for result in results:
            _print(result)
    return 1 if results[0]["erring"] else 0


if __name__ == "__main__":
    sys.exit(main())
