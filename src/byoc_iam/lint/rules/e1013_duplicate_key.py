"""E1013: a JSON object has the same key twice (the earlier value is silently lost)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    if ctx.source is None:
        return
    for ptr, _ in ctx.source.duplicates:
        if ptr.startswith(ctx.base + "/"):
            key = ptr.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            yield Hit(f"the key {key!r} appears twice in one object; only the last one counts", ptr)


RULE = Rule("E1013", "duplicate-key", "A JSON object must not repeat a key.", check)
