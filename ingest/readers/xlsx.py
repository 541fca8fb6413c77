"""Excel workbooks (.xlsx, .xlsm), read with openpyxl.

The workbook is opened whole, not in openpyxl's read-only mode, which does
not give a sheet's merged ranges; the archive is checked first (see
`archive`), so what is opened is bounded. Values are the ones Excel last
computed (a formula's cached value); a formula never computed (a file
written by a program that does not compute) has none, and the document's
warnings count such cells. Visible sheets are read in order; hidden sheets,
charts and pictures are not, and the warnings say so.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..document import Document, Source
from ..errors import IngestError
from .archive import check_archive
from .builder import DocumentBuilder
from .sheet import (MAX_CELL_CHARACTERS, MAX_SHEET_CELLS, MAX_SHEET_ROWS, Sheet, add_sheet, check_covered,
                    column_number, covered_cells, display)

# A formula cell saved without its computed value: <c ...><f>...</f></c>, no
# <v> or an empty one.
_UNCOMPUTED = re.compile(rb"(?:</f>|<f[^>]*/>)\s*(?:<v>\s*</v>|<v/>)?\s*</c>")


# In a sheet's XML (any namespace prefix): a cell, a row, a merged range.
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"')
# A tag split between two pieces read is carried to the next; a longer tail is text.
_TAG_TAIL = 512
# The most bytes of text a cell's XML may take: its characters each written as
# the longest character reference (&#x10FFFF;).
_MAX_TEXT_BYTES = MAX_CELL_CHARACTERS * 10


def read_xlsx(name: str, data: bytes, source: Source) -> Document:
    check_archive(name, data, ".xlsx", "xl/workbook.xml")
    _check_sheets(name, data)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, rich_text=False)
    except Exception as error:  # openpyxl raises whatever its XML parsing meets in a damaged file
        raise IngestError(name, f"damaged .xlsx file ({type(error).__name__}: {error})") from None
    out = DocumentBuilder(source)
    source.pages = len(workbook.worksheets)
    several = sum(w.sheet_state == "visible" for w in workbook.worksheets) > 1
    for worksheet in workbook.worksheets:
        if worksheet.sheet_state != "visible":
            out.warnings.append(f"hidden sheet {worksheet.title!r} not read")
            continue
        values = {}
        # The cells the file has, not every place of the range they span
        # (iter_rows makes a cell for each: two cells at A1 and XFD100000 would be
        # 1.6 billion); openpyxl keeps them in `_cells` and has no public way to them.
        for _, cell in sorted(worksheet._cells.items()):
            if cell.value is not None:
                text = display(cell.value, cell.number_format)
                if text.strip():
                    values[(cell.row - 1, cell.column - 1)] = text
        merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in worksheet.merged_cells.ranges]
        add_sheet(out, Sheet(worksheet.title, values, merged), section=several)
        if getattr(worksheet, "_charts", None) or getattr(worksheet, "_images", None):
            out.warnings.append(f"charts or pictures of sheet {worksheet.title!r} not read")
    uncomputed = _uncomputed_formulas(data)
    if uncomputed:
        out.warnings.append(f"{uncomputed} formula cell(s) have no computed value (the file was never recalculated "
                            "in Excel): read as empty")
    return out.build()


def _uncomputed_formulas(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(len(_UNCOMPUTED.findall(archive.read(member)))
                   for member in archive.namelist() if member.startswith("xl/worksheets/") and member.endswith(".xml"))


def _check_sheets(name: str, data: bytes) -> None:
    """Refuse, before openpyxl makes any cell, sheets past the limits: cells,
    rows, merged cells (openpyxl makes a cell for every one a range covers),
    and a cell's text. The parts are read piece by piece, as they unpack."""
    cells = rows = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if not (member.startswith("xl/worksheets/") and member.endswith(".xml")
                    or member == "xl/sharedStrings.xml"):
                continue
            covered = run = 0  # cells merged ranges cover; bytes since the last "<"
            carry = b""
            with archive.open(member) as part:
                while piece := part.read(1 << 20):
                    texts = piece.split(b"<")
                    run += len(texts[0])
                    longest = max(run, *map(len, texts[1:]))
                    if len(texts) > 1:
                        run = len(texts[-1])
                    if longest > _MAX_TEXT_BYTES:
                        raise IngestError(name, f"{member} holds a text of over {_MAX_TEXT_BYTES:,} bytes: more than a "
                                                f"cell holds (Excel's limit is {MAX_CELL_CHARACTERS:,} characters)")
                    text = carry + piece
                    tail = text.rfind(b"<")
                    body, carry = (text[:tail], text[tail:]) if len(text) - tail <= _TAG_TAIL else (text, b"")
                    cells += len(_CELL.findall(body))
                    rows += len(_ROW.findall(body))
                    covered += covered_cells([_range(m) for m in _MERGE.finditer(body)])
                    check_covered(name, member, covered)
                    if cells > MAX_SHEET_CELLS:
                        raise IngestError(name, f"the sheets have over {MAX_SHEET_CELLS:,} cells, the limit (a "
                                                "damaged file?)")
                    if rows > MAX_SHEET_ROWS:
                        raise IngestError(name, f"the sheets have over {MAX_SHEET_ROWS:,} rows, the limit (a "
                                                "damaged file?)")
            cells += len(_CELL.findall(carry))
            rows += len(_ROW.findall(carry))


def _range(match: re.Match) -> tuple[int, int, int, int]:
    """A merged range's first row, first column, last row, last column, 0-based."""
    first_column, first_row, last_column, last_row = match.groups()
    r0, c0 = int(first_row) - 1, column_number(first_column.decode())
    if last_column is None:
        return r0, c0, r0, c0
    return r0, c0, int(last_row) - 1, column_number(last_column.decode())
