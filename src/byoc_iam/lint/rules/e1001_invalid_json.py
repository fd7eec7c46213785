"""E1001: the text is not JSON (reported by the runner with the parser's line and column)."""

from byoc_iam.lint.rules import Rule

RULE = Rule(
    "E1001",
    "invalid-json",
    "The document is not valid JSON.",
    aws_checks=("Json syntax error",),
)
