"""The README stays true to the CLI: every command and flag its examples name exists, its links resolve."""

from __future__ import annotations

import itertools
import re
import shlex
from pathlib import Path

import click
import pytest
import typer

from byoc_iam.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")
ROOT = typer.main.get_command(app)


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"^```(?:bash|console)\n(.*?)^```", text, flags=re.S | re.M)


def _invocations() -> list[str]:
    """Every `byoc-iam ...` command line of the README's shell examples (continuations joined)."""
    out: list[str] = []
    for block in _code_blocks(TEXT):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.removeprefix("$ ").strip()
            if "byoc-iam " not in line or line.startswith("#"):
                continue
            line = line[line.index("byoc-iam ") :]
            out.append(line.split("|")[0].split(">")[0])
    return out


def _resolve(args: list[str]) -> tuple[click.Command, list[str]]:
    """The (sub)command named by the leading words, and the remaining arguments."""
    cmd: click.Command = ROOT
    rest = list(args)
    while isinstance(cmd, click.Group) and rest and not rest[0].startswith("-"):
        sub = cmd.get_command(click.Context(cmd), rest[0])
        assert sub is not None, f"unknown command {rest[0]!r} in {args}"
        cmd, rest = sub, rest[1:]
    return cmd, rest


def _flags(cmd: click.Command) -> set[str]:
    return {o for p in cmd.params for o in (*p.opts, *getattr(p, "secondary_opts", ()))}


INVOCATIONS = _invocations()
PROSE = re.sub(r"^```.*?^```", "", TEXT, flags=re.S | re.M)  # the README without its code blocks


def test_examples_were_found() -> None:
    assert len(INVOCATIONS) > 30


@pytest.mark.parametrize("line", INVOCATIONS)
def test_example_names_real_command_and_flags(line: str) -> None:
    words = shlex.split(line, comments=True)[1:]
    if "..." in words:
        words = words[: words.index("...")]
    cmd, rest = _resolve(words)
    known = _flags(cmd)
    for word in rest:
        if word.startswith("-") and word != "-":
            assert word.split("=")[0] in known, f"{word} is not an option of {cmd.name}: {line}"


def test_every_backticked_flag_exists_somewhere() -> None:
    everything: set[str] = set()

    def walk(cmd: click.Command) -> None:
        everything.update(_flags(cmd))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(click.Context(cmd)):
                sub = cmd.get_command(click.Context(cmd), name)
                assert sub is not None
                walk(sub)

    walk(ROOT)
    outside = {"--scope"}  # `aws iam list-policies --scope AWS`, named as what refresh calls
    for flag in set(re.findall(r"`(--[a-z][a-z0-9-]*)", TEXT)) - outside:
        assert flag in everything, f"README names {flag}, which no command has"


def _slug(heading: str) -> str:
    s = heading.strip().lower().replace("`", "")
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def test_internal_links_resolve() -> None:
    anchors = {_slug(h) for h in re.findall(r"^#+ (.+)$", PROSE, flags=re.M)}
    for link in re.findall(r"\]\(#([^)]+)\)", TEXT):
        assert link in anchors, f"#{link} matches no heading"
    for doc in re.findall(r"\]\((docs/[^)#]+)\)", TEXT):
        assert (README.parent / doc).is_file(), doc


def test_quickstart_is_two_commands_then_the_way_onto_path() -> None:
    section = TEXT[TEXT.index("## Quickstart") : TEXT.index("\n## ", TEXT.index("## Quickstart") + 1)]
    block, on_path = _code_blocks(section)
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["make demo", "make test"]
    commands = [line.split("#")[0].strip() for line in on_path.strip().splitlines()]
    assert commands == ["make install", "byoc-iam --version"]


def test_heading_levels_are_consistent() -> None:
    levels = [len(m) for m in re.findall(r"^(#+) ", PROSE, flags=re.M)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), "a heading skips a level"
