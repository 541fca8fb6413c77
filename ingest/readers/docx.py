"""Word documents (.docx), read with python-docx.

The body is read in order: paragraphs (a heading when its style is a
heading style, 标题 n, Title, or it has an outline level) and tables, as
Word stores them: a cell spanning columns has a `gridSpan`, one merged down
a column starts a `vMerge` that the cells below continue, and rows may skip
grid columns at their start (`gridBefore`). A cell's paragraphs are its text
on one line. Content controls are read as the text around them; text boxes,
pictures and charts are not read, and the document's warnings say so.
Locations: the paragraph's index among the body's paragraphs, or the table,
row and column (0-based in the model, shown 1-based).
"""

from __future__ import annotations

import io
import re

from ..document import Document, Location, Source
from ..errors import IngestError
from .archive import check_archive
from .builder import DocumentBuilder, GridCell

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
# Word's tables have at most 63 columns: a cell spanning more, or a row starting
# further in (gridSpan, gridBefore), is damage or a trap (10^12 columns would be
# filled in for hours), refused before a cell of it is made.
MAX_GRID_COLUMNS = 1000


class _GridTooWide(Exception):
    def __init__(self, what: str, columns: int):
        self.what, self.columns = what, columns


def read_docx(name: str, data: bytes, source: Source) -> Document:
    check_archive(name, data, ".docx", "word/document.xml")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, SyntaxError) as error:
        raise IngestError(name, f"damaged .docx file ({type(error).__name__}: {error})") from None
    reader = _Reader(word, DocumentBuilder(source))
    try:
        reader.body(word.element.body)
    except _GridTooWide as wide:
        raise IngestError(name, f"a table's {wide.what} is {wide.columns:,} columns, over the limit of "
                          f"{MAX_GRID_COLUMNS:,} (a damaged file?)") from None
    reader.note_unread(word.element.body)
    return reader.out.build()


class _Reader:
    def __init__(self, word, out: DocumentBuilder):
        self.word = word
        self.out = out
        self.paragraphs = 0
        self.tables = 0
        self.styles = {style.style_id: style for style in word.styles}

    def body(self, element) -> None:
        for child in element.iterchildren():
            if child.tag == _W + "p":
                self.paragraph(child)
            elif child.tag == _W + "tbl":
                self.table(child)
            elif child.tag == _W + "sdt":  # a content control: its content is body content
                content = child.find(_W + "sdtContent")
                if content is not None:
                    self.body(content)

    def paragraph(self, p) -> None:
        location = Location("docx", paragraph=self.paragraphs)
        self.paragraphs += 1
        level = self.heading_level(p)
        if level is not None:
            self.out.heading(paragraph_text(p), level, location)
        else:
            self.out.paragraph(paragraph_text(p), location)

    def heading_level(self, p) -> int | None:
        ppr = p.find(_W + "pPr")
        if ppr is None:
            return None
        outline = ppr.find(_W + "outlineLvl")
        if outline is not None:
            level = _int_attr(outline, 9)
            return level + 1 if level < 9 else None  # 9 is Word's "body text"
        style = ppr.find(_W + "pStyle")
        if style is None:
            return None
        found = self.styles.get(style.get(_W + "val"))
        name = found.name if found is not None and found.name else style.get(_W + "val", "")
        if name.lower() == "title":
            return 1
        m = _HEADING_STYLE.match(name)
        return int(m.group(1)) if m else None

    def table(self, tbl) -> None:
        table_index = self.tables
        self.tables += 1
        cells: list[GridCell] = []
        open_merges: dict[int, GridCell] = {}  # grid column -> the cell a vMerge started there
        for row, tr in enumerate(tbl.iterchildren(_W + "tr")):
            column = _grid(_int_attr(tr.find(f"{_W}trPr/{_W}gridBefore"), 0), "gridBefore")
            header = tr.find(f"{_W}trPr/{_W}tblHeader") is not None
            for tc in _row_cells(tr):
                tcpr = tc.find(_W + "tcPr")
                span = _grid(max(1, _int_attr(tcpr.find(_W + "gridSpan") if tcpr is not None else None, 1)), "gridSpan")
                merge = tcpr.find(_W + "vMerge") if tcpr is not None else None
                if merge is not None and merge.get(_W + "val", "continue") == "continue" and column in open_merges:
                    open_merges[column].row_span = row - open_merges[column].row + 1
                    column += span
                    continue
                cell = GridCell(_cell_text(tc), row, column, 1, span, header,
                                Location("docx", table=table_index, row=row, column=column))
                cells.append(cell)
                for c in range(column, column + span):
                    open_merges.pop(c, None)
                if merge is not None:  # restart
                    open_merges[column] = cell
                column = _grid(column + span, "width")
        self.out.table(cells, Location("docx", table=table_index))

    def note_unread(self, body) -> None:
        pictures = len(body.findall(f".//{_W}drawing")) + len(body.findall(f".//{_W}pict"))
        boxes = len(body.findall(f".//{_W}txbxContent"))
        if pictures:
            self.out.warnings.append(f"{pictures} picture(s) or chart(s) not read: only text is")
        if boxes:
            self.out.warnings.append(f"{boxes} text box(es) not read")


def _row_cells(tr):
    """A row's cells, those inside content controls too."""
    for child in tr.iterchildren():
        if child.tag == _W + "tc":
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from content.iterchildren(_W + "tc")


def _cell_text(tc) -> str:
    """The cell's paragraphs (and those of tables nested in it) on one line."""
    texts = [paragraph_text(p).strip() for p in _descendants(tc, _W + "p")]
    return " ".join(text for text in texts if text)


# Parts of a paragraph that are no part of its text: a text box's content
# (read as a box, not inline) and the fallback copy Word keeps of a drawing.
_SKIPPED = {_W + "txbxContent", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
            _W + "delText", _W + "instrText"}
_TEXT_NODES = {_W + "t": None, _W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n"}


def paragraph_text(p) -> str:
    """A paragraph's text: its runs (inserted and hyperlinked ones too), tabs and line breaks."""
    return "".join(node.text or "" if value is None else value
                   for node in _descendants(p, *_TEXT_NODES) for value in (_TEXT_NODES[node.tag],))


def _descendants(element, *tags):
    """Descendants with these tags, in document order, outside the _SKIPPED parts
    (a paragraph's own descendants, not those of paragraphs nested in it)."""
    for child in element.iterchildren():
        if child.tag in _SKIPPED:
            continue
        if child.tag in tags:
            yield child
            if child.tag == _W + "p":
                continue
        yield from _descendants(child, *tags)


def _grid(columns: int, what: str) -> int:
    if columns > MAX_GRID_COLUMNS:
        raise _GridTooWide(what, columns)
    return columns


def _int_attr(element, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_W + "val", default))
    except ValueError:
        return default
