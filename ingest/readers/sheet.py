"""What the spreadsheet readers (.xlsx, .xls) share: a sheet's cells, as the
reader found them, become the document's tables and paragraphs.

In a workbook of several sheets each sheet is a section, headed by its
name. A sheet is cut into parts at empty rows, and a part into tables side by side
at columns it leaves empty. A part whose rows each hold one
cell (a title, a unit note) is paragraphs; any other part is a table, with
its merged ranges as spans; a title row spanning the table's width at its
top or a note row at its bottom stays a paragraph. Values are shown as the
sheet shows them (its number format: decimals, thousands separators,
percentages, dates), and a formula by the value Excel last computed for it.
Every cell is located by its sheet and reference (`自评表!C12`, a range for
a merged cell).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..document import Location
from ..errors import IngestError
from .builder import DocumentBuilder, GridCell, clean_cell, runs

# A report's sheets hold hundreds or thousands of cells; the limits are far
# above that and far below what a crafted file asks a reader to make (a merge
# of a whole sheet is 17 billion cells). A cell holds what Excel allows.
MAX_SHEET_CELLS = 1_000_000
MAX_SHEET_ROWS = 100_000
MAX_MERGED_CELLS = 1_000_000
MAX_CELL_CHARACTERS = 32_767


@dataclass
class Sheet:
    name: str
    values: dict[tuple[int, int], str]  # (row, column), 0-based -> the text the sheet shows; empty cells left out
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first column, last row, last column


def covered_cells(merged: list[tuple[int, int, int, int]]) -> int:
    return sum((r1 - r0 + 1) * (c1 - c0 + 1) for r0, c0, r1, c1 in merged)


def check_covered(name: str, where: str, covered: int) -> None:
    """Refuse merged ranges covering more than MAX_MERGED_CELLS cells in all,
    before any covered cell is listed."""
    if covered > MAX_MERGED_CELLS:
        raise IngestError(name, f"{where}: merged ranges cover {covered:,} cells, over the limit of "
                                f"{MAX_MERGED_CELLS:,} (a damaged file?)")


def column_letter(column: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26 (the reverse of column_letter)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def cell_ref(row: int, column: int, last_row: int | None = None, last_column: int | None = None) -> str:
    ref = f"{column_letter(column)}{row + 1}"
    if last_row is not None and (last_row, last_column) != (row, column):
        ref += f":{column_letter(last_column)}{last_row + 1}"
    return ref


def add_sheet(out: DocumentBuilder, sheet: Sheet, *, section: bool = False) -> None:
    """The sheet's cells as blocks. A `section` (a workbook of several
    sheets, as a budget system exports one project or form per sheet)
    starts with a heading naming the sheet, so that what follows is read as
    the sheet's own and the next sheet starts anew."""
    if section and any(clean_cell(text) for text in sheet.values.values()):
        out.heading(sheet.name, 1, Location("sheet", sheet=sheet.name))
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in sheet.merged}
    covered = {(r, c) for r0, c0, r1, c1 in sheet.merged for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if (r, c) != (r0, c0)}
    starts = {key: text for key, text in sheet.values.items() if key not in covered and clean_cell(text)}
    rows_used = set()
    for (r, c) in starts:
        row_span, _ = spans.get((r, c), (1, 1))
        rows_used.update(range(r, r + row_span))
    for band in runs(sorted(rows_used)):
        # Tables side by side: the band's columns cut at columns nothing in the band uses.
        columns_used = {c for (r, col) in starts if r in band
                        for c in range(col, col + spans.get((r, col), (1, 1))[1])}
        for columns in runs(sorted(columns_used)):
            part = {key: text for key, text in starts.items() if key[0] in band and key[1] in columns}
            top = min(r for r, _ in part)
            bottom = max(r + spans.get(key, (1, 1))[0] - 1 for key in part for r in (key[0],))
            _add_band(out, sheet, list(range(top, bottom + 1)), part, spans)


def _add_band(out: DocumentBuilder, sheet: Sheet, band: list[int], starts: dict, spans: dict) -> None:
    by_row = {row: sorted(c for (r, c) in starts if r == row) for row in band}
    first_col = min(c for cols in by_row.values() for c in cols)
    last_col = max(c + spans.get((r, c), (1, 1))[1] - 1 for r in band for c in by_row[r])

    def lone(row: int) -> bool:
        """A row of one cell that is no part of a grid: alone in a one-column
        part, or spanning the part's width."""
        cols = by_row[row]
        if len(cols) != 1:
            return False
        row_span, col_span = spans.get((row, cols[0]), (1, 1))
        return row_span == 1 and (first_col == last_col or col_span == last_col - first_col + 1)

    def paragraph(row: int) -> None:
        column = by_row[row][0]
        row_span, col_span = spans.get((row, column), (1, 1))
        ref = cell_ref(row, column, row + row_span - 1, column + col_span - 1)
        out.paragraph(starts[(row, column)], Location("sheet", sheet=sheet.name, ref=ref))

    if all(not by_row[row] or (len(by_row[row]) == 1 and spans.get((row, by_row[row][0]), (1, 1))[0] == 1)
           for row in band):
        for row in band:
            if by_row[row]:
                paragraph(row)
        return
    head = 0
    while head < len(band) and lone(band[head]):
        paragraph(band[head])
        head += 1
    tail = len(band)
    while tail > head and lone(band[tail - 1]):
        tail -= 1
    body = band[head:tail]
    cells = []
    for row in body:
        for column in by_row[row]:
            row_span, col_span = spans.get((row, column), (1, 1))
            row_span = min(row_span, body[-1] - row + 1)
            cells.append(GridCell(starts[(row, column)], row - body[0], column - first_col, row_span, col_span,
                                  location=Location("sheet", sheet=sheet.name,
                                                    ref=cell_ref(row, column, row + row_span - 1, column + col_span - 1))))
    if cells:
        out.table(cells, Location("sheet", sheet=sheet.name,
                                  ref=cell_ref(body[0], first_col, body[-1], last_col)))
    for row in band[tail:]:
        paragraph(row)


# -- values as the sheet shows them --------------------------------------------

_QUOTED = re.compile(r'"([^"]*)"')
_DATE_FORMAT = re.compile(r"[yYdD]|(?<![0#])m{1,4}(?![0#])|年|月|日")


def display(value, number_format: str | None) -> str:
    """A cell's value as the sheet shows it, for the common number formats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if not isinstance(value, (int, float)):
        return str(value)
    fmt = (number_format or "General").split(";")[0]
    literal = "".join(_QUOTED.findall(fmt))
    bare = _QUOTED.sub("", fmt).replace("\\", "")
    if bare.strip().lower() in ("general", "@", ""):
        return _general(value) + literal
    decimals = len(m.group(1)) if (m := re.search(r"\.([0#]+)", bare)) else 0
    if "%" in bare:
        return f"{value * 100:.{decimals}f}%" + literal
    if not re.search(r"[0#]", bare):
        return _general(value) + literal
    grouping = "," if "," in bare.split(".")[0] else ""
    return f"{value:{grouping}.{decimals}f}" + literal


def _general(value: float) -> str:
    """Excel's General format: an integer without decimals, else up to 15 significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def is_date_format(number_format: str | None) -> bool:
    return bool(number_format) and bool(_DATE_FORMAT.search(_QUOTED.sub("", number_format.split(";")[0])))
