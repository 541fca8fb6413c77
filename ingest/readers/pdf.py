"""PDF, read with pdfplumber (pdfminer.six underneath): the text layer's
characters and the ruling lines drawn on each page; pages without a text
layer (a scan) are read by OCR (`ocr`) into the same characters, and the
grids of ruling lines OCR finds on the image into the same cells.

Tables are the grids the ruling lines draw (pdfplumber's `lines` strategy):
each cell's bounding box gives its row and column, a merged cell's spans
included. A table that runs on from the bottom of one page to the top of the
next is one table: a header row the next page repeats is not read twice
(the first is marked a header), and a row the page break cut in two is one
row again, whether its borders are drawn open at the break or closed (as
Word and LibreOffice draw them: the rest of the row has text only in
columns that go on from the row above). Tables set without lines are found
from where their words stand: columns start where the pieces of several
lines start (a piece is cut where a character after a gap stands at a
known column's start), a row where the step down is larger than within a
cell; a table that ran to the foot of a page lends its columns to the top
of the next, where a repeated header or a cell's text running on shows
only some of them.

Text outside the tables is read as lines (characters on one baseline, left
to right; a wide gap, as between columns, written as a tab). Lines become
paragraphs by the page's geometry, not by indentation alone: a line goes on
with the one above when that one left no room for its first word, the step
down is the document's own leading (a larger one is a paragraph's spacing),
both are set alike (size, the face of their Chinese characters), the line is
not indented and does not start a numbered item after a closed sentence;
also across a page break. So a label or a number a line break cut is one
word again. A paragraph of several lines is a Paragraph block; a line
standing alone stays a Line, for the layout stage and the normaliser to read
with its neighbours. Page numbers in the top or bottom margin are left out.

Locations: the page, the line on it (text lines, tables not counted) and
the bounding box; a table cell's table, row and column; OCR's confidence
for a page read by OCR.
"""

from __future__ import annotations

import io
import os
from bisect import bisect_right
import re
import statistics
import time
from dataclasses import dataclass, field, replace

from ..document import Document, Location, Source
from ..errors import IngestError
from .builder import DocumentBuilder, GridCell, runs
from .pdf_limits import ReadLimit, bound_pdfminer, check_page_content

DEFAULT_MAX_PAGES = 300
DEFAULT_MAX_SECONDS = 120


def max_pages() -> int:
    return _setting("PERFKG_MAX_PDF_PAGES", DEFAULT_MAX_PAGES)


def max_seconds() -> int:
    return _setting("PERFKG_MAX_READ_SECONDS", DEFAULT_MAX_SECONDS)


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError:
        raise IngestError(name, f"must be an integer, got {raw!r}") from None


_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*+(?:页)?\s*+(?:(?:/|／|共)\s*\d{1,4}\s*页?)?[-—–\s]*$")
# Margins a page number sits in: this share of the page's height at the top and bottom.
_MARGIN_SHARE = 0.1


@dataclass
class _Line:
    text: str
    page: int
    number: int  # on its page, 1-based
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    lead: float  # width of its first word: what a line above must have had room for
    font: str  # most of its characters' font (a heading's bold face differs from its paragraph's)
    confidence: float | None = None  # OCR's, the lowest of its characters; None for a text layer


@dataclass
class _TablePart:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    cells: list[tuple[str, tuple[float, float, float, float]]]  # text, bbox
    # Heights where its ruling lines end open: the foot of a row the page
    # break cut, the top of its continuation.
    open_ends: list[float]
    ruled: bool = True  # drawn with lines; else found by where its words stand
    confidences: list[float | None] = field(default_factory=list)  # OCR's, cell by cell


def read_pdf(name: str, data: bytes, source: Source) -> Document:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    limit_pages, limit_seconds = max_pages(), max_seconds()
    started = time.monotonic()
    bound_pdfminer()
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as error:
        raise IngestError(name, _open_problem(error)) from None
    except ReadLimit as error:
        raise IngestError(name, str(error)) from None
    except Exception as error:  # pdfminer meets a damaged file with assorted errors
        raise IngestError(name, f"damaged PDF ({type(error).__name__}: {error})") from None
    with pdf:
        try:
            pages = pdf.pages
        except ReadLimit as error:
            raise IngestError(name, str(error)) from None
        except Exception as error:
            raise IngestError(name, f"damaged PDF: its pages cannot be listed ({type(error).__name__})") from None
        source.pages = len(pages)
        if len(pages) > limit_pages:
            raise IngestError(name, f"{len(pages)} pages, over the limit of {limit_pages} (PERFKG_MAX_PDF_PAGES)")
        items: list[list] = []
        blank_pages = []
        for number, page in enumerate(pages, start=1):
            if time.monotonic() - started > limit_seconds:
                raise IngestError(name, f"reading took over {limit_seconds} s, at page {number} of {len(pages)} "
                                        "(PERFKG_MAX_READ_SECONDS)")
            try:
                check_page_content(page, number)
                found = _page_items(page, number, _carried(items[-1] if items else []))
                if not found or _looks_scanned(page):
                    blank_pages.append(number)
            except ReadLimit as error:
                raise IngestError(name, str(error)) from None
            except Exception as error:
                raise IngestError(name, f"damaged PDF: page {number} cannot be read ({type(error).__name__})") from None
            items.append(found)
            page.close()  # its parsed objects are no longer needed
    if blank_pages:
        from . import ocr

        if not ocr.available():
            if len(blank_pages) == len(items):
                ocr.require(name, "no text layer (scanned PDF)")
            out = DocumentBuilder(source)
            out.warnings.append(f"page(s) {_ranges(blank_pages)} have no text layer, or only a scan's stray words: "
                                f"only their text layer was read (install {ocr.EXTRA} to read them by OCR)")
            _write(out, items)
            return out.build()
        if len(blank_pages) > ocr.max_pages():
            raise IngestError(name, f"{len(blank_pages)} scanned pages, over the OCR limit of {ocr.max_pages()} "
                                    "(PERFKG_MAX_OCR_PAGES)")
        for number, page in zip(blank_pages, _ocr_pages(data, blank_pages)):
            items[number - 1] = _scanned_items(page, number, _carried(items[number - 2] if number > 1 else []))
        return _written(name, source, items, blank_pages)
    out = DocumentBuilder(source)
    _write(out, items)
    return out.build()


def _ocr_pages(data: bytes, numbers: list[int]) -> list:
    """The pages (1-based numbers) rendered at the OCR's resolution and read by it."""
    import pypdfium2

    from .ocr import DPI, read_page

    document = pypdfium2.PdfDocument(data)
    try:
        return [read_page(document[number - 1].render(scale=DPI / 72).to_pil()) for number in numbers]
    finally:
        document.close()


def _scanned_items(page, number: int, carried: list[float] = ()) -> list:
    """A page OCR read (an ocr.Page) as the page's lines and table parts, top to bottom."""
    tables = [((min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells),
                max(c[3] for c in cells)), cells) for cells in page.tables]
    parts, free = _ruled_parts(tables, page.chars, number, [])
    return _place(parts, free, number, page.height, carried)


def read_image(name: str, data: bytes, source: Source) -> Document:
    """A .png or .jpg of a report page, read by OCR as a scanned PDF page is."""
    from PIL import Image, UnidentifiedImageError

    from . import ocr

    ocr.require(name, "an image")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise IngestError(name, f"damaged or unreadable image ({type(error).__name__})") from None
    dpi = image.info.get("dpi", (ocr.DPI, ocr.DPI))[0] or ocr.DPI
    if abs(dpi - ocr.DPI) > 1:  # read as if scanned at the OCR's resolution: sizes in points stay those of print
        image = image.resize((max(1, round(image.width * ocr.DPI / dpi)), max(1, round(image.height * ocr.DPI / dpi))))
    source.pages = 1
    return _written(name, source, [_scanned_items(ocr.read_page(image), 1)], [1], kind="image")


def _written(name: str, source: Source, items: list[list], ocr_pages: list[int], kind: str = "pdf") -> Document:
    """The document of the pages' items, some of them read by OCR: said in its warnings."""
    if not any(items):
        raise IngestError(name, "no text layer, and OCR found no text (a blank or unreadable scan)")
    from .ocr import DOUBTFUL

    out = DocumentBuilder(source)
    _write(out, items, kind)
    read = [line for page in items for line in page if isinstance(line, _Line) and line.confidence is not None]
    doubtful = [line for line in read if line.confidence < DOUBTFUL]
    out.warnings.append(f"page(s) {_ranges(ocr_pages)} read by OCR (no text layer): check names and numbers "
                        f"against the scan" + (f"; {len(doubtful)} line(s) read with confidence under {DOUBTFUL}, "
                                               f"first p. {doubtful[0].page}, line {doubtful[0].number}"
                                               if doubtful else ""))
    return out.build()


# A page that is mostly one picture and has almost no text is a scan (with a
# page number or a stamp's words in its text layer, at most).
_SCAN_IMAGE_SHARE = 0.5
_SCAN_MAX_CHARS = 30


def _looks_scanned(page) -> bool:
    area = float(page.width) * float(page.height)
    pictured = sum(max(0.0, float(i["x1"]) - float(i["x0"])) * max(0.0, float(i["bottom"]) - float(i["top"]))
                   for i in page.images)
    return pictured > _SCAN_IMAGE_SHARE * area and len(page.chars) <= _SCAN_MAX_CHARS


def _open_problem(error: Exception) -> str:
    cause = error.args[0] if error.args else error
    kind = type(cause).__name__
    if "Password" in kind or "Encrypt" in kind:
        return "encrypted PDF (password-protected): remove the password first"
    if isinstance(cause, ReadLimit):
        return str(cause)
    return f"damaged PDF ({kind}: {cause})"


def _ranges(numbers: list[int]) -> str:
    return ", ".join(f"{s[0]}–{s[-1]}" if len(s) > 1 else str(s[0]) for s in runs(numbers))


# -- one page ----------------------------------------------------------------


def _page_items(page, number: int, carried: list[float]) -> list:
    """The page's lines and table parts, top to bottom (`carried`: see _place)."""
    open_ends = _open_ends(page)
    tables = page.find_tables({"explicit_horizontal_lines": open_ends})
    parts, free = _ruled_parts([(t.bbox, t.cells) for t in tables], page.chars, number, open_ends)
    return _place(parts, free, number, float(page.height), carried)


def _ruled_parts(tables: list[tuple[tuple, list[tuple]]], chars: list[dict], number: int,
                 open_ends: list[float]) -> tuple[list[_TablePart], list[dict]]:
    """The tables ruling lines draw on a page (each its box and its cells'
    boxes) as table parts, each cell with the characters inside it; and
    the characters outside them."""
    table_chars: list[list[dict]] = [[] for _ in tables]
    free: list[dict] = []
    for char in chars:
        if not char["text"].strip() and char["text"] != " ":
            continue
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for index, ((x0, top, x1, bottom), _) in enumerate(tables):
            if x0 <= cx <= x1 and top <= cy <= bottom:
                table_chars[index].append(char)
                break
        else:
            free.append(char)
    parts = []
    for ((x0, top, x1, bottom), boxes), inside in zip(tables, table_chars):
        by_cell = _chars_by_cell(boxes, inside)
        parts.append(_TablePart(number, x0, x1, top, bottom,
                                [(_text_of(c, tabs=False, joiner=_join_wrapped), box) for box, c in zip(boxes, by_cell)],
                                [y for y in open_ends if top - 1 <= y <= bottom + 1],
                                confidences=[_confidence(c) for c in by_cell]))
    return parts, free


def _place(items: list, chars: list[dict], number: int, height: float, carried: list[float] = ()) -> list:
    """A page's characters outside its ruled tables, as lines and tables set
    without lines, beside the ruled `items`: all of them top to bottom, the
    lines numbered. (A character is a dict as pdfplumber gives it: text,
    x0, x1, top, bottom, size, fontname; the OCR reader makes them too.)
    `carried`: the column starts of a table without lines the page before
    ran to its foot, which may go on at the top of this page."""
    text_tables, free_lines = _unruled_tables(_lines(chars), number, carried)
    items = items + text_tables
    for line_chars in free_lines:
        text = _text_of(line_chars, tabs=True, joiner=None)
        if not text.strip():
            continue
        top = min(c["top"] for c in line_chars)
        bottom = max(c["bottom"] for c in line_chars)
        in_margin = bottom < height * _MARGIN_SHARE or top > height * (1 - _MARGIN_SHARE)
        if in_margin and _PAGE_NUMBER.match(text):
            continue
        size = statistics.median(c["size"] for c in line_chars)
        items.append(_Line(text, number, 0, min(c["x0"] for c in line_chars), max(c["x1"] for c in line_chars),
                           top, bottom, size, _lead_width(line_chars),
                           _font(line_chars), _confidence(line_chars)))
    items.sort(key=lambda item: item.top)
    for count, line in enumerate((i for i in items if isinstance(i, _Line)), start=1):
        line.number = count
    return items


# -- tables set without ruling lines -------------------------------------------

# Between two columns of a table stands at least a cell's padding on each
# side: a gap this many characters wide. Words of one line stand closer.
_COLUMN_GAP = 1.2


def _pieces(line: list[dict]) -> list[list[dict]]:
    """A line's visible characters, cut where a gap is as wide as between columns."""
    pieces: list[list[dict]] = []
    for char in (c for c in line if c["text"].strip()):
        if pieces and char["x0"] - pieces[-1][-1]["x1"] < _COLUMN_GAP * max(char["size"], 1):
            pieces[-1].append(char)
        else:
            pieces.append([char])
    return pieces


def _cut_at_starts(line: list[list[dict]], starts: list[float]) -> list[list[dict]]:
    """A line's pieces cut where a character after a gap stands at a
    column's start: a cell's closing mark hanging past its column's edge
    can leave less than a column's gap before the next column's text."""
    cut: list[list[dict]] = []
    for piece in line:
        cut.append([piece[0]])
        for previous, char in zip(piece, piece[1:]):
            gap = char["x0"] - previous["x1"]
            if gap > 0.2 * max(char["size"], 1) and any(abs(char["x0"] - x) <= 1.0 for x in starts):
                cut.append([])
            cut[-1].append(char)
    return cut


def _column_starts(pieces: list[list[list[dict]]], carried: list[float] = ()) -> list[float]:
    """Where the columns of a table without lines start: the left edges the
    pieces of its lines share (a column's text is set flush left in it),
    and those of the table it goes on from (`carried`)."""
    return _clusters([piece[0]["x0"] for line in pieces if len(line) >= 2 for piece in line] + list(carried),
                     tolerance=3.0)


def _carried(previous_page: list) -> list[float]:
    """The column starts of a table without lines that ends the page before
    (nothing after it but the page number): it may go on at the top of the
    next page, where a repeated header or a cell's text running on may not
    show all its columns."""
    last = previous_page[-1] if previous_page else None
    if not isinstance(last, _TablePart) or last.ruled:
        return []
    return _clusters([bbox[0] for _, bbox in last.cells])


def _at_start(piece: list[dict], starts: list[float]) -> int | None:
    """The column a piece of text starts, if it starts one."""
    return next((i for i, x in enumerate(starts) if abs(piece[0]["x0"] - x) <= 3.0), None)


def _in_one_column(piece: list[dict], starts: list[float]) -> bool:
    """Does a piece of text stand inside one column: from its start, and
    ending before the next column starts? (A closing mark may hang past the
    column's edge, as a line may not start with it.)"""
    column = _at_start(piece, starts)
    if column is None:
        return False
    body = [c for c in piece if c["text"] not in _CLOSING] or piece
    return column + 1 == len(starts) or body[-1]["x1"] < starts[column + 1]


def _unruled_tables(lines: list[list[dict]], number: int,
                    carried: list[float] = ()) -> tuple[list[_TablePart], list[list[dict]]]:
    """Tables set as columns of text without ruling lines, found by where
    their words stand: a run of close lines, some of them in columns, whose
    other lines are a cell's text wrapping on at the start of a column. A
    run from the page's first line may go on with the `carried` columns of
    the table before. The lines in no such run are given back."""
    pieces = [_pieces(line) for line in lines]
    tables: list[_TablePart] = []
    rest: list[list[dict]] = []
    index = 0
    while index < len(lines):
        if len(pieces[index]) < 2:
            rest.append(lines[index])
            index += 1
            continue
        run = [index]
        known = carried if index == 0 else []
        following = index + 1
        while following < len(lines) and pieces[following]:
            line, last = lines[following], lines[run[-1]]
            size = max(statistics.median(c["size"] for c in line), 1)
            if min(c["top"] for c in line) - max(c["bottom"] for c in last) > 1.2 * size:
                break
            if abs(size - statistics.median(c["size"] for c in last)) > 0.15 * size:
                break  # set in another size: text after the table
            starts = _column_starts([pieces[k] for k in run], known)
            pieces[following] = _cut_at_starts(pieces[following], starts)
            if len(pieces[following]) == 1 and not _in_one_column(pieces[following][0], starts):
                break  # not inside a column: text after the table
            run.append(following)
            following += 1
        starts = _column_starts([pieces[k] for k in run], known)
        in_columns = sum(len(pieces[k]) >= 2 for k in run)
        # One line in columns is a table when text wraps on in a later column
        # (a cell's text running onto the next page under its repeated header).
        wraps_on = any(len(pieces[k]) == 1 and (_at_start(pieces[k][0], starts) or 0) > 0 for k in run)
        if len(starts) >= 2 and (in_columns >= 2 or wraps_on):
            tables.append(_text_table([lines[k] for k in run], starts, number))
        else:
            rest.extend(lines[k] for k in run)
        index = following
    return tables, rest


def _text_table(lines: list[list[dict]], starts: list[float], number: int) -> _TablePart:
    """A table set without lines as a grid: a column from each start, a new
    row where the step down from one line to the next is larger than
    within a cell (every line a row when they are all evenly spaced)."""
    tops = [min(c["top"] for c in line) for line in lines]
    steps = [b - a for a, b in zip(tops, tops[1:])]
    size = statistics.median(c["size"] for line in lines for c in line)
    within = min(steps, default=0)
    rows: list[list[list[dict]]] = []
    for position, line in enumerate(lines):
        if not rows or steps[position - 1] > within + max(2.0, 0.2 * size):
            rows.append([])
        rows[-1].append(line)
    right = max(c["x1"] for line in lines for c in line)
    bounds = [x - 3.0 for x in starts]
    edges = list(zip(starts, starts[1:] + [right]))
    cells = []
    confidences = []
    for row in rows:
        top, bottom = min(c["top"] for line in row for c in line), max(c["bottom"] for line in row for c in line)
        by_column: list[list[dict]] = [[] for _ in starts]
        for char in (c for line in row for c in line):
            by_column[max(0, bisect_right(bounds, char["x0"]) - 1)].append(char)
        for (left, next_left), chars in zip(edges, by_column):
            cells.append((_text_of(chars, tabs=False, joiner=_join_wrapped), (left, top, next_left, bottom)))
            confidences.append(_confidence(chars))
    return _TablePart(number, starts[0], right, tops[0], max(c["bottom"] for c in lines[-1]), cells, [], ruled=False,
                      confidences=confidences)


def _confidence(chars: list[dict]) -> float | None:
    """OCR's confidence in these characters: the lowest of theirs (None for a text layer's)."""
    found = [c["confidence"] for c in chars if "confidence" in c]
    return round(min(found), 2) if found else None


# Punctuation a line may not start with: a line break puts the character
# before it on the next line too.
_CLOSING = set("，。、；：？！,.;:?!%％)）]】」』”’》〉…·")


def _lead_width(chars: list[dict]) -> float:
    """Width of a line's first word: a run of Latin letters, digits and
    their punctuation, or one Chinese character (with the closing
    punctuation that cannot start a line)."""
    visible = [c for c in chars if c["text"].strip()]
    if not visible:
        return 0.0
    end = 0
    if visible[0]["text"].isascii():
        while end + 1 < len(visible) and visible[end + 1]["text"].isascii():
            end += 1
    while end + 1 < len(visible) and visible[end + 1]["text"] in _CLOSING:
        end += 1
    return visible[end]["x1"] - visible[0]["x0"]


def _font(chars: list[dict]) -> str:
    """The face most of a line's Chinese characters are set in (its Latin
    digits and spaces often come from another font: a Word paragraph with a
    number in it is still one paragraph); the line's most common face when it
    has no Chinese."""
    wide = [c.get("fontname", "") for c in chars if not c["text"].isascii()]
    return _SUBSET.sub("", statistics.mode(wide or [c.get("fontname", "") for c in chars]))


# A font subset's tag (ABCDEF+NotoSansCJK): one face is often embedded as
# several subsets, each with its own tag.
_SUBSET = re.compile(r"^[A-Z]{6}\+")


def _open_ends(page) -> list[float]:
    """Heights where ruling lines down a table end with no line across: a
    row the page break cut is drawn open at the page's foot and at the top
    of the next, but its cells end there all the same."""
    edges = page.edges
    across = [e["top"] for e in edges if e["orientation"] == "h"]
    ends = {round(v, 1) for e in edges if e["orientation"] == "v" for v in (e["top"], e["bottom"])}
    return sorted(y for y in ends if all(abs(y - h) > 1 for h in across))


def _chars_by_cell(cells: list, chars: list[dict]) -> list[list[dict]]:
    """The characters in each cell (by their centres), found through the
    grid the cells' edges make rather than by trying every cell."""
    xs = _clusters([v for x0, _, x1, _ in cells for v in (x0, x1)])
    ys = _clusters([v for _, top, _, bottom in cells for v in (top, bottom)])
    owner: dict[tuple[int, int], int] = {}  # (row, column) of the grid -> the cell covering it
    for index, (x0, top, x1, bottom) in enumerate(cells):
        for row in range(_index(ys, top), _index(ys, bottom)):
            for column in range(_index(xs, x0), _index(xs, x1)):
                owner[(row, column)] = index
    found: list[list[dict]] = [[] for _ in cells]
    for char in chars:
        row = bisect_right(ys, (char["top"] + char["bottom"]) / 2) - 1
        column = bisect_right(xs, (char["x0"] + char["x1"]) / 2) - 1
        index = owner.get((row, column))
        if index is not None:
            found[index].append(char)
    return found


def _lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into lines: by their vertical middle, within half a character's height."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        middle = (char["top"] + char["bottom"]) / 2
        if lines:
            line = lines[-1]
            line_middle = (line[0]["top"] + line[0]["bottom"]) / 2
            if abs(middle - line_middle) <= 0.5 * max(char["size"], line[0]["size"], 1):
                line.append(char)
                continue
        lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _text_of(chars: list[dict], *, tabs: bool, joiner) -> str:
    """The text of characters in reading order. In a cell (`joiner` given)
    its wrapped lines are joined; on a page line a gap of two characters or
    more, as between columns, is a tab."""
    if joiner is not None:
        return joiner([_text_of(line, tabs=False, joiner=None) for line in _lines(chars)])
    parts: list[str] = []
    previous = None
    for char in chars:
        if previous is not None:
            gap = char["x0"] - previous["x1"]
            size = max(char["size"], 1)
            if char["text"] != " " and previous["text"] != " ":
                if tabs and gap > 2 * size:
                    parts.append("\t")
                elif gap > 0.3 * size:
                    parts.append(" ")
            elif char["text"] == " " and parts and parts[-1] in (" ", "\t"):
                continue  # one space for a run of them
        parts.append(char["text"])
        previous = char
    return "".join(parts).strip()


def _join_wrapped(lines: list[str]) -> str:
    """A cell's wrapped lines as one text. A break between two Latin
    letters was a space (English wraps at spaces); anywhere else, as in
    Chinese text and in numbers a narrow column broke, it was not."""
    text = ""
    for line in (line for line in lines if line):
        if text and text[-1].isascii() and text[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            text += " "
        text += line
    return text


# -- the whole document ------------------------------------------------------


def _write(out: DocumentBuilder, pages: list[list], kind: str = "pdf") -> None:
    lines = [item for page in pages for item in page if isinstance(item, _Line)]
    # The right margin: where most long lines end (a word too long for its
    # line may run past it, a paragraph's last line stops short of it).
    layout = _Layout.of(lines)
    sequence = _merge_tables([item for page in pages for item in page])
    table_index = 0
    paragraph: list[_Line] = []

    def flush() -> None:
        if not paragraph:
            return
        first, last = paragraph[0], paragraph[-1]
        confidences = [l.confidence for l in paragraph if l.confidence is not None]
        location = Location(kind, page=first.page, line=first.number, end_page=last.page if last.page != first.page else None,
                            end_line=last.number if last is not first else None,
                            bbox=_round((min(l.x0 for l in paragraph if l.page == first.page), first.top,
                                         max(l.x1 for l in paragraph if l.page == first.page),
                                         max(l.bottom for l in paragraph if l.page == first.page))),
                            confidence=min(confidences) if confidences else None)
        if len(paragraph) == 1:
            out.line(first.text, location)
        else:
            out.paragraph("\n".join(l.text for l in paragraph), location)
        paragraph.clear()

    for item in sequence:
        if isinstance(item, _Line):
            if paragraph and not layout.continues(paragraph[-1], item):
                flush()
            paragraph.append(item)
            continue
        flush()
        _write_table(out, item, table_index, kind)
        table_index += 1
    flush()


# A line that starts a numbered item or list entry: (1) 1. 1、 （一） 一、 ① —
# a new paragraph when the line before it closed a sentence.
_ITEM = re.compile(r"^\s*(?:[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]"
                   r"|\d{1,2}\s*[、.．](?!\d)|[①-⑳])")
_SENTENCE_END = re.compile(r"[。！？!?；;：:]\s*[”’」』）)]?\s*$")


@dataclass
class _Layout:
    """How a document sets its paragraphs, as measured on its own lines:
    where its text column ends on the right and begins on the left, and
    how far apart two lines of one paragraph are (a larger step down is a
    paragraph's spacing)."""

    left: float
    right: float
    step: float | None  # top to top within a paragraph, in font sizes; None when unmeasured

    @classmethod
    def of(cls, lines: list[_Line]) -> "_Layout":
        # The right margin: where most long lines end (a word too long for its
        # line may run past it, a paragraph's last line stops short of it).
        ends = sorted(line.x1 for line in lines if len(line.text) >= 10) or [line.x1 for line in lines]
        right = ends[int(0.8 * (len(ends) - 1))] if ends else 0
        left = min((line.x0 for line in lines), default=0)
        # Two lines of one paragraph: the first one full (reaching the margin),
        # the next right below it in the same size. Their usual step is the
        # paragraph's leading; the steps between paragraphs are the larger ones.
        steps = [round((b.top - a.top) / a.size, 2) for a, b in zip(lines, lines[1:])
                 if a.page == b.page and abs(a.size - b.size) < 0.5 and 0 < b.top - a.top < 3 * a.size
                 and a.x1 >= right - 3 * a.size]
        return cls(left, right, statistics.median_low(steps) if len(steps) >= 3 else None)

    def continues(self, previous: _Line, line: _Line) -> bool:
        """Does `line` go on with the paragraph `previous` ends? Yes when they
        are set alike, `line` follows right below at the paragraph's leading
        (or starts the next page), `previous` left no room for the first word
        of `line` (a Chinese line may stop up to two characters short: a
        closing mark or a number cannot start the next line), `line` is not
        indented, and `line` does not start a numbered item after a sentence
        ended."""
        size = max(previous.size, 1)
        if abs(previous.size - line.size) > 0.15 * size or previous.font != line.font:
            return False
        if "\t" in line.text + previous.text:
            return False
        if line.page == previous.page:
            if line.top - previous.bottom > 1.0 * size:
                return False
            if self.step is not None and line.top - previous.top > self.step * size + max(2.0, 0.2 * size):
                return False  # a paragraph's spacing
        elif line.page != previous.page + 1:
            return False
        reaches_margin = self.right - previous.x1 < line.lead + 2.5 * size
        indented = line.x0 >= self.left + 0.8 * size
        new_item = bool(_ITEM.match(line.text)) and bool(_SENTENCE_END.search(previous.text))
        return reaches_margin and not indented and not new_item


def _round(bbox) -> tuple[float, float, float, float]:
    return tuple(round(float(v), 1) for v in bbox)


# -- tables ------------------------------------------------------------------


def _merge_tables(items: list) -> list:
    """Items in order, a table continued on the next page joined to its first part (as a list of parts)."""
    merged: list = []
    for item in items:
        if isinstance(item, _TablePart):
            previous = merged[-1] if merged else None
            if isinstance(previous, list) and _continues_table(previous[-1], item):
                previous.append(item)
                continue
            merged.append([item])
            continue
        merged.append(item)
    return merged


def _continues_table(part: _TablePart, following: _TablePart) -> bool:
    """The next table part starts the next page, with the same outline, right
    after this one (for a table without lines, whose outline is where its
    text stands, the same left edge)."""
    if following.page != part.page + 1 or part.ruled != following.ruled:
        return False
    return abs(part.x0 - following.x0) < 3 and (not part.ruled or abs(part.x1 - following.x1) < 3)


def _clusters(values: list[float], tolerance: float = 2.0) -> list[float]:
    """Sorted distinct values, those within `tolerance` of each other taken as one."""
    found: list[float] = []
    for value in sorted(values):
        if not found or value - found[-1] > tolerance:
            found.append(value)
    return found


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _write_table(out: DocumentBuilder, parts: list[_TablePart], table_index: int, kind: str) -> None:
    # A table without lines has columns where they start; its last column
    # ends where its text does on each page: no column edge.
    xs = _clusters([v for part in parts for _, (x0, _, x1, _) in part.cells for v in ((x0, x1) if part.ruled else (x0,))])
    grid_rows: list[list[GridCell]] = []  # the rows cells start on, the parts' one after another
    previous_part: _TablePart | None = None
    for part in parts:
        ys = _clusters([v for _, (_, top, _, bottom) in part.cells for v in (top, bottom)])
        local: dict[int, list[GridCell]] = {}
        for position, (text, bbox) in enumerate(part.cells):
            x0, top, x1, bottom = bbox
            row, column = _index(ys, top), _index(xs, x0)
            confidence = part.confidences[position] if part.confidences else None
            cell = GridCell(text, row, column, max(1, _index(ys, bottom) - row), max(1, _index(xs, x1) - column),
                            location=Location(kind, page=part.page, table=table_index, column=column,
                                              bbox=_round(bbox), confidence=confidence))
            local.setdefault(row, []).append(cell)
        for row_cells in (sorted(local[r], key=lambda c: c.column) for r in sorted(local)):
            if grid_rows and _texts(row_cells) == _texts(grid_rows[0]) and sum(bool(c.text) for c in row_cells) > 1:
                for cell in grid_rows[0]:  # the header row, repeated after a page break: read once
                    cell.header = True
                continue
            if previous_part is not None and grid_rows:
                if (_edge(grid_rows[-1], "bottom") in _near(previous_part.open_ends)
                        and _edge(row_cells, "top") in _near(part.open_ends)):
                    _join_row(grid_rows, row_cells)  # the rest of the row the page break cut, drawn open
                    previous_part = None
                    continue
                _join_merged(grid_rows, row_cells)
                if not any(c.text.strip() for c in row_cells) or _rest_of_cut_row(grid_rows, row_cells):
                    _join_row(grid_rows, row_cells)  # the rest of the row the page break cut, drawn closed
                    previous_part = None
                    continue
            previous_part = None
            grid_rows.append(row_cells)
        previous_part = part
    cells: list[GridCell] = []
    for number, row_cells in enumerate(grid_rows):
        for cell in row_cells:
            # A span counts rows of its own page's part: it ends with the table at the latest.
            cell.row_span = min(cell.row_span, len(grid_rows) - number)
            cell.row = number
            cell.location = replace(cell.location, row=number)
            cells.append(cell)
    if cells:
        first, last = parts[0], parts[-1]
        out.table(cells, Location(kind, page=first.page, end_page=last.page if last.page != first.page else None,
                                  table=table_index, bbox=_round((first.x0, first.top, first.x1, first.bottom))))


def _edge(cells: list[GridCell], side: str) -> float:
    """A row's top or bottom, from its cells' boxes."""
    if side == "top":
        return round(min(c.location.bbox[1] for c in cells), 1)
    return round(max(c.location.bbox[3] for c in cells), 1)


def _near(heights: list[float]) -> set[float]:
    """Heights as _edge rounds them, with a point's slack either way."""
    return {round(h + d / 10, 1) for h in heights for d in range(-10, 11)}


def _texts(cells: list[GridCell]) -> list[tuple[int, str]]:
    """A row's filled cells (a row without lines has as many empty cells as its page found columns)."""
    return [(c.column, c.text) for c in cells if c.text]


def _covering(rows: list[list[GridCell]], column: int) -> GridCell | None:
    """The cell that covers `column` on the last of `rows`: one starting on
    it, or a merged cell from a row above that spans down to it."""
    last = len(rows) - 1
    for index in range(last, -1, -1):
        for cell in rows[index]:
            if cell.column <= column < cell.column + cell.col_span:
                return cell if index + cell.row_span > last else None
    return None


_NUMBER_CELL = re.compile(r"^[-+]?[\d.,]+%?$")


def _rest_of_cut_row(rows: list[list[GridCell]], first: list[GridCell]) -> bool:
    """Is the first row of a table's next page the rest of its last row, the
    page break cut with borders drawn closed (as LibreOffice and Word draw
    them)? Its text is all in columns whose cell goes on from the last row
    (a long text wraps on), none of it is a number standing alone (a score
    or an amount is never cut), and some cell of the last row ended on its
    page (a new row would fill every column the last one did). Text that
    goes on a cell merged down from above has been joined to it already."""
    filled = [c for c in first if c.text.strip()]
    if not filled or any(_NUMBER_CELL.match(c.text.strip()) for c in filled):
        return False
    covering = [_covering(rows, c.column) for c in filled]
    if any(cell is None or not cell.text.strip() or all(cell is not c for c in rows[-1]) for cell in covering):
        return False
    return any(c.text.strip() and all(c is not cell for cell in covering) for c in rows[-1])


def _join_merged(rows: list[list[GridCell]], first: list[GridCell]) -> None:
    """Text at the top of a table's next page in a column a cell merged down
    from above covers to the last row: that cell's text, cut by the page
    break, going on. Joined to it, and taken out of the row."""
    for cell in first:
        covering = _covering(rows, cell.column) if cell.text.strip() else None
        if covering is not None and covering.text.strip() and all(covering is not c for c in rows[-1]):
            covering.text = _join_wrapped([covering.text, cell.text])
            cell.text = ""


def _join_row(rows: list[list[GridCell]], rest: list[GridCell]) -> None:
    for cell in rest:
        covering = _covering(rows, cell.column) if cell.text else None
        if covering is not None:
            covering.text = _join_wrapped([covering.text, cell.text])
