"""How each indicator was read, and what the checks of its values found odd.

A researcher weighs a fact by how it was read: a row of a spreadsheet under
its header is as sure as the file, a row rebuilt from a table whose cells ran
together is a guess, a sentence read by a rule is the rule's reading, and
text recognised from a scan may have misread characters. `read_by` names
that (the ontology's pk:read_by values): the extraction step that makes an
indicator sets it, from the table's layout or the rule, and `mark` turns it
into `ocr` where the evidence is text OCR recognised.

`flags` (pk:flags) say what a plausibility check found in what was read: an
actual a thousand times its target, a name that is a heading of the form or
only a number, a verdict of met or not met with nothing to judge it by. A
flagged indicator may still be right; the flag says to look at its evidence
before trusting it. A task's name is checked too (a section heading, a
figure taken for a task).
"""

from __future__ import annotations

import re

from .document import Document, Table
from .model import Extraction, Indicator
from .numbers import UNIT_PATTERN, compatible_units, read_value
from .vocabulary import LEVEL1, LEVEL2, compact, role_of

# Text layouts (Table.layout) that give a table a cell or a field per line,
# or run a whole table into a few lines: its rows are rebuilt from the
# columns' order, not read.
_ROWS_REBUILT = frozenset({"fields", "pipe_cell", "blank_line_cells", "space_dump"})


def table_reading(block, header_found: bool) -> str:
    """How a row of this table block (an ingest.text Block over a document
    Table) is read: under a header found in it, or the form's default columns."""
    table = block.source
    if table is not None and table.layout == "glued":
        return "glued_cells"
    if not header_found:
        return "table_no_header"
    if table is not None and table.location is not None and table.location.kind == "sheet":
        return "spreadsheet"
    if table is not None and table.layout in _ROWS_REBUILT:
        return "table_vertical"
    return "table_header"


def mark(out: Extraction, document: Document) -> None:
    """Set `read_by` to ocr where OCR read the evidence, every indicator's flags and every task's."""
    far = {index for finding in out.findings if finding.rule == "actual_far_from_target"
           for kind, index in finding.concerns if kind == "Indicator"}
    # Most documents hold no OCR text at all: then no evidence need be looked up
    # (for each indicator, every cell of its table).
    ocr = any(_recognised_in(block, 0, len(document.text)) for block in document.blocks)
    for index, indicator in enumerate(out.indicators):
        if ocr and _recognised(document, indicator.evidence.start, indicator.evidence.end):
            indicator.read_by = "ocr"
        indicator.flags = flags(indicator, far_from_target=index in far)
    for task in out.tasks:
        task.flags = name_flags(task.name, headings=_SECTION_HEADING)


def flags(indicator: Indicator, *, far_from_target: bool) -> list[str]:
    """The checks this indicator's values fail, by the ontology's pk:flags names.
    `far_from_target`: the audit found its actual a thousand times off its target."""
    found = ["far_from_target"] if far_from_target and _same_unit(indicator) else []
    found += name_flags(indicator.name)
    if indicator.status in ("met", "not_met") and indicator.completion_rate is None \
            and (indicator.target_text is None or indicator.actual_text is None):
        found.append("status_without_values")
    return found


def name_flags(name: str, headings: re.Pattern | None = None) -> list[str]:
    """What is wrong with a fact's name: a heading of the form (or one of `headings`), or only a value."""
    name = compact(name)
    heading = (_HEADING.fullmatch(name) or LEVEL1.fullmatch(name) or LEVEL2.fullmatch(name)
               or role_of(name) in _HEADER_ROLES or (headings is not None and headings.fullmatch(name)))
    found = ["name_is_heading"] if heading else []
    if _VALUE_NAME.fullmatch(name):
        found.append("name_is_value")
    return found


# Words that head an indicator table or its category columns, never an indicator.
_HEADING = re.compile(r"(?:[一二三四1-4]级|绩效|年度绩效|年度关键|关键|其他)?指标(?:名称|内容)?|(?:绩效)?(?:目标|指标)(?:完成情况)?")
_HEADER_ROLES = frozenset({"level1", "level2", "level3", "name", "target", "actual"})
# The headings of a report's own sections a task list can run into (资金投入情况分析, 项目基本情况).
_SECTION_HEADING = re.compile(r"(?:资金|项目|预算|绩效|部门|单位)\S{0,6}(?:情况分析|情况|概况|分析)")
# A name that is only a number, a unit, or a number and its unit (1179宗, 度, 95%).
_VALUE_NAME = re.compile(rf"[\d.,%％]*(?:{UNIT_PATTERN})?")


def _same_unit(indicator: Indicator) -> bool:
    target, actual = read_value(indicator.target_text, is_target=True), read_value(indicator.actual_text)
    return target is not None and actual is not None and compatible_units(target.unit, actual.unit)


def _recognised(document: Document, start: int, end: int) -> bool:
    """Is any of text[start:end] text OCR recognised (a location with OCR's confidence)?"""
    return any(_recognised_in(block, start, end) for block in document.blocks_in(start, end))


def _recognised_in(block, start: int, end: int) -> bool:
    """Did OCR recognise the block, or a cell of it overlapping text[start:end]?"""
    if block.location is not None and block.location.confidence is not None:
        return True
    return isinstance(block, Table) and any(cell.location is not None and cell.location.confidence is not None
                                            and cell.start < end and start < cell.end for cell in block.cells)
