"""Tab-separated rows: a table copied from a PDF or a spreadsheet as text,
one row per line, cells between tabs. A merged cell is printed once, the
rows it covers have an empty cell (or none) in its place; consecutive tab
rows are one table."""

from __future__ import annotations

from typing import Sequence

from ..document import Cell, Document, Line, Location, Table


def tab_tables(document: Document, lines: Sequence[Line]) -> list[Table]:
    tables: list[Table] = []
    rows: list[tuple[Line, list[Cell]]] = []

    def close() -> None:
        if rows:
            tables.append(_table(rows))
            rows.clear()

    for line in lines:
        cells = _cells(document.text, line, len(rows))
        if cells is None:
            close()
        else:
            rows.append((line, cells))
    close()
    return tables


def _cells(text: str, line: Line, row: int) -> list[Cell] | None:
    """The cells of a tab row, or None when the line is no tab row."""
    if text.find("\t", line.start, line.end) < 0:
        return None
    content = text[line.start : line.end]
    if not content.replace("\t", "").strip():
        return None
    cells = []
    position = line.start
    for column, part in enumerate(content.split("\t")):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        start = position + lead
        cells.append(Cell(start, start + len(stripped), row, column, location=line.location))
        position += len(part) + 1
    # Spaces after the last tab are no cell; trailing tabs are trailing empty cells.
    return cells


def _table(rows: list[tuple[Line, list[Cell]]]) -> Table:
    first, last = rows[0][0], rows[-1][0]
    location = None
    if first.location is not None and first.location.line is not None:
        location = Location(first.location.kind, line=first.location.line,
                            end_line=last.location.line if last.location else None,
                            page=first.location.page)
    return Table(first.start, last.end, [cell for _, cells in rows for cell in cells], "tab", location)
