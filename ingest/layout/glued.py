"""Glued cells (GL): a Word or Excel preview copied with no separator at all,
a whole form run together (`一级指标二级指标三级指标年度 指标值…产出指标数量指标
更新剧团老化、损坏的音50件50件2020`).

Nothing marks a cell's end, so cells are cut where the genre's own words and
values are: the form's labels and column heads (spaces a narrow cell put
inside them allowed), a value with its unit (50件, 100%, 2万元), a
qualitative value (合格), a run of digits; the text between two of them is
one cell. A line is glued when it is long, holds no delimiter, and holds
enough of the form's words.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..chars import normalise
from ..document import Cell, Document, Line, Table
from .. import national_form
from ..numbers import UNIT_PATTERN
from .locations import span_location

# The forms' fixed words, as literals: the national form's own (ingest.national_form),
# then the variants other templates write that the parser reads too.
FORM_WORDS = tuple(dict.fromkeys(national_form.words() + tuple("""
年度指标值 实际完成值 全年完成值 全年实际完成值 偏差原因分析及改进措施 未完成原因分析
指标名称 计量单位 度量单位 指标性质 指标值 指标权重 指标得分 分值 得分 说明 权重 预期值 目标值 计划值 标准值 完成值
全年实际值 实际值 实施进度 完成进度 指标完成情况 偏差原因
项目资金 全年执行 当年财政拨款 财政拨款 自评总分
""".split())))
_SPACED_WORD = "|".join("\\s*".join(map(re.escape, word)) for word in sorted(FORM_WORDS, key=len, reverse=True))
_VALUE = (r"(?:[≥≤=＝><])?(?:19|20)\d\d年\d{1,2}月(?:\d{1,2}日)?(?:前|底|末)?|"  # a date is one value
          rf"(?:[≥≤=＝><]|不低于|不少于|不高于|不超过)?\d[\d,]*(?:\.\d+)?(?:(?:万|亿)(?:{UNIT_PATTERN})?|{UNIT_PATTERN})"
          r"(?:/[\u4e00-\u9fa5]{1,2})?(?:以上|以下|以内)?")
# A qualitative value is a cell of its own only where a cut follows it (a digit,
# another value, the line's end): 及时 inside 资金拨付及时率 or 未及时到位 is no cell.
_QUALITIES = (r"不合格|合格|未完成|已完成|完成|达标|有效|优秀|良好|优|良|清零|归零|按时|及时|健全|逐步完善|完善"
              r"|(?:全[区市县省])?(?:前|第)[一二三四五六七八九十\d]{1,2}(?:名|位)?")
_WORD_VALUE = rf"(?:{_QUALITIES})(?=\d|[≥≤=><]|{_QUALITIES}|$)"
# A column head's bracketed tag stays with it: 实际完成值（B）, 项目资金（万元）.
_TAG = r"(?:[(（](?:[A-Za-z/÷]{1,5}|万元|元|分|%)[)）])?"
CELL = re.compile(rf"(?P<word>(?:{_SPACED_WORD}){_TAG}|指标\s*\d{{1,2}}\s*[:：])|(?P<value>{_VALUE})|(?P<qual>{_WORD_VALUE})|(?P<digits>\d+(?:\.\d+)*(?![、.．]\D)(?!\s*[、．]))")  # 2、灯光: an item's number, no cell
_DELIMITERS = re.compile(r"[\t|]|\s+")
# The column heads of an indicator table: prose names three of them in one line hardly ever.
COLUMN_HEADS = frozenset("一级指标 二级指标 三级指标 年度指标值 实际完成值 全年完成值 全年实际完成值 指标名称 计量单位 "
                         "度量单位 指标性质 指标值 指标权重 指标得分 全年实际值 实施进度".split())
MIN_LENGTH = 120
MIN_COLUMN_HEADS = 3


def glued_tables(document: Document, lines: Sequence[Line]) -> list[Table]:
    text = document.text
    tables: list[Table] = []
    run: list[Line] = []

    def close() -> None:
        if run:
            tables.append(_table(document, list(run)))
            run.clear()

    for line in lines:
        content = text[line.start : line.end]
        # The rows under a glued header line are glued too, shorter and with fewer of the form's words.
        if _glued(content) or run and _glued_row(content):
            run.append(line)
        else:
            close()
    close()
    return tables


def _glued_row(content: str) -> bool:
    """A row of a glued table: no delimiter between its cells, and a value among them."""
    norm = normalise(content).strip()
    if len(norm) < 4 or len(_DELIMITERS.findall(_WORD_AT.sub("", norm))) > len(norm) // 40:
        return False
    return any(m.group("value") or m.group("digits") or m.group("qual") for m in CELL.finditer(norm))


def _glued(content: str) -> bool:
    """A glued line: a long run of the form with its column heads, or a header
    row of column heads alone (绩效指标一级指标二级指标三级指标年度指标值…)."""
    # Cheap tests first: most long lines are prose, with spaces or few column heads.
    if content.count("指标") < MIN_COLUMN_HEADS:
        return False
    if len(content) < MIN_LENGTH:
        norm = normalise(content).strip()
        words = "".join(m.group(0) for m in _WORD_AT.finditer(norm))
        glued_together = not _DELIMITERS.search(_WORD_AT.sub("", norm))
        return glued_together and len(words) >= 0.7 * len(norm) and _glued_heads(norm)
    norm = normalise(content)
    words = [m for m in CELL.finditer(norm) if m.group("word")]
    # Spaces a narrow cell put inside its own words (年度 指标值) separate nothing.
    outside = _WORD_AT.sub("", norm)
    if len(_DELIMITERS.findall(outside)) > len(content) // 40:
        return False
    return len({re.sub(r"\s", "", m.group("word")) for m in words} & COLUMN_HEADS) >= MIN_COLUMN_HEADS


def _glued_heads(norm: str) -> bool:
    words = {re.sub(r"\s", "", m.group("word")) for m in CELL.finditer(norm) if m.group("word")}
    return len(words & COLUMN_HEADS) >= MIN_COLUMN_HEADS


_WORD_AT = re.compile(rf"(?:{_SPACED_WORD})")
_CJK = re.compile(r"[\u4e00-\u9fa5]")


def _starts_a_word(text: str, position: int) -> bool:
    return bool(_WORD_AT.match(text, position))


def _joined(text: str, lines: list[Line]) -> list[Line]:
    """Lines as rows: a line ending inside a list (音响、) goes on in the next one."""
    rows: list[Line] = []
    for line in lines:
        if rows and text[rows[-1].start : rows[-1].end].rstrip().endswith(("、", "，", ",")):
            rows[-1] = Line(rows[-1].start, line.end, rows[-1].location)
        else:
            rows.append(line)
    return rows


def _table(document: Document, lines: list[Line]) -> Table:
    text = document.text
    cells: list[Cell] = []
    for row, line in enumerate(_joined(text, lines)):
        norm = normalise(text[line.start : line.end])
        spans: list[tuple[int, int]] = []
        cursor = 0
        position = 0
        while (m := CELL.search(norm, position)) is not None:
            end = m.end()
            if m.group("value") and _starts_a_word(norm, end - 1):
                end -= 1  # 10098项目名称: the 项 is the label's, not a unit
            elif m.group("value") and _CJK.match(norm, end - 1) and not _CJK.match(norm, end - 2) \
                    and _CJK.match(norm, end) and not _starts_a_word(norm, end):
                end -= 1  # 17.5部分资金未到位: a one-character unit before more words is the sentence's
            if m.start() > cursor:
                spans.append((cursor, m.start()))  # the text between two of the form's own cuts
            spans.append((m.start(), end))
            cursor = position = max(end, m.start() + 1)
        if cursor < len(norm):
            spans.append((cursor, len(norm)))
        column = 0
        for start, end in spans:
            while start < end and norm[start] in " \u3000，,、\n":
                start += 1
            while end > start and norm[end - 1] in " \u3000，,、\n":
                end -= 1
            if end > start:
                cells.append(Cell(line.start + start, line.start + end, row, column,
                                  location=span_location(lines, line.start + start, line.start + end)))
                column += 1
    return Table(lines[0].start, lines[-1].end, cells, "glued", span_location(lines, lines[0].start, lines[-1].end))
