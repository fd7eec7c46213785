"""E1012: an element's value has the wrong JSON type."""

from collections.abc import Iterator
from typing import Any

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.positions import escape
from byoc_iam.lint.rules import Hit, Rule


def _kind(v: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", type(None): "null", str: "a string"}.get(
        type(v), "a number"
    )


def _string_or_list(value: Any, ptr: str, what: str) -> Iterator[Hit]:
    if isinstance(value, str):
        return
    if not isinstance(value, list):
        yield Hit(f"{what} must be a string or a list of strings, not {_kind(value)}", ptr)
        return
    for i, v in enumerate(value):
        if not isinstance(v, str):
            yield Hit(f"{what} values must be strings, not {_kind(v)}", f"{ptr}/{i}")


def check(ctx: DocContext) -> Iterator[Hit]:
    if not isinstance(ctx.doc, dict):
        return
    for name in ("Version", "Id"):
        if name in ctx.doc and not isinstance(ctx.doc[name], str):
            yield Hit(f"{name} must be a string, not {_kind(ctx.doc[name])}", ctx.ptr(name))
    for st in ctx.good_statements():
        raw = st.raw
        if "Sid" in raw and not isinstance(raw["Sid"], str):
            yield Hit(f"Sid must be a string, not {_kind(raw['Sid'])}", f"{st.ptr}/Sid")
        if "Effect" in raw and not isinstance(raw["Effect"], str):
            yield Hit(f"Effect must be a string, not {_kind(raw['Effect'])}", f"{st.ptr}/Effect")
        for name in ("Action", "NotAction", "Resource", "NotResource"):
            if name in raw:
                yield from _string_or_list(raw[name], f"{st.ptr}/{name}", name)
        for name in ("Principal", "NotPrincipal"):
            if name not in raw:
                continue
            p = raw[name]
            if isinstance(p, dict):
                for kind, v in p.items():
                    yield from _string_or_list(v, f"{st.ptr}/{name}/{escape(str(kind))}", f"{name} {kind}")
            elif p != "*":
                yield Hit(f'{name} must be "*" or an object such as {{"AWS": ...}}, not {_kind(p)}', f"{st.ptr}/{name}")
        if "Condition" in raw:
            cond = raw["Condition"]
            if not isinstance(cond, dict):
                yield Hit(f"Condition must be an object of operators, not {_kind(cond)}", f"{st.ptr}/Condition")
                continue
            for op, keys in cond.items():
                op_ptr = f"{st.ptr}/Condition/{escape(str(op))}"
                if not isinstance(keys, dict):
                    yield Hit(f"condition operator {op} must map keys to values, not {_kind(keys)}", op_ptr)
                    continue
                for key, vals in keys.items():
                    key_ptr = f"{op_ptr}/{escape(str(key))}"
                    items = vals if isinstance(vals, list) else [vals]
                    for i, v in enumerate(items):
                        if not isinstance(v, str | bool | int | float):
                            where = f"{key_ptr}/{i}" if isinstance(vals, list) else key_ptr
                            yield Hit(f"condition values must be strings, numbers or booleans, not {_kind(v)}", where)


RULE = Rule(
    "E1012",
    "value-type",
    "Element values must have the JSON type IAM expects.",
    check,
    aws_checks=("Data type mismatch",),
)
