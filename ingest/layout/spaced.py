"""Tables whose cells are separated by nothing but white space.

- cells on lines (CL): one cell per line, cells apart by blank lines, no
  delimiter at all (a table copied out of a web page cell by cell);
- space rows (SR): one row per line, cells between runs of spaces;
- space dumps (SD): a whole spreadsheet on one or a few long lines, cells
  between spaces, rows not marked at all (columns under merged cells may
  even come interleaved).

Nothing but the words tell such a table from prose, so a region is found
from its anchors: a line holding two header words of the genre's tables
(一级指标, 年度指标值, 全年预算数, 项目名称, ...) as separate cells, or three
lines in a row that are each such a word. It grows over the table-like lines
around the anchor (short cells, or lines of short space-separated cells) and
stops at prose. The interpreter reads what it gets as a stream of cells, so
row boundaries here are only hints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..document import Cell, Document, Line, Table
from ..chars import normalise
from ..vocabulary import is_table_word
from .locations import span_location


@dataclass(frozen=True)
class SpacedSettings:
    # A line of one cell (CL) is at most this long.
    max_cell_length: int = 40
    # A line of several cells: each at most this long ...
    max_token_length: int = 60
    # ... and on average at most this long.
    max_mean_token_length: float = 24.0
    # Lines of prose a region may hold between table lines (a long goal text in a cell).
    max_prose_gap: int = 2
    # Header words that make a line an anchor, and single-word lines in a row that do.
    anchor_words: int = 2
    anchor_word_lines: int = 3


SETTINGS = SpacedSettings()
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_SENTENCE_END = re.compile(r"[。；;！!？?]\s*$")


def spaced_tables(document: Document, lines: Sequence[Line], settings: SpacedSettings = SETTINGS) -> list[Table]:
    text = document.text
    split = [_tokens(text, line) for line in lines]
    kinds = [_kind(text, line, tokens, settings) for line, tokens in zip(lines, split)]
    # Only a line that could be a table's counts its words: prose is never an anchor.
    words = [_table_words(text, tokens) if kind != "prose" else 0 for tokens, kind in zip(split, kinds)]
    anchors = _anchors(kinds, words, settings)
    tables = []
    taken = -1
    for anchor in anchors:
        if anchor <= taken:
            continue
        start, end = _grow(kinds, anchor, settings)
        tables.append(_table(document, lines[start : end + 1], kinds[start : end + 1]))
        taken = end
    return tables


def _tokens(text: str, line: Line) -> list[tuple[int, int]]:
    if _SPACES.search(text, line.start, line.end) is None:
        return [(line.start, line.end)] if line.end > line.start else []  # no space: one token
    tokens = []
    cursor = line.start
    for m in _SPACES.finditer(text, line.start, line.end):
        if m.start() > cursor:
            tokens.append((cursor, m.start()))
        cursor = m.end()
    if line.end > cursor:
        tokens.append((cursor, line.end))
    return tokens


def _kind(text: str, line: Line, tokens: list[tuple[int, int]], settings: SpacedSettings) -> str:
    """cell (one short cell), row (short cells between spaces) or prose, by the line's text and its tokens."""
    content = text[line.start : line.end].strip()
    if len(content) <= settings.max_cell_length and (len(tokens) == 1 or not _SENTENCE_END.search(content)):
        return "cell" if len(tokens) == 1 else "row"
    lengths = [e - s for s, e in tokens]
    if len(tokens) >= 2 and max(lengths) <= settings.max_token_length and \
            sum(lengths) / len(lengths) <= settings.max_mean_token_length:
        return "row"
    return "prose"


def _table_words(text: str, tokens: list[tuple[int, int]]) -> int:
    return sum(1 for s, e in tokens if is_table_word(normalise(text[s:e])))


def _anchors(kinds: list[str], words: list[int], settings: SpacedSettings) -> list[int]:
    anchors = []
    for index, (kind, count) in enumerate(zip(kinds, words)):
        if kind == "row" and count >= settings.anchor_words:
            anchors.append(index)
        elif kind == "cell" and count:
            run = words[index : index + settings.anchor_word_lines]
            if len(run) == settings.anchor_word_lines and all(run):
                anchors.append(index)
    return anchors


def _grow(kinds: list[str], anchor: int, settings: SpacedSettings) -> tuple[int, int]:
    def table_like(i: int) -> bool:
        return kinds[i] != "prose"

    start = anchor
    while start > 0 and table_like(start - 1):
        start -= 1
    end = anchor
    index = anchor + 1
    while index < len(kinds):
        if table_like(index):
            end = index
            index += 1
            continue
        gap = index
        while gap < len(kinds) and not table_like(gap) and gap - index < settings.max_prose_gap:
            gap += 1
        if gap < len(kinds) and table_like(gap) and gap - index <= settings.max_prose_gap:
            end = gap
            index = gap + 1
            continue
        break
    return start, end


def _table(document: Document, lines: Sequence[Line], kinds: list[str]) -> Table:
    text = document.text
    cell_lines = sum(1 for kind in kinds if kind == "cell")
    # Mostly one cell per line (CL): a line is a cell, spaces inside it and all.
    one_per_line = cell_lines >= 0.6 * len(kinds)
    cells: list[Cell] = []
    for row, (line, kind) in enumerate(zip(lines, kinds)):
        if one_per_line or kind == "prose":
            spans = [(line.start, line.end)]
        else:
            spans = _tokens(text, line)
        for column, (start, end) in enumerate(spans):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            cells.append(Cell(start, end, row, column, location=span_location(lines, start, end)))
    layout = "blank_line_cells" if one_per_line else ("space_dump" if len(lines) <= 3 else "space_row")
    return Table(lines[0].start, lines[-1].end, cells, layout, span_location(lines, lines[0].start, lines[-1].end))
