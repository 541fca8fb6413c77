"""Tab tables: header rows, column roles and the labelled sections of a form.

A PDF table comes out as tab-separated rows, with merged cells printed once
(the other rows have an empty cell, or no cell at all, in their place), header
rows repeated after page breaks and rows cut in two by a page break. A table
block is cut into segments: each starts at a header row (whose cells name the
columns' roles) or at a form label in the first column (部门名称, 年度关键指标,
存在问题 ...); the rows after it are the segment's data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import Block, Row
from .vocabulary import compact, role_of

__all__ = ["FORM_LABELS", "NUMERIC", "Segment", "compact", "form_label", "header_roles", "role_of", "segments"]

# First-column labels of the standard 自评表 form.
FORM_LABELS = re.compile(
    r"部门名称|单位名称|预算单位|部门资金情况|资金情况|年度(?:整体|总体)?目标|整体目标|年度关键指标|年度绩效指标"
    r"|绩效指标|存在(?:的)?问题|(?:改进|整改)措施|评价结论|自评结论|自评得分|总分|自评等级"
)

NUMERIC = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")


def header_roles(row: Row) -> list[str | None] | None:
    """The roles of a header row's cells, or None if the row holds data."""
    texts = row.texts
    roles = [role_of(t) for t in texts]
    named = [r for r in roles if r]
    data = [t for t, r in zip(texts, roles) if t and r is None]
    if len(named) < 2 or any(NUMERIC.match(compact(t)) for t in data):
        return None
    # A first cell naming the form section (年度关键指标) is a label, not a
    # column, when another cell names the same role.
    if texts and FORM_LABELS.fullmatch(compact(texts[0])) and roles[0] in roles[1:]:
        roles[0] = "label"
    elif texts and FORM_LABELS.fullmatch(compact(texts[0])) and roles[0] is None:
        roles[0] = "label"
    while roles and roles[-1] is None:  # trailing empty cells are no columns
        roles.pop()
    return roles


@dataclass
class Segment:
    roles: list[str | None] | None  # None: a labelled form section without a header
    label: str | None
    header: Row | None
    rows: list[Row] = field(default_factory=list)

    def has(self, *roles: str) -> bool:
        return self.roles is not None and all(r in self.roles for r in roles)

    def column(self, role: str) -> int | None:
        if self.roles is None or role not in self.roles:
            return None
        return self.roles.index(role)


def form_label(row: Row) -> str | None:
    first = compact(row.cells[0].text) if row.cells else ""
    return first if first and FORM_LABELS.fullmatch(first) else None


def segments(block: Block) -> list[Segment]:
    found: list[Segment] = []
    for row in block.rows:
        roles = header_roles(row)
        if roles is not None:
            # A header repeated after a page break continues the segment.
            if found and found[-1].roles == roles:
                continue
            label = compact(row.cells[0].text) if roles and roles[0] == "label" else None
            found.append(Segment(roles, label, row))
            continue
        label = form_label(row)
        if label and not (found and found[-1].label == label):
            found.append(Segment(None, label, None, [row]))
            continue
        if not found:
            found.append(Segment(None, None, None))
        found[-1].rows.append(row)
    return found
