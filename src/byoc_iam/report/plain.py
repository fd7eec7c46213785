"""Plain text laid out exactly as rich 15 lays it out on a console that is not a terminal, without importing rich
(its import and rendering are a good part of a short command's start-up; issue 18).

What it covers is what verify's text report prints: lines of text word-wrapped at the console's width
(``Console.print`` of a ``Text``: rich's ``divide_line``, a word longer than the width folded, whitespace beyond
the width dropped) and tables in rich's default style (``Table(title=..., title_justify="left")``: box
``HEAVY_HEAD``, one space of padding each side, columns justified left or right, shrunk to the console's width
by rich's ``_collapse_widths`` and ``ratio_reduce`` when too wide, cells wrapped, the header aligned to the
bottom). :func:`console_width` is rich's ``Console().width`` (``COLUMNS``, else the size of the first of stdin,
stdout and stderr that is a terminal, else 80).

Anything outside that subset raises :class:`NotPlain` and the caller prints with rich instead: a character
other than printable ASCII and ``✓ ✗ … ←`` (rich measures others by their cell width), a newline or tab, a
console narrower than :data:`MIN_WIDTH`, a stdout whose encoding is not UTF-8 (rich draws ASCII boxes then),
``TTY_COMPATIBLE=1`` (rich colours a pipe then) or Windows. ``tests/verify/test_verify_plain_text.py`` compares this
module with rich's own output, colour stripped, over generated text and tables at many widths.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Literal

from byoc_iam.model.record import record

Justify = Literal["left", "right"]
MIN_WIDTH = 20  # narrower consoles are left to rich
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING = re.compile(r"\s+$")
_PLAIN = re.compile(r"[\x20-\x7e\u2713\u2717\u2026\u2190]*")  # each one cell wide in rich's cell_len


class NotPlain(Exception):
    """The text or the console is outside what this module lays out as rich does: print with rich."""


@record(frozen=True, kw_only=False)
class Column:
    header: str
    justify: Justify = "left"


def console_width() -> int:
    """rich's ``Console().width`` for this process (NotPlain when rich would not print plain text)."""
    env = os.environ
    if env.get("TTY_COMPATIBLE") == "1" or os.name == "nt":
        raise NotPlain("rich treats stdout as a terminal")
    if not (getattr(sys.stdout, "encoding", None) or "utf-8").lower().startswith("utf"):
        raise NotPlain("rich draws ASCII boxes on this encoding")
    columns = env.get("COLUMNS")
    width: int | None = None
    if columns is not None and columns.isdigit():
        width = int(columns)
    else:
        for fd in (0, 1, 2):
            try:
                width = os.get_terminal_size(fd)[0]
            except (AttributeError, ValueError, OSError):
                continue
            break
        width = width or 80
    if width < MIN_WIDTH:
        raise NotPlain("console too narrow")
    return width


def checked(text: str) -> str:
    """``text`` if every character is one this module measures as rich does, else NotPlain."""
    if _PLAIN.fullmatch(text) is None:
        raise NotPlain("a character rich measures differently")
    return text


def wrap(text: str, width: int, justify: Justify | None = None, *, fold: bool = True) -> list[str]:
    """``text`` (one line) word-wrapped to ``width`` as rich's ``Text.wrap`` does: with ``fold`` (overflow
    ``fold``, rich's default for text) a word longer than the width is folded, without it (``ellipsis``, a table
    column's default) it is cut with ``…``. ``justify`` left pads each line to ``width``, right strips its
    trailing spaces and pads it on the left."""
    checked(text)
    breaks = _divide_line(text, width, fold)
    lines = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]
    out = []
    for line in lines:
        if len(line) > width:  # rstrip_end: whitespace beyond the width
            m = _TRAILING.search(line)
            if m is not None:
                line = line[: len(line) - min(len(m.group(0)), len(line) - width)]
        if justify == "right":
            line = _truncate(line.rstrip(), width, fold)
            line = " " * (width - len(line)) + line
        elif justify == "left":
            line = _truncate(line, width, fold).ljust(width)
        out.append(_truncate(line, width, fold))
    return out


def _truncate(line: str, width: int, fold: bool) -> str:
    """rich's ``Text.truncate``: cropped (fold) or cut with an ellipsis (ellipsis) to ``width``."""
    if len(line) <= width:
        return line
    return line[:width] if fold else line[: width - 1] + "…"


def _divide_line(text: str, width: int, fold: bool) -> list[int]:
    """rich's ``_wrap.divide_line`` for one-cell characters."""
    breaks: list[int] = []
    offset = 0
    for m in _WORD.finditer(text):
        start, word = m.start(), m.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width and not fold:
            if start:
                breaks.append(start)
            offset = len(word)
        elif length > width:
            chunks = [word[i : i + width] for i in range(0, len(word), width)]
            for i, chunk in enumerate(chunks):
                if start:
                    breaks.append(start)
                if i == len(chunks) - 1:
                    offset = len(chunk)
                else:
                    start += len(chunk)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _cell_width(text: str, width: int) -> int:
    """The maximum of rich's ``Measurement.get`` of a table cell (``_Padding`` of 1 each side around the text) at
    ``width``: its longest line and the padding, at most ``width`` (the minimum is never used here)."""
    if width < 3:
        return max(width, 0)
    return min(max((len(line) for line in text.splitlines()), default=0), width - 2) + 2


def _column_width(cells: Sequence[str], width: int) -> int:
    """The maximum of rich's measurement of a column: its widest cell, at most ``width``."""
    if width < 1:
        return 0
    return min(max(_cell_width(c, width) for c in cells), width)


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """rich's ``_ratio.ratio_reduce``."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    out = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * remaining / total_ratio))
            out.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _collapse(widths: list[int], max_width: int) -> list[int]:
    """rich's ``Table._collapse_widths`` with every column wrapable."""
    total = sum(widths)
    excess = total - max_width
    while total and excess > 0:
        top = max(widths)
        second = max((w if w != top else 0) for w in widths)
        ratios = [1 if w == top else 0 for w in widths]
        if not any(ratios) or not top - second:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, top - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - max_width
    return widths


def _column_widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], max_width: int) -> list[int]:
    """rich's ``Table._calculate_column_widths`` (no fixed widths, ratios or expand)."""
    cells = [[col.header, *(row[i] for row in rows)] for i, col in enumerate(columns)]
    widths = [_column_width(c, max_width) or 1 for c in cells]
    if sum(widths) > max_width:
        widths = _collapse(widths, max_width)
        if sum(widths) > max_width:
            widths = _ratio_reduce(sum(widths) - max_width, [1] * len(widths), widths, widths)
        widths = [_column_width(c, w) or 0 for c, w in zip(cells, widths, strict=True)]
    return widths


def table(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """The lines rich prints for ``Table(title=title, title_justify="left")`` with these columns and rows on a
    console ``width`` cells wide."""
    for row in rows:
        for cell in row:
            checked(cell)
    extra = 2 + len(columns) - 1
    widths = _column_widths(columns, rows, width - extra)
    if min(widths) < 3 or sum(widths) + extra > width:
        raise NotPlain("columns too narrow")
    table_width = sum(widths) + extra
    out = wrap(title, table_width, "left") if title else []
    out.append("┏" + "┳".join("━" * w for w in widths) + "┓")
    out += _row([c.header for c in columns], columns, widths, "┃", bottom=True)
    out.append("┡" + "╇".join("━" * w for w in widths) + "┩")
    for row in rows:
        out += _row(row, columns, widths, "│", bottom=False)
    out.append("└" + "┴".join("─" * w for w in widths) + "┘")
    return out


def _row(cells: Sequence[str], columns: Sequence[Column], widths: list[int], bar: str, *, bottom: bool) -> list[str]:
    rendered = [wrap(c, w - 2, col.justify, fold=False) for c, col, w in zip(cells, columns, widths, strict=True)]
    height = max(len(r) for r in rendered)
    lines = []
    for r, w in zip(rendered, widths, strict=True):
        blank = [" " * (w - 2)] * (height - len(r))
        lines.append([f" {line} " for line in (blank + r if bottom else r + blank)])
    return [bar + bar.join(parts) + bar for parts in zip(*lines, strict=True)]
