"""Old Excel workbooks (.xls, Excel 97–2003), read with xlrd.

xlrd gives merged ranges and number formats only with `formatting_info`,
which it reads for .xls files. Values are shown as the sheet shows them,
formulas by their computed values. Visible sheets are read in order; hidden
ones are not, and the document's warnings say so.
"""

from __future__ import annotations

from ..document import Document, Source
from ..errors import IngestError
from .builder import DocumentBuilder
from .sheet import (MAX_CELL_CHARACTERS, MAX_SHEET_CELLS, Sheet, add_sheet, cell_ref, check_covered, covered_cells,
                    display,
                    is_date_format)


def read_xls(name: str, data: bytes, source: Source) -> Document:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as error:
        problem = str(error)
        if "encrypt" in problem.lower():
            raise IngestError(name, "password-protected (encrypted) .xls file: remove the password first") from None
        raise IngestError(name, f"damaged or unsupported .xls file ({problem})") from None
    except Exception as error:  # xlrd meets truncated or corrupt streams with assorted errors
        raise IngestError(name, f"damaged .xls file ({type(error).__name__}: {error})") from None
    out = DocumentBuilder(source)
    source.pages = book.nsheets
    several = book.nsheets > 1  # (a sheet's visibility is known only once it is loaded)
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility != 0:
                out.warnings.append(f"hidden sheet {sheet.name!r} not read")
                continue
            merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
            check_covered(name, f"sheet {sheet.name!r}", covered_cells(merged))
            if sheet.nrows * sheet.ncols > MAX_SHEET_CELLS:
                raise IngestError(name, f"sheet {sheet.name!r} spans {sheet.nrows:,} rows by {sheet.ncols:,} columns, "
                                        f"over the limit of {MAX_SHEET_CELLS:,} cells (a damaged file?)")
            values = {}
            for row in range(sheet.nrows):
                for column in range(sheet.ncols):
                    text = _cell_text(book, sheet.cell(row, column))
                    if len(text) > MAX_CELL_CHARACTERS:
                        raise IngestError(name, f"cell {cell_ref(row, column)} of sheet {sheet.name!r} holds "
                                                f"{len(text):,} characters, over Excel's limit of "
                                                f"{MAX_CELL_CHARACTERS:,}")
                    if text.strip():
                        values[(row, column)] = text
            add_sheet(out, Sheet(sheet.name, values, merged), section=several)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return out.build()


def _cell_text(book, cell) -> str:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return display(bool(cell.value), None)
    fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key) if cell.xf_index is not None else None
    number_format = fmt.format_str if fmt is not None else None
    if cell.ctype == xlrd.XL_CELL_DATE or (fmt is not None and is_date_format(number_format)):
        try:
            return display(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode), None)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            pass
    return display(cell.value, number_format)
