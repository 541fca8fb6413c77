"""Web pages (.html, .htm), parsed by BeautifulSoup with Python's own HTML
parser (the one that keeps each element's source line).

The charset is the one the bytes announce (a byte-order mark, a `<meta>`
charset), else UTF-8, else GB18030 (which reads GBK and GB2312 pages).
Scripts, styles, forms, navigation, headers and footers are dropped: they
are the site's, not the report's. `<h1>`–`<h6>` become headings; `<p>`,
list items and any other element holding text paragraphs (whitespace
collapsed as a browser does, `<br>` a line break); a `<table>` a grid, with
`rowspan`/`colspan` as spans and `<th>` or `<thead>` cells as headers. A
table that holds other tables, or has a single column, lays out the page
rather than tabulating data: its cells are read as the page around them.
Every block is located by its element's line in the file.
"""

from __future__ import annotations

import codecs
import re

from ..document import Document, Location, Source
from ..errors import IngestError
from .builder import DocumentBuilder, GridCell
from .text import decode

_DROPPED = {"script", "style", "noscript", "template", "head", "nav", "header", "footer", "form", "iframe", "svg",
            "button", "select", "input", "textarea", "object", "embed", "canvas", "audio", "video", "map"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PARAGRAPHS = {"p", "li", "dt", "dd", "pre", "caption", "figcaption", "address", "blockquote", "summary"}
_BLOCKS = _HEADINGS | _PARAGRAPHS | {
    "div", "section", "article", "main", "aside", "table", "ul", "ol", "dl", "body", "html", "tr", "td", "th",
    "thead", "tbody", "tfoot", "center", "hr", "figure", "fieldset", "details", "form"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_SPACES = re.compile(r"[ \t\n\r\f]+")
# A source line break between two CJK characters is no space (CSS Text 3's
# segment break rule; Chinese pages are hard-wrapped in their source).
_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*[\r\n]+[ \t]*(?=[\u3000-\u9fff\uff00-\uffef])")
# A span or rowspan past this is a broken page, not a table.
_MAX_SPAN = 1000


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): a byte-order mark first, then a declared charset, then decode()'s guesses."""
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            return decode(data, name)
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        if encoding in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "euc-cn"):
            encoding = "gb18030"  # what such pages really hold; a superset of both
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: guess as for any text
    return decode(data, name)


def read_html(name: str, data: bytes, source: Source) -> Document:
    from bs4 import BeautifulSoup

    text, encoding = decode_html(data, name)
    source.encoding = encoding
    soup = BeautifulSoup(text, "html.parser")
    reader = _Reader(DocumentBuilder(source))
    reader.walk(soup.body or soup)
    reader.flush()
    if not reader.out.blocks:
        raise IngestError(name, "no text found in this web page")
    return reader.out.build()


class _Reader:
    def __init__(self, out: DocumentBuilder):
        self.out = out
        self.pending: list[str] = []  # inline text not yet in a paragraph
        self.pending_line: int | None = None
        self.tables = 0

    def flush(self) -> None:
        text = _collapse("".join(self.pending))
        if text.strip():
            self.out.paragraph(text, Location("html", line=self.pending_line))
        self.pending, self.pending_line = [], None

    def walk(self, element) -> None:
        from bs4 import Comment, NavigableString, Tag

        for child in element.children:
            if isinstance(child, Comment) or (isinstance(child, NavigableString) and not isinstance(child, str)):
                continue
            if isinstance(child, NavigableString):
                if self.pending_line is None and child.strip():
                    self.pending_line = getattr(element, "sourceline", None)
                self.pending.append(_spaces(str(child)))
                continue
            if not isinstance(child, Tag) or child.name in _DROPPED or _is_navigation(child):
                continue
            if child.name == "br":
                self.pending.append("\n")
            elif child.name not in _BLOCKS and not child.find(_BLOCKS):
                if self.pending_line is None:
                    self.pending_line = child.sourceline
                self.pending.append(_text(child))
            else:
                self.flush()
                self.block(child)
        if element.name in _BLOCKS:
            self.flush()

    def block(self, element) -> None:
        location = Location("html", line=element.sourceline)
        if element.name in _HEADINGS:
            self.out.heading(_collapse(_text(element)), int(element.name[1]), location)
        elif element.name == "table":
            caption = element.find("caption", recursive=False)
            if caption is not None:
                self.out.paragraph(_text(caption), Location("html", line=caption.sourceline))
            if _is_layout(element):
                for cell in _cells_of(element):
                    self.walk(cell)
                    self.flush()
            else:
                self.table(element)
        elif element.name in _PARAGRAPHS and not element.find(_BLOCKS - {"li"} - _PARAGRAPHS):
            self.out.paragraph(_collapse(_text(element)), location)
        else:
            self.walk(element)

    def table(self, element) -> None:
        occupied: set[tuple[int, int]] = set()
        cells: list[GridCell] = []
        for row, (tr, in_head) in enumerate(_rows(element)):
            column = 0
            for td in tr.find_all(["td", "th"], recursive=False):
                while (row, column) in occupied:
                    column += 1
                row_span, col_span = _span(td.get("rowspan")), _span(td.get("colspan"))
                for r in range(row, row + row_span):
                    for c in range(column, column + col_span):
                        occupied.add((r, c))
                cells.append(GridCell(_text(td), row, column, row_span, col_span, header=td.name == "th" or in_head,
                                      location=Location("html", line=td.sourceline, table=self.tables, row=row,
                                                        column=column)))
                column += col_span
        if cells:
            # A rowspan reaching past the last row covers no row: cut it there.
            last = max(c.row for c in cells)
            for cell in cells:
                cell.row_span = min(cell.row_span, last - cell.row + 1)
            self.out.table(cells, Location("html", line=element.sourceline, table=self.tables))
            self.tables += 1


def _rows(table):
    """(tr, in <thead>) of this table, not of tables nested in it."""
    for child in table.find_all(recursive=False):
        if child.name == "tr":
            yield child, False
        elif child.name in ("thead", "tbody", "tfoot"):
            for tr in child.find_all("tr", recursive=False):
                yield tr, child.name == "thead"


def _cells_of(table):
    for tr, _ in _rows(table):
        yield from tr.find_all(["td", "th"], recursive=False)


def _is_layout(table) -> bool:
    if table.find("table"):
        return True
    widths = [sum(_span(td.get("colspan")) for td in tr.find_all(["td", "th"], recursive=False))
              for tr, _ in _rows(table)]
    return max(widths, default=0) <= 1


def _is_navigation(tag) -> bool:
    return tag.get("role") in ("navigation", "banner", "contentinfo") if tag.attrs else False


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), _MAX_SPAN))
    except (TypeError, ValueError):
        return 1


def _text(element) -> str:
    """An element's text as a browser shows it: whitespace collapsed, <br> as a line break."""
    from bs4 import Comment, NavigableString

    parts = []
    for node in element.descendants:
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            if not any(parent.name in _DROPPED for parent in node.parents if parent is not element):
                parts.append(_spaces(str(node)))
        elif node.name == "br":
            parts.append("\n")
        elif node.name in ("p", "div", "li", "tr") and parts:
            parts.append("\n")
    return _collapse("".join(parts))


def _spaces(text: str) -> str:
    """A text node's source whitespace as a browser shows it."""
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text))


def _collapse(text: str) -> str:
    """Text whose source whitespace is already spaces: runs of them as one,
    none around the line breaks <br> made, no blank lines."""
    lines = [re.sub(" {2,}", " ", part).strip() for part in text.split("\n")]
    return "\n".join(line for line in lines if line)
