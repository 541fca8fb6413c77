"""The document model: what every reader produces and every extractor reads.

A `Document` is the text a reader produced for one file (`text`) and the
ordered blocks found in it: headings, paragraphs, lines (text whose paragraph
breaks the format does not mark, as in a .txt or a PDF's text layer) and
tables. Every block, row and cell is a span of `text` (`start`, `end`), so
any fact's evidence is an exact substring of it, and carries a `Location`:
where it is in the source file, in that format's own terms (a line, a page,
a Word paragraph or table cell, a sheet's cell reference).

A table is a grid: each `Cell` once, at its row and column, with its spans
(`row_span`, `col_span`); `Table.grid()` repeats a merged cell on every slot
it covers. `header` marks cells the format itself declares column headers
(`<th>`, a header row repeated on every page); a table recovered from text
has no such marks and is interpreted by its header cells' wording.

Readers (`perfkg.ingest.readers`) produce documents; the layout stage
(`perfkg.ingest.layout`) turns runs of `Line` blocks that hold a table
written as text into `Table` blocks of the same document. Nothing
downstream sees a file format. The model is plain data and round-trips
through JSON (`to_json` / `from_json`), versioned by `MODEL_VERSION`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property, lru_cache
from typing import Any, Iterator, Union

MODEL_VERSION = 1


@dataclass(frozen=True)
class Location:
    """Where something is in the source file. `kind` says which fields apply:

    - ``text`` (.txt, .md, .html source lines): `line`, `end_line` (1-based);
    - ``pdf``: `page` (1-based), `line` and `end_line` on that page (or on
      `end_page`, for a paragraph a page break cut), `bbox` (x0, top, x1,
      bottom in PDF points, origin top left, on `page`);
    - ``docx``: `paragraph` (index among the body's paragraphs) or `table`,
      `row`, `column` (0-based);
    - ``sheet`` (.xlsx, .xls): `sheet` and `ref`, an A1 cell or range;
    - ``html``: `line` of the source element, and `table`, `row`, `column`
      for a table cell;
    - ``image`` (a .png or .jpg read by OCR): as ``pdf``, on page 1.

    Text read by OCR (an image, a scanned PDF page) has its `confidence`:
    the lowest OCR gave the characters of the block or cell, 0 to 1.
    """

    kind: str
    line: int | None = None
    end_line: int | None = None
    page: int | None = None
    end_page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None
    sheet: str | None = None
    ref: str | None = None
    confidence: float | None = None

    def label(self) -> str:
        """How a researcher finds it: `p. 3, lines 4–5`, `自评表!A12:H12`, `table 2, row 3`."""
        parts: list[str] = []
        if self.sheet is not None:
            return f"{self.sheet}!{self.ref}" if self.ref else self.sheet
        if self.end_page is not None and self.end_page != self.page:
            return f"p. {self.page}, line {self.line} – p. {self.end_page}, line {self.end_line}"
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.paragraph is not None:
            parts.append(f"paragraph {self.paragraph + 1}")
        if self.table is not None:
            parts.append(f"table {self.table + 1}")
            if self.row is not None:
                parts.append(f"row {self.row + 1}")
            if self.column is not None:
                parts.append(f"column {self.column + 1}")
        if self.line is not None:
            if self.end_line is not None and self.end_line != self.line:
                parts.append(f"lines {self.line}–{self.end_line}")
            else:
                parts.append(f"line {self.line}")
        if self.confidence is not None:
            parts.append(f"OCR {self.confidence:.2f}")
        return ", ".join(parts) or self.kind

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Location":
        if "bbox" in data:
            data = {**data, "bbox": tuple(data["bbox"])}
        return cls(**data)


@dataclass
class Heading:
    """A heading the format marks as one (Word's heading styles, <h1>–<h6>, Markdown #)."""

    start: int
    end: int
    level: int
    location: Location | None = None
    kind = "heading"


@dataclass
class Paragraph:
    """A paragraph the format delimits (a Word paragraph, an HTML <p>): never joined to the next."""

    start: int
    end: int
    location: Location | None = None
    kind = "paragraph"


@dataclass
class Line:
    """One line of text whose paragraph the format does not mark (a .txt line,
    a line of a PDF's text layer): the normaliser joins lines a page break or
    a hard wrap cut."""

    start: int
    end: int
    location: Location | None = None
    kind = "line"


@dataclass
class Cell:
    """One cell of a table, once, at its top-left slot. An empty cell has
    start == end (where it would be)."""

    start: int
    end: int
    row: int
    column: int
    row_span: int = 1
    col_span: int = 1
    header: bool = False
    location: Location | None = None


@dataclass
class Table:
    """A grid of cells. `layout` says how it was recovered: ``grid`` when the
    format gave it (Word, Excel, HTML, PDF ruling lines), else the text
    layout it was read from (``tab``, ``pipe_row``, ``markdown``,
    ``pipe_cell``, ``blank_line_cells``, ``space_row``, ``space_dump``,
    ``glued``)."""

    start: int
    end: int
    cells: list[Cell]
    layout: str
    location: Location | None = None
    kind = "table"

    # A table's cells are fixed once it is read: its size is computed once.
    @cached_property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    @cached_property
    def n_cols(self) -> int:
        return max((c.column + c.col_span for c in self.cells), default=0)

    def grid(self) -> list[list[Cell | None]]:
        """Rows × columns, a merged cell on every slot it covers, None where no cell is."""
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.column, cell.column + cell.col_span):
                    grid[r][c] = cell
        return grid

    def row_cells(self, row: int) -> list[Cell]:
        """The cells that start on this row (what the text shows of it), left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.column)


Block = Union[Heading, Paragraph, Line, Table]
_BLOCK_TYPES = {cls.kind: cls for cls in (Heading, Paragraph, Line, Table)}


@dataclass
class Source:
    """The file a document was read from."""

    name: str  # the file name as given (no folder)
    format: str  # txt, md, html, pdf, docx, xlsx, xls, ...
    sha256: str  # of the file's bytes
    size: int  # bytes
    encoding: str | None = None  # of a text file
    pages: int | None = None  # PDF pages, or sheets of a workbook
    converted_from: str | None = None  # .doc/.wps/.et converted by LibreOffice


@dataclass
class Document:
    text: str
    blocks: list[Block]
    source: Source
    # What the reader could not read (an image, a chart, an unreadable sheet):
    # said, never silently dropped.
    warnings: list[str] = field(default_factory=list)
    version: int = MODEL_VERSION

    # -- where things are --------------------------------------------------

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        newline = self.text.find("\n")
        while newline >= 0:
            starts.append(newline + 1)
            newline = self.text.find("\n", newline + 1)
        return starts

    def line_of(self, offset: int) -> int:
        """1-based line of `text` at this offset."""
        return bisect_right(self._line_starts, offset)

    @cached_property
    def _block_starts(self) -> list[int]:
        return [b.start for b in self.blocks]

    def blocks_in(self, start: int, end: int) -> Iterator[Block]:
        """The blocks overlapping text[start:end] (a point when start == end)."""
        index = max(0, bisect_right(self._block_starts, start) - 1)
        for block in self.blocks[index:]:
            if block.start > end or (block.start == end and end > start):
                break
            if block.end >= start:
                yield block

    def locate(self, start: int, end: int) -> str:
        """Where text[start:end] is in the source file, as a researcher reads it."""
        if self.source.format in _TEXT_FORMATS:
            first, last = self.line_of(start), self.line_of(max(start, end - 1))
            return f"line {first}" if first == last else f"lines {first}–{last}"
        located = [_locate_in(self.text, block, start, end) for block in self.blocks_in(start, end)]
        labels = [loc for loc in located if loc]
        if not labels:
            return ""
        return labels[0] if len(labels) == 1 or labels[0] == labels[-1] else f"{labels[0]} – {labels[-1]}"

    # -- plain data --------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        def block(b: Block) -> dict[str, Any]:
            data: dict[str, Any] = {"kind": b.kind, "start": b.start, "end": b.end}
            if b.location is not None:
                data["location"] = b.location.to_json()
            if isinstance(b, Heading):
                data["level"] = b.level
            if isinstance(b, Table):
                data["layout"] = b.layout
                data["cells"] = [
                    {k: (v.to_json() if isinstance(v, Location) else v) for k, v in asdict(c).items() if v is not None}
                    for c in b.cells
                ]
            return data

        return {"version": self.version, "source": asdict(self.source), "text": self.text,
                "blocks": [block(b) for b in self.blocks], "warnings": list(self.warnings)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Document":
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"document model version {data.get('version')!r}, this perfkg reads {MODEL_VERSION}")
        blocks: list[Block] = []
        for item in data["blocks"]:
            kind_cls = _BLOCK_TYPES[item["kind"]]
            kwargs = {f.name: item[f.name] for f in fields(kind_cls) if f.name in item}
            if "location" in item:
                kwargs["location"] = Location.from_json(item["location"])
            if kind_cls is Table:
                kwargs["cells"] = [
                    Cell(**{**c, "location": Location.from_json(c["location"])} if "location" in c else c)
                    for c in item["cells"]
                ]
            blocks.append(kind_cls(**kwargs))
        return cls(text=data["text"], blocks=blocks, source=Source(**data["source"]),
                   warnings=list(data.get("warnings", [])), version=data["version"])


# Formats whose document text is the file's own text, line for line: a line
# number of the text is a line number of the file.
_TEXT_FORMATS = frozenset({"txt"})


def _locate_in(text: str, block: Block, start: int, end: int) -> str:
    if isinstance(block, Table):
        cells = [c for c in block.cells if c.start < end and start < c.end or c.start == start]
        rows = sorted({c.row for c in cells})
        located = [c.location for c in cells if c.location is not None]
        if located and located[0].sheet is not None:
            first, last = located[0], located[-1]
            if first.ref == last.ref:
                return first.label()
            return f"{first.sheet}!{first.ref.split(':')[0]}:{last.ref.split(':')[-1]}"
        if located:
            first = located[0]
            if len(rows) > 1 and first.row is not None:
                return Location(**{**asdict(first), "row": None, "column": None}).label() + f", rows {rows[0] + 1}–{rows[-1] + 1}"
            return Location(**{**asdict(first), "column": None}).label() if len(located) > 1 else first.label()
    location = block.location
    if location is None:
        return ""
    if (location.kind in ("pdf", "image", "text") and location.line is not None and location.end_line is not None
            and location.end_page in (None, location.page)
            and text.count("\n", block.start, block.end) == location.end_line - location.line):
        # The block's lines are the file's lines (a PDF paragraph, a Markdown
        # one): the lines of the span itself, not the whole paragraph's.
        first = location.line + text.count("\n", block.start, max(block.start, start))
        last = location.line + text.count("\n", block.start, max(block.start, min(end, block.end) - 1))
        return replace(location, line=first, end_line=last if last != first else None).label()
    return location.label()


@lru_cache(maxsize=16384)
def _line_location(kind: str, line: int) -> Location:
    """A line's location, one object for all documents (it is frozen): making one
    (thirteen fields, each set through object.__setattr__) cost more than reading the line."""
    return Location(kind, line=line)


def line_blocks(text: str, location_kind: str | None = "text", first_line: int = 1) -> list[Line]:
    """Every non-blank line of `text` as a Line block (what a plain-text reader gives)."""
    blocks: list[Line] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=first_line):
        end = offset + len(line)
        if line.strip():
            blocks.append(Line(offset, end, _line_location(location_kind, number) if location_kind else None))
        offset = end + 1
    return blocks
