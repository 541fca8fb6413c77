"""What the readers of structured formats share: writing a document's text
block by block, so that every block, row and cell is a span of it.

The text reads as the document does: a heading or paragraph on its line(s),
a table row on one line with its cells between tabs, a merged cell's text
once (where it starts; the slots it covers are empty). A table cell's own
line breaks and tabs become spaces, so a row stays one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Cell, Document, Heading, Line, Location, Paragraph, Source, Table
from ..errors import IngestError

_CELL_BREAKS = re.compile(r"[\t\r\n\v\f]+")
_LINE_ENDS = re.compile(r"\r\n?|[\v\f\u2028\u2029]")
# Characters no report means: NUL and the other C0/C1 controls but \t and \n.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200d\ufeff\u00ad]")


def clean_cell(text: str) -> str:
    """A cell's text on one line: its breaks and tabs as single spaces."""
    return _CELL_BREAKS.sub(" ", _CONTROLS.sub("", text)).strip()


def clean_block(text: str) -> str:
    """A paragraph's text: line breaks as \\n, tabs kept, controls dropped, no blank lines at the ends."""
    text = _CONTROLS.sub("", _LINE_ENDS.sub("\n", text))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def runs(numbers: list[int]) -> list[list[int]]:
    """Sorted numbers as runs of consecutive ones: [1, 2, 3, 7] -> [[1, 2, 3], [7]]."""
    found: list[list[int]] = []
    for number in numbers:
        if found and number == found[-1][-1] + 1:
            found[-1].append(number)
        else:
            found.append([number])
    return found


@dataclass
class GridCell:
    """A table cell as a reader finds it, before it is written."""

    text: str
    row: int
    column: int
    row_span: int = 1
    col_span: int = 1
    header: bool = False
    location: Location | None = None


class DocumentBuilder:
    """Appends blocks to a document's text; `build()` gives the Document."""

    def __init__(self, source: Source):
        self.source = source
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list = []
        self.warnings: list[str] = []

    def _write(self, text: str) -> tuple[int, int]:
        """Write `text` on a line of its own; its (start, end)."""
        if self.length:
            self.parts.append("\n")
            self.length += 1
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def heading(self, text: str, level: int, location: Location | None = None) -> None:
        text = clean_block(text)
        if text.strip():
            self.blocks.append(Heading(*self._write(text), level=level, location=location))

    def paragraph(self, text: str, location: Location | None = None) -> None:
        text = clean_block(text)
        if text.strip():
            self.blocks.append(Paragraph(*self._write(text), location=location))

    def line(self, text: str, location: Location | None = None) -> None:
        text = clean_block(text).replace("\n", " ")
        if text.strip():
            self.blocks.append(Line(*self._write(text), location=location))

    def table(self, cells: list[GridCell], location: Location | None = None, layout: str = "grid") -> Table | None:
        """Write a table row by row: each row on one line, the cells that
        start on it between tabs (a slot a merged cell covers is empty).
        Rows no cell starts on, and tables with no text, are left out."""
        cells = [c for c in cells if c.row_span > 0 and c.col_span > 0]
        if not any(clean_cell(c.text) for c in cells):
            return None
        n_cols = max(c.column + c.col_span for c in cells)
        by_row: dict[int, dict[int, GridCell]] = {}
        for cell in cells:
            by_row.setdefault(cell.row, {})[cell.column] = cell
        written: list[Cell] = []
        table_start = None
        for row in sorted(by_row):
            starts = by_row[row]
            texts = [clean_cell(starts[c].text) if c in starts else "" for c in range(n_cols)]
            while len(texts) > 1 and not texts[-1] and (len(texts) - 1) not in starts:
                texts.pop()  # slots no cell of this row starts in, at its end, are no part of its line
            start, end = self._write("\t".join(texts))
            table_start = start if table_start is None else table_start
            position = start
            for column, text in enumerate(texts):
                if column in starts:
                    cell = starts[column]
                    written.append(Cell(position, position + len(text), cell.row, cell.column, cell.row_span,
                                        cell.col_span, cell.header, cell.location))
                position += len(text) + 1
        table = Table(table_start, self.length, written, layout, location)
        self.blocks.append(table)
        return table

    def build(self) -> Document:
        if not self.blocks:
            raise IngestError(self.source.name, f"no text found in this {self.source.format} file")
        return Document(text="".join(self.parts), blocks=self.blocks, source=self.source, warnings=self.warnings)
