"""Money: budgets, expenditures, adjustments, carry-overs, by source, in 万元.

A sentence that speaks of the budget (预算, 执行数, 结转 ...) is read amount by
amount. Each amount's label is the text since the previous amount: it names
the kind (年初预算, 调整后预算, 执行数, 基本支出, 结转和结余 ...) and the source
(一般公共预算, 政府性基金, 国有资本经营, 其他资金, 财政拨款). A label that only
says 其中 + a source splits the amount before it, so it keeps that kind. A
sentence that starts with a project's name (疫情防控项目全年预算数…) gives
that project's funds. The form's 部门资金情况 rows are read as label | value
pairs, with 其中 splitting the label above it in the same column.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Fund, Task
from ..numbers import MONEY_IN_WAN, parse_number, quantities
from ..outline import under
from ..tables import NUMERIC, compact
from .context import Context

_BUDGET_WORDS = re.compile(r"预算|执行数|决算|结转|结余|财政拨款|支出数|实际支出|基本支出|项目支出"
                           r"|下达|资金计划|项目资金|资金总额|总投资|已使用|已拨付|完成拨付|已支出")
_SOURCES = [
    ("general_public_budget", re.compile(r"一般公共预算(?:财政拨款)?(?:资金)?")),
    ("government_fund_budget", re.compile(r"政府性基金(?:预算)?(?:财政拨款)?(?:资金)?")),
    ("state_capital_budget", re.compile(r"国有资本经营(?:预算)?(?:财政拨款)?(?:资金)?")),
    ("other", re.compile(r"其他资金|其他收入")),
    ("fiscal_appropriation", re.compile(r"财政拨款(?:资金)?")),
]
# Kinds by label, most specific first (年初预算 before 预算, 基本支出 before 支出).
_KINDS = [
    ("initial_budget", re.compile(r"年初(?:批复的?)?(?:部门)?(?:整体支出)?预算")),
    ("carryover", re.compile(r"结转和?结余|结余|结转")),
    ("basic_expenditure", re.compile(r"基本支出")),
    ("project_expenditure", re.compile(r"项目支出")),
    ("adjustment", re.compile(r"调整(?:额|数|金额)|调整预算(?!后)|预算调整(?![后率])|追加|调增|调减")),
    ("budget", re.compile(r"(?:调整后|全年|年度|整体)?预算(?:数|金额|总额)?")),
    ("expenditure", re.compile(r"执行数|实际支出|支出数|决算数|支出(?:金额|总额)?|执行|已使用|已拨付|完成拨付")),
    # A project's money as its narrative states it: granted (下达), planned or approved in total.
    ("budget", re.compile(r"下达|资金计划|项目资金(?:共|合计|共计)?$|资金总额|批复总投资|项目总投资")),
]
_NOT_FUND = re.compile(r"收入|完成率|执行率|调整率|罚款|补贴|帮扶|(?<!总)投资|产值|营业|税收|金额达")
_PROJECT = re.compile(r"^(?P<name>[\u4e00-\u9fa5“”\"()（）]{2,24}?项目)(?=全年|年度|预算|总预算|资金|安排|支出)")
_UNIT_NOTE = re.compile(r"单位\s*[:：]\s*(万元|元|亿元)")


def extract_funds(ctx: Context) -> None:
    doc = ctx.doc
    found: list[Fund] = _column_tables(ctx)
    for block, segment in doc.table_segments:
        if id(block) in ctx.form_blocks:
            continue  # read as a form's funds block (forms.py)
        if segment.label and re.search(r"资金|预算|收支", segment.label):
            found.extend(_form_rows(ctx, segment, _table_unit(ctx, block)))
    for block in doc.text.paragraphs():
        if under(doc.node_of(block), "measures"):
            continue  # next year's plans are not this year's money
        for sentence in doc.sentences(block.start, block.end):
            norm = doc.norm(sentence.start, sentence.end)
            if _BUDGET_WORDS.search(norm):
                found.extend(_sentence(ctx, sentence.start, sentence.end))
    seen = {(f.kind, f.source, round(f.amount, 4), f.task) for f in ctx.out.funds}
    for fund in found:
        key = (fund.kind, fund.source, round(fund.amount, 4), fund.task)
        if key not in seen:
            seen.add(key)
            ctx.out.funds.append(fund)


def _source(label: str) -> tuple[str | None, str]:
    """The source a label names, and the label without the source's words."""
    for source, pattern in _SOURCES:
        m = pattern.search(label)
        if m:
            return source, label[: m.start()] + label[m.end() :]
    return None, label


def _kind(label: str) -> str | None:
    if _NOT_FUND.search(label):
        return None
    for kind, pattern in _KINDS:
        if pattern.search(label):
            return kind
    return None


def _sentence(ctx: Context, start: int, end: int) -> list[Fund]:
    doc, out = ctx.doc, ctx.out
    norm = doc.norm(start, end)
    amounts = [q for q in quantities(norm, need_unit=True) if q.unit in MONEY_IN_WAN]
    if not amounts:
        return []
    project = _PROJECT.match(compact(norm))
    task = _project_task(ctx, project.group("name"), start, end) if project else None
    source, kind, budget_side = "total", None, False
    funds = []
    previous_end = 0
    for q in amounts:
        # The label is the clause the amount closes: 完成率 91.1%；其他资金全年预算数.
        label = re.split(r"[，,；;]", norm[previous_end : q.start])[-1]
        previous_end = q.end
        label_source, rest = _source(label)
        if label_source:
            source = label_source
        label_kind = _kind(rest)
        if label_kind is None:
            if _NOT_FUND.search(label) or not (re.search(r"其中", label) or label_source) or kind is None:
                continue
            label_kind = kind  # 其中 + a source: a split of the amount before
        elif label_kind in ("basic_expenditure", "project_expenditure") and budget_side:
            continue  # the initial budget's basic/project split is not an expenditure
        if label_kind in ("initial_budget", "budget"):
            budget_side = True
        elif label_kind != kind:
            budget_side = False
        kind = label_kind
        value, _ = q.in_unit()
        funds.append(Fund(kind=kind, source=source, amount=round(value, 6),
                          evidence=doc.evidence(start, end), task=task))
    return funds


def _project_task(ctx: Context, name: str, start: int, end: int) -> int:
    """The project a sentence gives funds for, as a Task of kind project."""
    out = ctx.out
    for index, task in enumerate(out.tasks):
        if task.name == name:
            return index
    out.tasks.append(Task(name=name, kind="project", evidence=ctx.doc.evidence(start, end)))
    return len(out.tasks) - 1


def _table_unit(ctx: Context, block) -> str:
    """The unit a form states (单位: 万元) in the lines just before it."""
    text = ctx.doc.text
    before = text.norm[max(0, block.start - 200) : block.start]
    m = _UNIT_NOTE.search(before) or _UNIT_NOTE.search(text.norm[block.start : block.end])
    return m.group(1) if m else "万元"


def _form_rows(ctx: Context, segment, unit: str) -> list[Fund]:
    doc = ctx.doc
    funds = []
    labels_above: dict[int, str] = {}
    for row in segment.rows:
        texts = [compact(c.text) for c in row.cells]
        for i in range(len(texts) - 1):
            label, value = texts[i], texts[i + 1]
            if not label or NUMERIC.match(label) or not NUMERIC.match(value) or value.endswith("%"):
                continue
            source, rest = _source(label)
            kind = _kind(rest)
            if kind is None and label.startswith("其中") and i in labels_above:
                kind = _kind(_source(labels_above[i])[1])
            if kind is None:
                continue
            labels_above[i] = label
            amount = parse_number(value) * MONEY_IN_WAN[unit]
            cell_start, cell_end = row.cells[i].start, row.cells[i + 1].end
            funds.append(Fund(kind=kind, source=source or "total", amount=round(amount, 6),
                              evidence=doc.evidence(cell_start, cell_end)))
    return funds


# The budget table of the national form: one column per kind, one row per source.
#   年度预算执行情况（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
#   年度资金总额            | 56,780.00 | 60,120.50 | 58,316.89 | 10  | 97.00% | 9.70
#   其中：当年财政拨款       | …
_COLUMN_KINDS = [
    ("initial_budget", re.compile(r"年初预算(?:数|金额)?")),
    ("adjustment", re.compile(r"(?:预算)?调整(?:数|额|金额)|调整预算(?:数)?")),
    ("budget", re.compile(r"(?:全年|调整后|年度)?预算(?:数|金额)")),
    ("expenditure", re.compile(r"(?:全年)?执行数|(?:全年)?实际支出(?:数)?|决算数|(?:全年)?支出数")),
]
_RATE_COLUMN = re.compile(r"(?:预算)?(?:执行率|完成率)")
_TOTAL_ROW = re.compile(r"(?:年度)?(?:资金|预算)?(?:总额|合计|总计)|合计|总计")


@lru_cache(maxsize=8192)  # asked of every cell of every table, as a header candidate
def _column_kind(text: str) -> str | None:
    for kind, pattern in _COLUMN_KINDS:
        if pattern.fullmatch(text):
            return kind
    return None


def _column_tables(ctx: Context) -> list[Fund]:
    doc, out = ctx.doc, ctx.out
    funds = []
    for block in doc.text.blocks:
        if block.kind != "table" or id(block) in ctx.form_blocks:
            continue
        rows = block.rows
        for index, header in enumerate(rows):
            texts = [compact(c.text) for c in header.cells]
            kinds = {i: kind for i, text in enumerate(texts) if (kind := _column_kind(text))}
            if len(kinds) < 2 or any(NUMERIC.match(t) for t in texts):
                continue
            rate_column = next((i for i, t in enumerate(texts) if _RATE_COLUMN.fullmatch(t)), None)
            unit = _UNIT_NOTE.search("单位:" + texts[0].split("(")[-1].split("（")[-1]) if texts else None
            to_wan = MONEY_IN_WAN[unit.group(1) if unit else _table_unit(ctx, block)]
            for row in rows[index + 1 :]:
                cells = [compact(c.text) for c in row.cells]
                if not any(NUMERIC.match(cells[i]) for i in kinds if i < len(cells)):
                    break  # past the budget rows
                label = next((c for c in cells if c), "")
                source = "total" if _TOTAL_ROW.fullmatch(re.sub(r"^其中[:：]?", "", label)) else _source(label)[0]
                if source is None:
                    continue  # 上年结转资金 and the like: not a source of the graph contract
                for i, kind in kinds.items():
                    if i < len(cells) and NUMERIC.match(cells[i]) and not cells[i].endswith("%"):
                        funds.append(Fund(kind=kind, source=source,
                                          amount=round(parse_number(cells[i]) * to_wan, 6),
                                          evidence=doc.evidence(row.start, row.end)))
                if source == "total" and rate_column is not None and rate_column < len(cells) \
                        and out.execution_rate is None:
                    rate = re.fullmatch(r"(\d+(?:\.\d+)?)%?", cells[rate_column])
                    if rate:
                        out.execution_rate = float(rate.group(1))
                        out.execution_rate_evidence = doc.evidence(row.start, row.end)
    return funds
