"""How the command line prints a query's rows to a person: a table when it
fits the terminal, else one record per row (each column's name beside its
value, as psql's \\x prints them), only the columns asked for, and a text the
row already shows (the evidence of a duty is its text) said once."""

from __future__ import annotations

import json
import re
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

# A table column is not drawn narrower than this (cells), nor wider when it
# holds long texts: a table that needs more than the terminal is shown as records.
MIN_COLUMN = 6
MAX_COLUMN = 30

FORMATS = ("table", "records", "json", "csv")


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def choose(columns: list[str], rows: list[list], wanted: list[str] | None) -> tuple[list[str], list[list]]:
    """The columns `wanted`, in that order (all when None); ValueError naming
    any the answer does not have."""
    if not wanted:
        return columns, rows
    unknown = [name for name in wanted if name not in columns]
    if unknown:
        raise ValueError(f"no column {', '.join(map(repr, unknown))} in the answer; its columns are {', '.join(columns)}")
    where = [columns.index(name) for name in wanted]
    return list(wanted), [[row[i] for i in where] for row in rows]


def _squeezed(value: Any) -> str:
    return re.sub(r"\s+", "", text(value))


def said_once(columns: list[str], row: list) -> list[str]:
    """The row's cells as text, a long cell that repeats an earlier one of the
    row (whitespace aside) replaced by a pointer to it."""
    cells, seen = [], {}
    for column, value in zip(columns, row):
        squeezed = _squeezed(value)
        if len(squeezed) > 12 and squeezed in seen:
            cells.append(f"(= {seen[squeezed]})")
            continue
        seen.setdefault(squeezed, column)
        cells.append(text(value))
    return cells


def fits(columns: list[str], rows: list[list[str]], width: int) -> bool:
    """Whether a table of these cells fits `width` cells without a column
    squeezed below MIN_COLUMN or a short value broken."""
    needed = 1
    for i, column in enumerate(columns):
        longest = max([cell_len(column)] + [cell_len(row[i]) for row in rows])
        needed += max(MIN_COLUMN, min(longest, MAX_COLUMN)) + 3
    return needed <= width


def table(console: Console, columns: list[str], rows: list[list[str]]) -> None:
    grid = Table(show_lines=False)
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*row)
    console.print(grid)


def records(console: Console, columns: list[str], rows: list[list[str]]) -> None:
    """One block per row: its number, then each column with a value, a long
    value wrapped beside its name (not under it)."""
    name_width = max(map(cell_len, columns), default=0)
    value_width = max(MAX_COLUMN, console.width - name_width - 3)
    for number, row in enumerate(rows, 1):
        console.print(f"-[ {number} ]" + "-" * max(0, min(console.width, 60) - len(str(number)) - 5), style="bold",
                      markup=False, highlight=False)
        for column, value in zip(columns, row):
            if value == "":
                continue
            lines = [piece.plain.rstrip() for line in value.split("\n")
                     for piece in Text(line).wrap(console, value_width, overflow="fold")] or [""]
            name = column + " " * (name_width - cell_len(column)) + " │ "
            for gutter, line in zip([name] + [" " * (name_width + 1) + "│ "] * len(lines), lines):
                console.print(gutter + line, markup=False, highlight=False, soft_wrap=True)


def show(console: Console, columns: list[str], rows: list[list], output_format: str | None) -> str:
    """Print rows as a table or as records (`output_format` None: a table when
    it fits the terminal); returns the format used."""
    cells = [said_once(columns, row) for row in rows]
    if output_format is None:
        output_format = "table" if fits(columns, cells, console.width) else "records"
    (table if output_format == "table" else records)(console, columns, cells)
    return output_format
