"""The national forms (项目支出绩效自评表, 部门整体支出绩效自评表, 绩效目标表):
their blocks read from each table's stream of cells, whatever its layout.

- identification: 项目名称, 主管部门, 实施单位 / 资金使用单位, 单位名称 /
  部门名称, each label followed by its value (or `label:value` in one cell);
- funds: a header of 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
  and rows 年度资金总额 / 其中:财政拨款 / 上年结转资金 / 其他资金 under it, read
  by `records.align` so an amount the layout dropped leaves its column
  empty; a `预算数: 2.38` pair outside such a header is read as it stands;
- 年度总体目标: 预期目标 and 实际完成情况, kept on the project;
- 总分 / 自评得分 and 自评等级.

It also says what kind of document this is (`Extraction.kind`) and, for a
form, which department published it: the unit the form names (单位名称,
then 实施单位, then 主管部门), else the publisher a web page names (发文单位,
来源). Indicators are read by `indicators.py` from the same streams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import takewhile

from ..model import Fund, Project
from ..numbers import MONEY_IN_WAN
from ..records import ROWS_RELIABLE, IMPOSSIBLE, Token, align, find_headers, tokens
from ..text import Block
from ..vocabulary import compact, field_of, fund_column_of, fund_row_of
from .context import Context

# Fields whose value is the next cell.
_VALUE_FIELDS = ("project_name", "supervisor", "implementer", "unit_name")
# Fields and words that end a block of the form.
BOUNDARY_FIELDS = frozenset({"self_score", "grade", "goal_block", "funds_block", "project_name", "supervisor",
                             "implementer", "unit_name", "other_notes", "finance_dept"})
_LABEL_IN_CELL = re.compile(
    r"^(?P<label>项目名称|主管部门|主管单位|实施单位|单位名称|部门名称|部门|填报单位|预算单位)\s*[:：]\s*(?P<value>\S.{1,40})$")
_KINDS = [
    ("target_declaration", re.compile(r"绩效目标(?:申报|批复)?表|目标申报表")),
    ("department_form", re.compile(r"部门整体(?:支出)?绩效(?:自评|评价)表|整体(?:支出)?绩效(?:自评|评价)表")),
    ("department_report", re.compile(r"部门整体(?:支出)?绩效(?:自评|评价)报告|整体支出绩效")),
    ("project_form", re.compile(r"项目(?:支出)?绩效(?:自评|评价)表|绩效目标自评表|绩效自评表")),
    ("project_report", re.compile(r"项目(?:支出)?绩效(?:自评|评价)(?:总结)?(?:报告|情况)|绩效自评(?:报告|综述)|绩效评价报告")),
]
# A text about one project speaks of it early on: its overview, budget, targets, or its form's 项目完成指标.
_PROJECT_SUBJECT = re.compile(r"项目(?:概况|基本情况|简介|全年预算|预算数|绩效目标|完成指标)")
_GRADES = re.compile(r"优秀|良好|合格|不合格|优|良|中|差")
_SCORE = re.compile(r"(\d{1,3}(?:\.\d+)?)分?")


@dataclass
class FormReading:
    """What forms.py found, for the indicator step: the project in force at each cell."""

    # (block id, token index, project index): from that cell on, the block is about that project.
    project_marks: list[tuple[int, int, int]]


def extract_forms(ctx: Context) -> None:
    doc, out = ctx.doc, ctx.out
    fields: dict[str, list[tuple[str, Token]]] = {}
    marks: list[tuple[int, int, int]] = []
    for block in doc.text.blocks:
        if block.kind != "table":
            continue
        stream = tokens(block, block.source.layout if block.source is not None else "tab")
        ctx.streams[id(block)] = stream
        if _fund_header(stream) is not None or _is_indicator_form(stream):
            ctx.form_blocks.add(id(block))
        for name, value, label_index in _fields(stream):
            fields.setdefault(name, []).append((stream[label_index].text, value))
            if name == "project_name":
                project = _project(ctx, value)
                marks.append((id(block), label_index, project))
        _funds(ctx, block, stream)
        _goals(ctx, stream, marks, id(block))
        _totals(ctx, stream)
    ctx.project_marks = marks
    ctx.fields = {name: [(label, value.cell.text) for label, value in values] for name, values in fields.items()}
    for project in out.projects:
        project.supervisor = _first(fields, "supervisor")
        project.implementer = _first(fields, "implementer")
    out.kind = _kind(ctx, fields)


def _is_indicator_form(stream: list[Token]) -> bool:
    """An indicator table of the national forms (not a task table of a department's form)."""
    return any("goal_done" not in header.words and header.categories for header in find_headers(stream))


def _first(fields: dict[str, list[tuple[str, Token]]], name: str) -> str | None:
    values = fields.get(name)
    return compact(values[0][1].cell.text) if values else None


def _fields(stream: list[Token]):
    """(field, value token, index of the label) for each labelled value in the stream."""
    for index, token in enumerate(stream):
        # 项目名称 heads a column of a table of projects too: read as a field only before a value.
        label = token.role if token.kind == "field" else field_of(token.text) if token.kind == "header" else None
        if label in _VALUE_FIELDS:
            j = index + 1
            while j < len(stream) and j - index <= 3 and stream[j].kind in ("empty", "dash"):
                j += 1
            if j < len(stream) and stream[j].kind in ("text", "value", "fundword"):
                yield label, stream[j], index
        elif token.kind == "text":
            m = _LABEL_IN_CELL.match(token.text)
            if m:
                name = field_of(m.group("label")) or "unit_name"
                if name in _VALUE_FIELDS:
                    yield name, _sub_token(token, m.start("value")), index


def _sub_token(token: Token, offset_in_compact: int) -> Token:
    """The part of a cell after its label (`部门:XX` -> `XX`), as a token of its own."""
    cell = token.cell
    # The compact text drops spaces; find where the value starts in the cell's own text.
    seen = 0
    position = 0
    for position, char in enumerate(cell.text):
        if seen == offset_in_compact:
            break
        if not char.isspace():
            seen += 1
    start = cell.start + position
    sub = type(cell)(start, cell.end, cell.text[position:].strip(), cell.column, cell.header, cell.source)
    return Token(sub, token.row, False, "text", compact(sub.text))


def _project(ctx: Context, value: Token) -> int:
    out = ctx.out
    name = compact(value.cell.text)
    for index, project in enumerate(out.projects):
        if project.name == name:
            return index
    out.projects.append(Project(name=name, evidence=ctx.doc.evidence(value.cell.start, value.cell.end)))
    return len(out.projects) - 1


def project_at(ctx: Context, block: Block, token_index: int) -> int | None:
    """The project a cell of a block is about: the last project named before it."""
    found = None
    for block_id, index, project in ctx.project_marks:
        if block_id == id(block) and index <= token_index:
            found = project
    if found is None and len(ctx.out.projects) == 1:
        return 0
    return found


# -- funds ------------------------------------------------------------------------


def _funds(ctx: Context, block: Block, stream: list[Token]) -> None:
    header = _fund_header(stream)
    rows_reliable = (block.source.layout if block.source is not None else "tab") in ROWS_RELIABLE
    unit = _money_unit(stream)
    if header is not None:
        start, end, columns = header
        region = stream[end : boundary(stream, end)]
        records = align(region, ["label", *columns], rows_reliable=rows_reliable, required="label",
                        fit=_fund_fit)
        for record in records:
            source = fund_row_of(record.cells["label"][0].text)
            _fund_row(ctx, block, stream, source, record, unit)
    _fund_pairs(ctx, stream, unit)


def _fund_header(stream: list[Token]) -> tuple[int, int, list[str]] | None:
    """(start, end, column kinds) of the first run of three fund column words."""
    index = 0
    while index < len(stream):
        run, j = [], index
        while j < len(stream) and (stream[j].kind in ("empty",) or fund_column_of(stream[j].text)):
            kind = fund_column_of(stream[j].text)
            if kind:
                run.append(kind)
            j += 1
        if len(run) >= 3 and any(k in ("budget", "expenditure") for k in run):
            return index, j, run
        index = j + 1 if j > index else index + 1
    return None


def _fund_fit(role: str, token: Token) -> float:
    if role == "label":
        return 2.0 if token.kind == "fundword" and fund_row_of(token.text) else IMPOSSIBLE
    if token.kind in ("empty", "dash"):
        return 0.3
    if token.kind != "number":
        return IMPOSSIBLE
    percent = token.text.endswith("%")
    if role == "rate":
        return 2.0 if percent else IMPOSSIBLE
    if percent:
        return IMPOSSIBLE
    if role in ("max_score", "score"):
        return 0.8 if _amount(token.text) <= 100 else IMPOSSIBLE
    return 1.0


def _amount(text: str) -> float:
    number = re.match(r"[-+]?\d[\d,]*(?:\.\d+)?", text)
    value = float(number.group(0).replace(",", "")) if number else 0.0
    if "亿" in text:
        value *= 1e4
    return value


_MONEY_UNIT = re.compile(r"[(（:：](万元|元|亿元)[)）]?")


def _money_unit(stream: list[Token]) -> str:
    for token in stream:
        if "资金" in token.text or "单位" in token.text or "预算" in token.text:
            m = _MONEY_UNIT.search(token.text)
            if m:
                return m.group(1)
    return "万元"


def _in_wan(text: str, unit: str) -> float:
    value = _amount(text)
    if "万" in text or "亿" in text:
        return value  # written with its own 万 (150万) or converted above (亿)
    return value * MONEY_IN_WAN.get(unit, 1.0)


def _fund_row(ctx: Context, block: Block, stream: list[Token], source: str | None, record, unit: str) -> None:
    if source is None:
        return
    if source == "carryover":
        kinds_source = ("carryover", "total")
    else:
        kinds_source = (None, source)
    label = record.cells["label"][0]
    project = project_at(ctx, block, stream.index(label))
    evidence_tokens = record.tokens()
    evidence = ctx.doc.evidence(evidence_tokens[0].cell.start, evidence_tokens[-1].cell.end)
    rate = _number(record, "rate")
    max_score, score = _number(record, "max_score"), _number(record, "score")
    for kind in ("initial_budget", "budget", "expenditure"):
        amount_text = record.text(kind)
        if not amount_text:
            continue
        amount = _in_wan(compact(amount_text), unit)
        if amount == 0:
            continue  # a zero row (上年结转资金 0) says nothing
        fund_kind = kinds_source[0] or kind
        ctx.out.funds.append(Fund(kind=fund_kind, source=kinds_source[1], amount=round(amount, 6), evidence=evidence,
                                  project=project, execution_rate=rate if kind == "expenditure" else None,
                                  max_score=max_score if kind == "expenditure" else None,
                                  score=score if kind == "expenditure" else None))
    if source == "total" and rate is not None:
        # the form's own funds row says it, whatever a cell elsewhere said
        ctx.out.execution_rate, ctx.out.execution_rate_evidence = rate, evidence
    # A funds row scored out of 100 carries the form's whole self-score.
    if source == "total" and max_score == 100 and score is not None and ctx.out.self_score is None:
        ctx.out.self_score, ctx.out.self_score_evidence = score, evidence


def _number(record, role: str) -> float | None:
    text = record.text(role)
    if not text:
        return None
    m = re.match(r"[-+]?\d+(?:\.\d+)?", compact(text).replace(",", ""))
    return float(m.group(0)) if m else None


def _fund_pairs(ctx: Context, stream: list[Token], unit: str) -> None:
    """`预算数: | 2.38` and `预算执行率(B/A) | 100%` pairs outside a fund header, and a
    lone `年度资金总额 | 500` (a target declaration's money: its budget)."""
    for index, token in enumerate(stream[:-1]):
        kind = fund_column_of(token.text) if token.kind == "fundword" else None
        if kind is None and token.kind == "fundword" and fund_row_of(token.text) == "total" and _lone_amount(stream, index):
            kind = "budget"
        if kind is None or not token.text.rstrip(":：") or index + 1 >= len(stream):
            continue
        value = next((t for t in stream[index + 1 : index + 3] if t.kind != "empty"), None)
        if value is None or value.kind != "number":
            continue
        if kind == "rate" and value.text.endswith("%"):
            if ctx.out.execution_rate is None:
                ctx.out.execution_rate = _amount(value.text)
                ctx.out.execution_rate_evidence = ctx.doc.evidence(token.cell.start, value.cell.end)
            continue
        if kind in ("budget", "expenditure", "initial_budget") and not value.text.endswith("%"):
            amount = _in_wan(value.text, unit)
            evidence = ctx.doc.evidence(token.cell.start, value.cell.end)
            if amount and not any(f.kind == kind and f.source == "total" and abs(f.amount - amount) < 1e-6
                                  for f in ctx.out.funds):
                ctx.out.funds.append(Fund(kind=kind, source="total", amount=round(amount, 6), evidence=evidence,
                                          project=0 if len(ctx.out.projects) == 1 else None))


def _lone_amount(stream: list[Token], index: int) -> bool:
    """One amount after the label and no other in its row: not a row of a funds table whose
    columns were not recognised (年度资金总额 | 300 | 320 | 288)."""
    row = stream[index].row
    values = [t for t in takewhile(lambda t: t.row == row, stream[index + 1 :]) if t.kind != "empty"]
    return len(values) == 1 and values[0].kind == "number"


def boundary(stream: list[Token], start: int, *, at_headers: bool = True) -> int:
    """Where the block that starts at `start` ends: at the next form field, or
    (with at_headers) at the next header word of another table."""
    for index in range(start, len(stream)):
        token = stream[index]
        if token.kind == "field" and token.role in BOUNDARY_FIELDS - {"funds_block"}:
            return index
        if at_headers and token.kind == "header" and token.role in ("level1", "level2", "level3", "goal", "goal_done",
                                                                      "name"):
            return index
    return len(stream)


# -- goals and totals ----------------------------------------------------------------


def _goals(ctx: Context, stream: list[Token], marks, block_id: int) -> None:
    for index, token in enumerate(stream):
        if not (token.kind == "field" and token.role == "goal_block"):
            continue
        texts = []
        for following in stream[index + 1 : boundary(stream, index + 1) + 4]:
            if following.kind == "header" and following.role in ("goal", "goal_done", "actual"):
                continue  # 预期目标 | 实际完成情况: the block's own column heads
            if following.kind == "field" or (following.kind == "header" and following.role):
                break
            if following.kind in ("text", "value") and len(following.text) >= 6:
                texts.append(following)
        if not texts:
            continue
        project = None
        for mark_block, mark_index, mark_project in marks:
            if mark_block == block_id and mark_index <= index:
                project = mark_project
        if project is None and len(ctx.out.projects) == 1:
            project = 0
        if project is not None:
            target = ctx.out.projects[project]
            target.goal = target.goal or texts[0].cell.text
            if len(texts) > 1:
                target.goal_result = target.goal_result or texts[1].cell.text
        ctx.goal_cells.extend(t.cell for t in texts)


def _totals(ctx: Context, stream: list[Token]) -> None:
    out = ctx.out
    for index, token in enumerate(stream):
        if token.kind == "field" and token.role == "self_score":
            numbers = []
            last = token  # the last number read: the evidence runs from the field to it
            for following in stream[index + 1 : index + 8]:
                if following.kind == "number" and not following.text.endswith("%"):
                    numbers.append(_amount(following.text))
                    last = following
                elif following.kind in ("value", "text") and _GRADES.fullmatch(following.text):
                    out.self_grade = out.self_grade or following.text
                elif following.kind == "header" or (following.kind == "field" and following.role != "grade"):
                    if numbers:
                        break
            # 总分 | 100 | 96: the maximum, then the score
            if len(numbers) >= 2 and numbers[0] == 100 and numbers[1] <= 100:
                score = numbers[1]
            elif numbers and numbers[0] <= 100:
                score = numbers[0]
            else:
                continue
            out.self_score = score
            out.self_score_evidence = ctx.doc.evidence(token.cell.start, last.cell.end)
        elif token.kind == "field" and token.role == "grade":
            following = next((t for t in stream[index + 1 : index + 3] if t.kind != "empty"), None)
            if following is not None and _GRADES.fullmatch(following.text):
                out.self_grade = following.text


# -- who and what ------------------------------------------------------------------------


def _kind(ctx: Context, fields) -> str:
    out = ctx.out
    head = compact(ctx.doc.text.norm[:600])
    for kind, pattern in _KINDS:
        if pattern.search(head):
            return kind
    if not out.names_the_genre:
        return "other"  # a work summary, a speech, news or a progress table that states plans against results
    has_project = bool(out.projects) or "project_name" in fields or bool(_PROJECT_SUBJECT.search(head))
    has_table = any(find_headers(stream) for stream in ctx.streams.values())
    if has_table:
        return "project_form" if has_project else "department_form"
    return "project_report" if has_project else "department_report"
