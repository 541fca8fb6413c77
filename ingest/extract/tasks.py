"""Key tasks of the year (重点工作任务 / 主要任务).

From a task table when there is one (任务名称 | 任务绩效目标, or the form's
主要任务 | 预期目标 | 目标完成情况 | 关键指标 | 指标完成情况 | 任务涉及资金, whose
indicators and funds are read here too, since they belong to the row groups);
else from the numbered items of the tasks section, its inline enumeration
(一是…二是), or the numbered parts of the section that reports on each task
(各项工作任务绩效目标完成情况).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Fund, Indicator, Task
from ..numbers import parse_number, read_value
from ..outline import Node, inline_items, sections
from ..status import judge
from ..tables import NUMERIC, Segment, compact
from ..text import Block, Cell, Row
from .context import Context
from .statements import CATEGORY, measure_name, plan_facts, tidy

_MAX_NAME = 60
# Canonical order of the 财政部 categories: a task's rows start again from the
# top when a new row group begins.
_CATEGORY_ORDER = ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
                   "可持续影响指标", "满意度指标", "服务对象满意度指标"]


def extract_tasks(ctx: Context) -> None:
    doc, out = ctx.doc, ctx.out
    for block, segment in doc.table_segments:
        if segment.has("task"):
            _task_table(ctx, block, segment)
    if out.tasks:
        return
    section = _innermost(sections(ctx.doc.outline, "tasks"))
    if section is not None:
        _numbered_tasks(ctx, section)
    if not out.tasks:
        # The parts of 各项工作任务绩效目标完成情况 name the tasks; their text
        # reports results, so it is not taken as the tasks' goals.
        for results in sections(doc.outline, "task_results"):
            if results.children:
                _numbered_tasks(ctx, results, with_goals=False)
                break
    _link_result_sections(ctx)


def _innermost(found: list[Node]) -> Node | None:
    """The deepest tasks section: 年度总体工作和重点工作任务 may hold 部门年度重点工作任务."""
    for node in found:
        inner = [n for n in node.walk() if n is not node and n.has("tasks")]
        if inner:
            return inner[-1]
        return node
    return None


def task_name(text: str) -> str:
    name = tidy(text).rstrip("。.；;，, ")
    return name


def _numbered_tasks(ctx: Context, section: Node, *, with_goals: bool = True) -> None:
    doc, out = ctx.doc, ctx.out
    items = [c for c in section.children if not c.kinds]
    if items:
        for child in items:
            start, end = child.span(doc.text)
            title_end = child.title_end(doc.text)
            goal = (tidy(doc.clean(title_end, end).lstrip("。.：: ")) or None) if with_goals else None
            out.tasks.append(Task(name=task_name(child.title(doc.text)), goal=goal,
                                  evidence=doc.evidence(child.block.start, child.block.end)))
            ctx.task_of_node[id(child)] = len(out.tasks) - 1
        return
    for block in (b for b in section.body if b.kind == "paragraph"):
        norm = doc.norm(block.start, block.end)
        enumeration = inline_items(norm)
        if not enumeration:
            continue
        for s, e in enumeration:
            item = doc.clean(block.start + s, block.start + e)
            name = re.sub(r"^[一二三四五六七八九十]+是", "", item)
            name = re.split(r"[；;。]", name)[0]
            out.tasks.append(Task(name=task_name(name), evidence=doc.evidence(block.start + s, block.start + e)))
        return


def _link_result_sections(ctx: Context) -> None:
    """Tie each part of 各项工作任务绩效目标完成情况 to the task it names."""
    doc, out = ctx.doc, ctx.out
    if not out.tasks:
        return
    for results in sections(doc.outline, "task_results"):
        for child in results.children:
            if id(child) in ctx.task_of_node:
                continue
            index = best_task(out.tasks, child.title(doc.text))
            if index is not None:
                ctx.task_of_node[id(child)] = index


def best_task(tasks: list[Task], title: str) -> int | None:
    title = compact(title)
    best, best_score = None, 0.0
    for index, task in enumerate(tasks):
        score = _similarity(title, compact(task.name))
        if score > best_score:
            best, best_score = index, score
    return best if best_score >= 0.6 else None


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return min(len(a), len(b)) / max(len(a), len(b)) * 0.5 + 0.5
    grams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not grams_a or not grams_b:
        return 0.0
    return 2 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b))


# -- task tables -----------------------------------------------------------


@dataclass
class _Group:
    name: str | None
    name_cell: Cell | None
    goal: str | None
    row: Row
    fund: tuple[float, Cell] | None = None
    rows: list[tuple[str | None, Cell | None, Row]] = field(default_factory=list)  # (category, actual, row)


def _is_name(text: str) -> bool:
    """A task name is short and holds no sentence; a long cell is a goal that
    slid into the name column when the merged name cell was dropped."""
    text = compact(text).rstrip("。")
    return 0 < len(text) <= _MAX_NAME and "。" not in text


def _task_table(ctx: Context, block: Block, segment: Segment) -> None:
    columns = {role: segment.column(role) for role in ("task", "goal", "name", "actual", "fund")}
    has_indicators = columns["actual"] is not None
    groups: list[_Group] = []
    pending: list[tuple[str | None, Cell | None, Row]] = []
    last_category: str | None = None
    for row in segment.rows:
        cells, texts = row.cells, [compact(c.text) for c in row.cells]
        category_index = next((i for i, t in enumerate(texts) if CATEGORY.fullmatch(t)), None)
        # Merged cells dropped on the left shift the row: line it up on its
        # category cell, which sits in the header's 关键指标 column.
        shift = 0
        if category_index is not None and columns["name"] is not None:
            shift = columns["name"] - category_index

        def at(role: str) -> Cell | None:
            index = columns[role]
            if index is None:
                return None
            index -= shift
            return cells[index] if 0 <= index < len(cells) and texts[index] else None

        name_cell, goal_cell = at("task"), at("goal")
        if name_cell is not None and not _is_name(name_cell.text):
            goal_cell, name_cell = goal_cell or name_cell, None
        if not has_indicators:
            if name_cell is not None:
                goal = tidy(goal_cell.text) if goal_cell else None
                groups.append(_Group(task_name(name_cell.text), name_cell, goal, row))
            elif goal_cell is not None and groups:  # a goal continued after a page break
                groups[-1].goal = (groups[-1].goal or "") + tidy(goal_cell.text)
            continue
        fund_cell = at("fund")
        fund = None
        if fund_cell is not None and NUMERIC.match(compact(fund_cell.text)):
            fund = (parse_number(compact(fund_cell.text)), fund_cell)
        actual_cell = at("actual")
        if category_index is not None:
            category = last_category = texts[category_index]
        else:
            category = last_category  # a merged category cell spans this row too
        if name_cell is not None or fund is not None:
            name = task_name(name_cell.text) if name_cell else (groups[-1].name if groups else None)
            group = _Group(name, name_cell, tidy(goal_cell.text) if goal_cell else None, row, fund)
            group.rows.extend(pending)
            pending = []
            groups.append(group)
        elif groups and category_index is not None and not pending and _restarts(groups[-1], category):
            pending.append((category, actual_cell, row))
            continue
        if pending and groups:
            groups[-1].rows.extend(pending)
            pending = []
        if groups and (actual_cell is not None or category_index is not None):
            groups[-1].rows.append((category, actual_cell, row))
    if pending and groups:
        groups[-1].rows.extend(pending)
    _emit(ctx, groups)


def _restarts(group: _Group, category: str) -> bool:
    """A row whose category is the group's first again, after the group has
    run through others, opens the next group (its merged task cells print
    one row lower)."""
    categories = [c for c, _, _ in group.rows if c]
    return len(categories) >= 2 and categories[0] == category and category in _CATEGORY_ORDER[:1]


def _emit(ctx: Context, groups: list[_Group]) -> None:
    doc, out = ctx.doc, ctx.out
    for group in groups:
        if not group.name:
            continue
        row = group.row
        evidence_end = group.name_cell.end if group.name_cell else row.end
        task = Task(name=group.name, goal=group.goal or None,
                    evidence=doc.evidence(group.name_cell.start, evidence_end) if group.name_cell
                    else doc.evidence(row.start, row.end))
        out.tasks.append(task)
        index = len(out.tasks) - 1
        if group.fund is not None:
            amount, cell = group.fund
            out.funds.append(Fund(kind="task_allocation", source="total", amount=amount,
                                  evidence=doc.evidence(cell.start, cell.end), task=index))
        for category, cell, source_row in group.rows:
            if cell is None or not cell.text:
                continue
            out.indicators.append(table_indicator(ctx, cell, source_row, category, index))


def table_indicator(ctx: Context, cell: Cell, row: Row, category: str | None, task: int | None) -> Indicator:
    """One indicator from a task table's completion cell."""
    doc = ctx.doc
    text = doc.clean(cell.start, cell.end)
    facts = plan_facts(doc.norm(cell.start, cell.end))
    target = read_value(facts.target_text, is_target=True) if facts.target_text else None
    name = measure_name(text)
    verdict = judge(name, target, None, completion_rate=facts.completion_rate,
                    rate_against_plan=facts.against_plan, statement=doc.norm(cell.start, cell.end))
    category_cell = next((c for c in row.cells if compact(c.text) == category), None)
    evidence_start = category_cell.start if category_cell and category_cell.start < cell.start else cell.start
    ctx.claim(cell.start, cell.end)
    return Indicator(
        name=name,
        evidence=doc.evidence(evidence_start, cell.end),
        origin="table",
        status=verdict.status,
        category=category,
        target_text=facts.target_text,
        target_value=target.value if target else None,
        target_op=verdict.op if target else None,
        actual_text=tidy(text),
        unit=target.unit if target else None,
        completion_rate=facts.completion_rate,
        task=task,
        read_by="task_table",
    )
