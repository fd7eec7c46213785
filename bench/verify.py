"""Benchmark: ``byoc-iam verify`` of the whole BYOC role, in-process, after import (target < 50 ms).

    .venv/bin/python bench/verify.py [--rounds N]

Measures ``verify_role`` on the rendered role (placeholder and linked trust): every component's calls (default
and optional, each evaluated against the whole role and against the component's own policies), the 14 trust
checks and the findings. ``explain=False`` is what decides pass/fail (failures are always explained);
``explain=True`` also asks the engine for the deciding statement of every allowed call, which the JSON/HTML
reports show. There is no peer tool to run side by side offline; the ratio printed is against the target.
"""

from __future__ import annotations

import argparse
import statistics
import time

TARGET_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    t0 = time.perf_counter()
    from byoc_iam.blueprint import BlueprintInputs, render_role
    from byoc_iam.verify import verify_role

    import_ms = (time.perf_counter() - t0) * 1000
    roles = {
        "placeholder": render_role(BlueprintInputs(account_id="123456789012")),
        "linked": render_role(
            BlueprintInputs(
                account_id="123456789012",
                oidc_issuer="https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
            )
        ),
    }
    print(f"import byoc_iam.verify + blueprint: {import_ms:.0f} ms (not counted)")
    first = verify_role(roles["placeholder"], explain=False)  # warm the catalog caches
    evaluated = sum(
        len(call.authorizations) for comp in first.components for call in comp.calls if call.status != "not-evaluated"
    )
    print(
        f"per verify: {evaluated} authorizations of {sum(len(c.calls) for c in first.components)} calls, "
        f"{len(first.trust)} trust checks"
    )
    for mode, spec in roles.items():
        for explain in (False, True):
            rounds = args.rounds if not explain else max(3, args.rounds // 5)
            times = []
            for _ in range(rounds):
                t = time.perf_counter()
                report = verify_role(spec, explain=explain)
                times.append((time.perf_counter() - t) * 1000)
            assert report.ok
            med, best = statistics.median(times), min(times)
            label = "explain=True " if explain else "explain=False"
            print(
                f"verify {mode:<11} {label}: median {med:7.1f} ms  min {best:7.1f} ms  "
                f"(target {TARGET_MS:.0f} ms: x{med / TARGET_MS:.2f})"
            )


if __name__ == "__main__":
    main()
