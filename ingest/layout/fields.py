"""Vertical tables: one field per line, `label：value`, a record per indicator.

A form exported as a list of fields (a web page's card view, a PDF of a
record-per-row report) writes each indicator as lines

    三级指标：培训人次
    年度指标值：≥500人次
    实际完成值：520人次

the labels being the column heads of the national form's indicator table. A
run of such lines with a name field and a value field becomes a Table: a
header row of the labels as the first record writes them, then a row per
record, a field a record leaves out (or writes empty) an empty cell. A record
ends where a label comes again or a blank line falls.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..document import Cell, Document, Line, Location, Table
from ..vocabulary import role_of

_FIELD_LINE = re.compile(r"^[ \t]*(?P<label>[^：:\s|]{2,14})[ \t]*[：:][ \t]*(?P<value>[^\n]*?)[ \t]*$")
# The indicator table's column heads that a vertical record is made of.
_ROLES = frozenset({"level1", "level2", "level3", "name", "operator", "target", "unit", "actual", "max_score",
                    "score", "reason"})
_NAMES = frozenset({"level3", "name"})
_VALUES = frozenset({"target", "actual"})


def field_tables(document: Document, lines: Sequence[Line]) -> list[Table]:
    tables: list[Table] = []
    run: list[tuple[Line, str, tuple[int, int], tuple[int, int]]] = []  # (line, role, label span, value span)

    def close() -> None:
        roles = {role for _, role, _, _ in run}
        if roles & _NAMES and roles & _VALUES and len(run) >= 3:
            tables.append(_table(run))
        run.clear()

    text = document.text
    for line in lines:
        content = text[line.start : line.end]
        m = _FIELD_LINE.match(content)
        role = _role(m.group("label")) if m else None
        if role is None:
            if content.strip():  # a blank line ends a record, not the table
                close()
            continue
        run.append((line, role, (line.start + m.start("label"), line.start + m.end("label")),
                    (line.start + m.start("value"), line.start + m.end("value"))))
    close()
    return tables


def _role(label: str) -> str | None:
    role = role_of(label)
    return role if role in _ROLES else None


def _table(run: list[tuple[Line, str, tuple[int, int], tuple[int, int]]]) -> Table:
    records: list[list[tuple[Line, str, tuple[int, int], tuple[int, int]]]] = []
    for field in run:
        if not records or any(f[1] == field[1] for f in records[-1]):
            records.append([])
        records[-1].append(field)
    # The header: every role in the order the records write them, each label where it first stands.
    header: list[tuple[str, tuple[int, int], Line]] = []
    for record in records:
        for line, role, label, _ in record:
            if role not in (h[0] for h in header):
                header.append((role, label, line))
    cells = [Cell(label[0], label[1], 0, column, header=True, location=line.location)
             for column, (_, label, line) in enumerate(header)]
    for row, record in enumerate(records, start=1):
        by_role = {role: (value, line) for line, role, _, value in record}
        last_end, last_line = record[-1][3][1], record[-1][0]
        for column, (role, _, _) in enumerate(header):
            value, line = by_role.get(role, ((last_end, last_end), last_line))
            cells.append(Cell(value[0], value[1], row, column, location=line.location))
    first, last = run[0][0], run[-1][0]
    location = None
    if first.location is not None and first.location.line is not None:
        location = Location(first.location.kind, line=first.location.line,
                            end_line=last.location.line if last.location else None, page=first.location.page)
    return Table(first.start, last.end, cells, "fields", location)
