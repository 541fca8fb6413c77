"""OCR of scans and photographs of reports (a scanned PDF's pages, .png,
.jpg; the PDF reader reads them with it), offline: RapidOCR's PP-OCRv4 Chinese models, which ship inside
its wheel (`pip install 'perfkg[ocr]'`), run by onnxruntime.

OCR gives boxes of text with a confidence. The page's skew is measured on
the image (the slant at which its rows of ink are sharpest); each box is
straightened by it and cut into characters over its width (a Chinese
character a full width, a Latin letter or digit half). A table's ruling
lines are found on the straightened image (OpenCV: runs of ink far longer
than any character's stroke, across and down), its cells are the spaces
they close, merged cells included. The characters and the cells go
through the PDF reader's geometry as a text layer's and a ruled table's
would: lines, paragraphs by spacing and width, each character in the cell
it stands in, tables set without lines from where their words stand.
Locations are the page and the box, in points of the page (1/72 inch); a
block's location carries the lowest OCR confidence of its characters, and
the document's warnings say it was read by OCR and which lines OCR was
least sure of.

Limits: handwriting, stamps over text and very small print are misread; a
page rotated by more than 3 degrees is not straightened; a ruling line
broken by more than a couple of pixels (a faint scan) leaves its cells
merged with their neighbours.
"""

from __future__ import annotations

import math
import os
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache

from ..errors import IngestError

# Pages are read at this resolution: enough for 10.5 pt print.
DPI = 150
DEFAULT_MAX_PAGES = 40
# A line OCR read with less confidence than this is named in the warnings.
DOUBTFUL = 0.8
EXTRA = "perfkg[ocr]"


def max_pages() -> int:
    raw = os.environ.get("PERFKG_MAX_OCR_PAGES", "")
    try:
        return int(raw) if raw.strip() else DEFAULT_MAX_PAGES
    except ValueError:
        raise IngestError("PERFKG_MAX_OCR_PAGES", f"must be an integer, got {raw!r}") from None


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def require(name: str, what: str) -> None:
    if not available():
        raise IngestError(name, f"{what}: perfkg reads it by OCR, which is not installed "
                                f"(pip install '{EXTRA}')")


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    # One thread per model: the OCR is one of many jobs on a server's cores,
    # and onnxruntime's thread pool spinning on busy cores is slower than one thread.
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


@dataclass
class Page:
    """What OCR reads on a page image: its characters (as the PDF reader's
    characters are: text, x0, x1, top, bottom, size, fontname, with their
    box's `confidence`), the tables its ruling lines draw (each the boxes
    of its cells), and its width and height; all in points of the page,
    straightened."""

    chars: list[dict]
    tables: list[list[tuple[float, float, float, float]]]
    width: float
    height: float


def read_page(image) -> Page:
    """A page image (a PIL image at `DPI`) read by OCR."""
    import numpy as np
    from PIL import Image

    scale = 72 / DPI
    if _blank(image):
        return Page([], [], image.width * scale, image.height * scale)
    gray = image.convert("L")
    # Straightened before it is read: lines of text level, ruling lines upright.
    gray = gray.rotate(math.degrees(_skew(np.asarray(gray))), resample=Image.BILINEAR, fillcolor=255)
    # Without the angle classifier: a page's lines are upright once
    # straightened, and the classifier turns some of them upside down (read
    # as nothing, they were dropped).
    found, _ = _engine()(np.asarray(gray.convert("RGB")), use_cls=False)
    placed = [(min(x for x, _ in quad) * scale, max(x for x, _ in quad) * scale,
               min(y for _, y in quad) * scale, max(y for _, y in quad) * scale, text.strip(), float(score))
              for quad, text, score in (found or []) if text.strip()]
    # A box is as high as the ink of its line: 一 and 题 in one paragraph
    # give boxes of different heights. Lines within a quarter of the page's
    # usual height are taken as set in its body size (so that the lines of
    # one paragraph go on with each other); a title or a note stays its own.
    usual = statistics.median(bottom - top for _, _, top, bottom, _, _ in placed) if placed else 0.0
    chars: list[dict] = []
    for x0, x1, top, bottom, text, score in placed:
        height = usual if abs(bottom - top - usual) <= 0.25 * usual else bottom - top
        chars.extend(_cut(_THOUSANDS.sub(",", text), x0, x1, top, bottom, height * 0.8, score))
    tables = [[tuple(v * scale for v in cell) for cell in table] for table in ruled_tables(np.asarray(gray))]
    return Page(chars, tables, image.width * scale, image.height * scale)


# Ink: pixels darker than this (of 255). A ruling line scanned thin is grey.
_INK_LEVEL = 200


def ruled_tables(gray) -> list[list[tuple[int, int, int, int]]]:
    """The tables ruling lines draw on a straightened greyscale page (a
    numpy array), each the boxes of its cells in pixels (x0, top, x1,
    bottom), a merged cell one box. Lines are the runs of ink longer than
    a thirtieth of the page's width, across or down (OpenCV's morphological
    opening: no character has a stroke that long, speckles are dots); a
    table is a figure of lines both ways, its cells the spaces they close."""
    import cv2
    import numpy as np

    ink = np.where(gray < _INK_LEVEL, 255, 0).astype(np.uint8)
    length = max(20, gray.shape[1] // 30)
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    # Thickened by a pixel each way: a joint the scan left a pixel open closes.
    lines = cv2.dilate(across | down, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    tables = []
    for label in range(1, count):
        x, y, width, height = (int(v) for v in stats[label][:4])
        if width < 2 * length or height < length:
            continue  # a rule under a heading or a line to write on: not a table
        cells = _cells(labels[y : y + height, x : x + width] == label)
        if len(cells) >= 2:
            tables.append([(x + x0, y + top, x + x1, y + bottom) for x0, top, x1, bottom in cells])
    return tables


# A space the lines close smaller than this (pixels, either way) is where
# two lines cross a little apart, not a cell.
_SMALLEST_CELL = 6
# From a cell's inside to the middle of the lines around it (thickened as above), in pixels.
_TO_LINE = 2


def _cells(frame) -> list[tuple[int, int, int, int]]:
    """The spaces a table's lines (`frame`, a boolean array over the
    table's box) close, as boxes reaching the middle of their lines (a cell
    and its neighbour share an edge). Space open to the box's edge is outside the table."""
    import cv2
    import numpy as np

    count, _, stats, _ = cv2.connectedComponentsWithStats(np.where(frame, 0, 255).astype(np.uint8), connectivity=4)
    height, width = frame.shape
    cells = []
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label][:4])
        if x == 0 or y == 0 or x + w == width or y + h == height or min(w, h) < _SMALLEST_CELL:
            continue
        cells.append((x - _TO_LINE, y - _TO_LINE, x + w + _TO_LINE, y + h + _TO_LINE))
    return cells


# A page with fewer dark pixels than this share has no text to read (the
# back of a sheet, a separator page): not worth the OCR's seconds.
_INK = 0.0005


def _blank(image) -> bool:
    histogram = image.convert("L").histogram()
    return sum(histogram[:128]) < _INK * image.width * image.height


# The slants a page is tried at (radians): up to 3 degrees either way, by a twentieth of a degree.
_SLANTS = [math.radians(step / 20) for step in range(-60, 61)]


def _skew(gray) -> float:
    """The page's slant (radians, the slope of its lines of text, positive
    down to the right): the slant at which its rows of ink are sharpest,
    the rows' counts of dark pixels most uneven (a projection profile; OCR's
    boxes are mostly upright rectangles, whatever the slant)."""
    import numpy as np

    ys, xs = np.nonzero(gray[::2, ::2] < _INK_LEVEL)  # half the resolution is plenty
    if len(xs) < 100:
        return 0.0
    best, best_spread = 0.0, -1.0
    for slant in _SLANTS:
        rows = np.bincount(np.round(ys - xs * math.tan(slant)).astype(np.int64) - int(ys.min()) + len(gray))
        spread = float(np.square(rows.astype(np.float64)).sum())
        if spread > best_spread:
            best, best_spread = slant, spread
    return best


# A full-width comma between digits, three of them after it: OCR's reading
# of a thousands separator (82,912.04 read 82，912.04).
_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")


def _cut(text: str, x0: float, x1: float, top: float, bottom: float, size: float, score: float) -> list[dict]:
    """A box's text as characters over its width: a Chinese character one
    unit wide, an ASCII character half a unit (a space a half too)."""
    units = [0.5 if char.isascii() else 1.0 for char in text]
    step = (x1 - x0) / max(sum(units), 0.5)
    chars = []
    x = x0
    for char, unit in zip(text, units):
        chars.append({"text": char, "x0": x, "x1": x + unit * step, "top": top, "bottom": bottom, "size": size,
                      "fontname": "ocr", "confidence": score})
        x += unit * step
    return chars
