"""E1010: an element is an empty list, string or object where IAM needs a value."""

from collections.abc import Iterator
from typing import Any

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.positions import escape
from byoc_iam.lint.rules import Hit, Rule

_LISTS = ("Action", "NotAction", "Resource", "NotResource")


def _empty(value: Any) -> bool:
    return value in ([], "", {})


def check(ctx: DocContext) -> Iterator[Hit]:
    if isinstance(ctx.doc, dict) and ctx.doc.get("Statement") == []:
        yield Hit("Statement is an empty list", ctx.ptr("Statement"))
    for st in ctx.good_statements():
        raw = st.raw  # a JSON object: good_statements() gives no other
        for name in _LISTS:
            if name in raw:
                value = raw[name]
                if _empty(value):
                    yield Hit(f"{name} is empty", f"{st.ptr}/{name}")
                elif isinstance(value, list):
                    for i, v in enumerate(value):
                        if v == "":
                            yield Hit(f"{name} has an empty string", f"{st.ptr}/{name}/{i}")
        for name in ("Principal", "NotPrincipal"):
            p = raw.get(name)
            if p in ({}, ""):
                yield Hit(f"{name} is empty", f"{st.ptr}/{name}")
            elif isinstance(p, dict):
                for kind, v in p.items():
                    if _empty(v):
                        yield Hit(f"{name} {kind} is empty", f"{st.ptr}/{name}/{escape(str(kind))}")
        cond = raw.get("Condition")
        if isinstance(cond, dict):
            for op, keys in cond.items():
                op_ptr = f"{st.ptr}/Condition/{escape(str(op))}"
                if keys == {}:
                    yield Hit(f"condition operator {op} has no keys", op_ptr)
                elif isinstance(keys, dict):
                    for key, v in keys.items():
                        if v == []:
                            yield Hit(f"condition key {key} has no values", f"{op_ptr}/{escape(str(key))}")


RULE = Rule("E1010", "empty-value", "Elements must not be empty lists, strings or objects.", check)
