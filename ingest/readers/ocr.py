"""OCR of scans and photographs of reports (a scanned PDF's pages, .png,
.jpg; the PDF reader reads them with it), offline: RapidOCR's PP-OCRv4 Chinese models, which ship inside
its wheel (`pip install 'perfkg[ocr]'`), run by onnxruntime.

OCR gives boxes of text with a confidence. Each box is straightened by the
page's skew (measured from the boxes' own slant), cut into characters over
its width (a Chinese character a full width, a Latin letter or digit
half), and the characters go through the PDF reader's geometry as a text
layer's would: lines, paragraphs by spacing and width, tables set without
lines from where their words stand. Locations are the page and the box, in
points of the page (1/72 inch); a block's location carries the lowest OCR
confidence of its characters, and the document's warnings say it was read
by OCR and which lines OCR was least sure of.

Limits: handwriting, stamps over text and very small print are misread;
the ruling lines of a scanned table are not seen, so a table is recovered
only from where its words stand; a page rotated by more than a few degrees
is not straightened.
"""

from __future__ import annotations

import math
import os
import statistics
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


def page_chars(image) -> tuple[list[dict], float, float]:
    """The characters OCR reads on a page image (a PIL image at `DPI`), as
    the PDF reader's characters are (text, x0, x1, top, bottom, size,
    fontname) with their box's `confidence`; and the page's width and
    height in points."""
    import numpy as np

    scale = 72 / DPI
    if _blank(image):
        return [], image.width * scale, image.height * scale
    found, _ = _engine()(np.asarray(image.convert("RGB")))
    boxes = [(quad, text, float(score)) for quad, text, score in (found or []) if text.strip()]
    angle = _skew([quad for quad, _, _ in boxes])
    cx, cy = image.width / 2, image.height / 2
    cos, sin = math.cos(-angle), math.sin(-angle)
    chars: list[dict] = []
    for quad, text, score in boxes:
        # Straightened: turned back by the page's skew about its centre.
        points = [(cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos) for x, y in quad]
        x0, x1 = min(p[0] for p in points) * scale, max(p[0] for p in points) * scale
        top, bottom = min(p[1] for p in points) * scale, max(p[1] for p in points) * scale
        chars.extend(_cut(text.strip(), x0, x1, top, bottom, score))
    return chars, image.width * scale, image.height * scale


# A page with fewer dark pixels than this share has no text to read (the
# back of a sheet, a separator page): not worth the OCR's seconds.
_INK = 0.0005


def _blank(image) -> bool:
    histogram = image.convert("L").histogram()
    return sum(histogram[:128]) < _INK * image.width * image.height


def _skew(quads: list) -> float:
    """The page's slant (radians): the median slope of the top edges of the
    wider boxes (a line of text is far wider than it is high)."""
    slopes = [math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]) for q in quads
              if q[1][0] - q[0][0] > 4 * abs(q[3][1] - q[0][1])]
    return statistics.median(slopes) if slopes else 0.0


def _cut(text: str, x0: float, x1: float, top: float, bottom: float, score: float) -> list[dict]:
    """A box's text as characters over its width: a Chinese character one
    unit wide, an ASCII character half a unit (a space a half too)."""
    units = [0.5 if char.isascii() else 1.0 for char in text]
    step = (x1 - x0) / max(sum(units), 0.5)
    # The box is the text's height with OCR's margin: the characters' size is most of it.
    size = (bottom - top) * 0.8
    chars = []
    x = x0
    for char, unit in zip(text, units):
        chars.append({"text": char, "x0": x, "x1": x + unit * step, "top": top, "bottom": bottom, "size": size,
                      "fontname": "ocr", "confidence": score})
        x += unit * step
    return chars
