"""Tables written with pipes, as web pages and HTML-to-text tools flatten them.

- pipe rows (PR) and Markdown rows (MD): one row per line, cells between
  ` | `, possibly with outer pipes; merged cells make rows of different
  lengths;
- pipe cells (PC): one cell per line ending in ` |`, rows ended by a line of
  pipes only (`||||`);
- padded pipe cells (PW): cells between pipes padded with line breaks and
  runs of spaces (`|   cell\\n        | \\n     cell`).

A region is a run of lines holding table pipes (a lone `|` between two
words of a site banner is not one); lines without a pipe inside it are cell
text that wrapped. When most pipe lines hold two cells or more, each line is
a row; otherwise the region is read as a stream of cells split at every pipe,
a row ending where two pipes touch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..document import Cell, Document, Line, Table
from .locations import span_location

# A pipe that separates cells: at a line's start or end, or with a space beside it.
_TABLE_PIPE = re.compile(r"^\s*\||\|\s*$|\s\||\|\s")
# Lines between two pipe lines that may be the wrapped text of a cell.
MAX_WRAPPED_LINES = 3
MAX_WRAPPED_LENGTH = 60
# Share of pipe lines with two cells or more from which each line is a row.
ROW_PER_LINE_SHARE = 0.5


@dataclass(frozen=True)
class _Region:
    lines: list[Line]


def pipe_tables(document: Document, lines: Sequence[Line]) -> list[Table]:
    text = document.text
    tables = []
    for region in _regions(text, lines):
        table = _table(document, region)
        if table is not None:
            tables.append(table)
    return tables


def _is_pipe_line(text: str, line: Line) -> bool:
    return "|" in text[line.start : line.end] and bool(_TABLE_PIPE.search(text, line.start, line.end))


def _regions(text: str, lines: Sequence[Line]) -> list[_Region]:
    regions: list[_Region] = []
    current: list[Line] = []
    pending: list[Line] = []  # non-pipe lines after the last pipe line
    for line in lines:
        if _is_pipe_line(text, line):
            current.extend(pending)
            pending = []
            current.append(line)
            continue
        short = line.end - line.start <= MAX_WRAPPED_LENGTH
        if current and short and len(pending) < MAX_WRAPPED_LINES:
            pending.append(line)
            continue
        if current:
            regions.append(_Region(current))
        current, pending = [], []
    if current:
        regions.append(_Region(current))
    return regions


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The segments of text[start:end] between pipes, as (start, end)."""
    segments = []
    cursor = start
    for position in range(start, end):
        if text[position] == "|":
            segments.append((cursor, position))
            cursor = position + 1
    segments.append((cursor, end))
    return segments


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _table(document: Document, region: _Region) -> Table | None:
    text = document.text
    pipe_lines = [line for line in region.lines if "|" in text[line.start : line.end]]
    wide = sum(1 for line in pipe_lines if _filled(text, line) >= 2)
    if wide >= ROW_PER_LINE_SHARE * len(pipe_lines):
        rows = [_line_cells(text, line) for line in region.lines]
        layout = "pipe_row"
    else:
        rows = _cell_stream(text, region.lines[0].start, region.lines[-1].end)
        layout = "pipe_cell"
    cells: list[Cell] = []
    for row in rows:
        row = [span for span in row]
        while row and row[-1][0] == row[-1][1]:
            row.pop()  # trailing empty cells are padding
        if not row:
            continue
        index = len({c.row for c in cells})
        for column, (start, end) in enumerate(row):
            cells.append(Cell(start, end, index, column, location=span_location(region.lines, start, end)))
    if not cells or all(c.start == c.end for c in cells):
        return None
    first, last = region.lines[0], region.lines[-1]
    return Table(first.start, last.end, cells, layout, span_location(region.lines, first.start, last.end))


def _filled(text: str, line: Line) -> int:
    return sum(1 for s, e in _split(text, line.start, line.end) if text[s:e].strip())


def _line_cells(text: str, line: Line) -> list[tuple[int, int]]:
    segments = _split(text, line.start, line.end)
    content = text[line.start : line.end]
    if content.lstrip().startswith("|"):
        segments = segments[1:]
    if content.rstrip().endswith("|") and segments:
        segments = segments[:-1]
    return [_trim(text, s, e) for s, e in segments]


def _cell_stream(text: str, start: int, end: int) -> list[list[tuple[int, int]]]:
    """Cells split at every pipe; two pipes side by side end a row (an empty
    cell has at least a line break or a space between its pipes)."""
    rows: list[list[tuple[int, int]]] = [[]]
    for s, e in _split(text, start, end):
        if s == e:
            if rows[-1]:
                rows.append([])
            continue
        rows[-1].append(_trim(text, s, e))
    return [row for row in rows if row]


