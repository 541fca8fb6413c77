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
from .sheet import Sheet, add_sheet, display

# A formula cell saved without its computed value: <c ...><f>...</f></c>, no
# <v> or an empty one.
_UNCOMPUTED = re.compile(rb"(?:</f>|<f[^>]*/>)\s*(?:<v>\s*</v>|<v/>)?\s*</c>")


def read_xlsx(name: str, data: bytes, source: Source) -> Document:
    check_archive(name, data, ".xlsx", "xl/workbook.xml")
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
        for row in worksheet.iter_rows():
            for cell in row:
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
