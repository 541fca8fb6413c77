"""The national project self-evaluation form as data, and the layouts texts carry it in.

A `Form` is what the Ministry of Finance's template (项目支出绩效自评表, GUIDE §5) holds:
identification (项目名称, 主管部门, 实施单位), the funds block, the year's goal, the
indicator table (一级 | 二级 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因) and
the total with its grade. `generate_form` draws one with realistic names, values,
units, operators, statuses and deviation reasons, scored by the national method
(a met indicator earns its 分值, one below target in proportion); `form_from_gold`
makes one from the indicators of any gold file of GUIDE §4's format, so real
names and values travel through the same layouts.

`grid` lays a form out as the template's table (merged cells covered), and each
of `FAMILIES` writes that table as one layout family of GUIDE §5 writes it:
tab rows, pipe rows, Markdown, one cell per line with and without `|`, space-
aligned rows, the whole form on one line after a line of export metadata,
interleaved columns under merged cells, glued cells, a vertical field-per-line
table, a PDF run with a row's names first and its values after, a table
continued after a page break without its header, traditional characters with
pinyin glosses, and site junk around the form. Whatever the layout, the
extraction must give the same indicators: `evaluate` measures it per family
(`make eval-layouts`), and tests/test_layout_families.py holds it exact.

Choices are drawn through a `Chooser`, so the same generator runs on a seeded
`random.Random` (the evaluation) and on hypothesis's data (the tests, which
shrink a failing form to its smallest).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol, Sequence

from .ingest import national_form

# -- choosing ---------------------------------------------------------------------


class Chooser(Protocol):
    def choice(self, options: Sequence): ...

    def randint(self, low: int, high: int) -> int: ...


class SeededChooser:
    def __init__(self, seed: int):
        self.random = random.Random(seed)

    def choice(self, options: Sequence):
        return self.random.choice(list(options))

    def randint(self, low: int, high: int) -> int:
        return self.random.randint(low, high)


# -- what a form holds --------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """An indicator of the genre: its categories, name, unit and how its values read."""

    level1: str
    level2: str
    name: str
    unit: str  # 人, %, 元/人 ...; "" for a qualitative or date indicator
    kind: str  # count, percent, ceiling (less is better), rate_ceiling (发生率 ≤), date, quality
    low: float = 1
    high: float = 1000


# Realistic indicators of project forms across sectors (names as offices write them).
MEASURES: tuple[Measure, ...] = (
    Measure("产出指标", "数量指标", "培训人次", "人次", "count", 50, 5000),
    Measure("产出指标", "数量指标", "新建农村公厕数量", "座", "count", 5, 120),
    Measure("产出指标", "数量指标", "发放补助资金人数", "人", "count", 100, 40000),
    Measure("产出指标", "数量指标", "检查企业数量", "家", "count", 20, 3000),
    Measure("产出指标", "数量指标", "道路维修养护里程", "公里", "count", 3, 300),
    Measure("产出指标", "数量指标", "开展宣传活动次数", "次", "count", 2, 60),
    Measure("产出指标", "数量指标", "植树造林面积", "亩", "count", 100, 9000),
    Measure("产出指标", "数量指标", "救助困难群众户数", "户", "count", 10, 2000),
    Measure("产出指标", "数量指标", "抽检食品批次", "批次", "count", 50, 1500),
    Measure("产出指标", "质量指标", "工程验收合格率", "%", "percent"),
    Measure("产出指标", "质量指标", "抽检合格率", "%", "percent"),
    Measure("产出指标", "质量指标", "资金使用合规率", "%", "percent"),
    Measure("产出指标", "时效指标", "资金拨付及时率", "%", "percent"),
    Measure("产出指标", "时效指标", "项目完成时间", "", "date"),
    Measure("产出指标", "成本指标", "人均补助标准", "元/人", "ceiling", 200, 3000),
    Measure("产出指标", "成本指标", "项目总成本", "万元", "ceiling", 20, 900),
    Measure("效益指标", "社会效益指标", "群众知晓率", "%", "percent"),
    Measure("效益指标", "社会效益指标", "受益人口数", "人", "count", 500, 90000),
    Measure("效益指标", "社会效益指标", "安全事故发生率", "%", "rate_ceiling"),
    Measure("效益指标", "经济效益指标", "带动农户增收", "万元", "count", 10, 800),
    Measure("效益指标", "生态效益指标", "生活垃圾无害化处理率", "%", "percent"),
    Measure("效益指标", "生态效益指标", "森林覆盖率", "%", "percent"),
    Measure("效益指标", "可持续影响指标", "长效管理机制", "", "quality"),
    Measure("效益指标", "可持续影响指标", "设施正常运行年限", "年", "count", 3, 20),
    Measure("满意度指标", "服务对象满意度指标", "群众满意度", "%", "percent"),
    Measure("满意度指标", "服务对象满意度指标", "受训人员满意度", "%", "percent"),
)
_PLACES = ("临河区", "永德县", "翟店镇", "马踏镇", "安居区", "梁平区", "旌德县", "大英县", "兴庆区", "泸县")
_SECTORS = (("交通运输局", "公路养护中心", "农村公路养护"), ("民政局", "社会救助服务中心", "困难群众救助"),
            ("卫生健康局", "疾病预防控制中心", "基本公共卫生服务"), ("农业农村局", "农业技术推广中心", "农村人居环境整治"),
            ("市场监督管理局", "食品检验所", "食品安全抽检"), ("林业局", "林业站", "森林资源保护"))
_REASONS = ("受疫情影响部分活动延期", "部分资金未及时到位", "项目前期手续办理耗时较长，下一步加快推进", "实际需求低于预期")


@dataclass
class Row:
    """One row of the indicator table, as written and as the gold has it."""

    level1: str
    level2: str
    name: str
    operator: str  # ≥ ≤ = or "" (a qualitative or date target)
    target_number: str  # "95", "2023年12月31日", "健全"
    unit: str
    actual: str | None  # None: the 完成值 cell is empty (nothing reported)
    max_score: float
    score: float | None
    reason: str = ""
    status: str = "unknown"

    @property
    def target(self) -> str:
        return f"{self.operator}{self.target_number}{self.unit}"


@dataclass
class Form:
    year: int
    project: str
    supervisor: str
    implementer: str
    funds: list[tuple[str, float, float, float]]  # (row label, 年初预算数, 全年预算数, 全年执行数)
    goal_plan: str
    goal_done: str
    rows: list[Row]
    execution_score: float
    total: float
    grade: str
    variant: dict[str, object] = field(default_factory=dict)  # header wording, split cells, columns kept

    @property
    def execution_rate(self) -> float:
        budget, spent = self.funds[0][2], self.funds[0][3]
        return round(100 * spent / budget, 2) if budget else 0.0

    def gold(self, file: str, layout: str) -> dict:
        """The form's facts in the gold format of GUIDE §4."""
        return {
            "file": file, "layout": layout, "doc_kind": "项目表", "year": self.year,
            "department": {"name": self.implementer, "short_name": None, "district": None, "city": None},
            "execution_rate": self.execution_rate, "self_score": self.total, "task": self.project,
            "funds": [], "score_items": [],
            "indicators": [{"name": r.name, "category": r.level2, "target": r.target, "actual": r.actual,
                            "status": r.status, "topics": [], "evidence": None, "task": self.project}
                           for r in self.rows],
        }


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def _row(measure: Measure, status: str, choose: Chooser, year: int) -> Row:
    """A row whose actual stands to its target as `status` says."""
    kind, unit = measure.kind, measure.unit
    if kind == "date":
        target = f"{year}年12月31日"
        actual = {"met": target, "not_met": f"{year + 1}年3月31日"}.get(status)
        return _scored(Row(measure.level1, measure.level2, measure.name, "", target, "", actual, 0, None), status,
                       choose, 1.0)
    if kind == "quality":
        target = choose.choice(("健全", "有效", "逐步完善"))
        actual = {"met": target, "not_met": "未完成"}.get(status)
        return _scored(Row(measure.level1, measure.level2, measure.name, "", target, "", actual, 0, None), status,
                       choose, 0.5)
    if kind in ("percent", "rate_ceiling"):
        if kind == "rate_ceiling":
            goal = choose.choice((0, 1, 2, 5))
            done = {"met": goal / 2 if goal else 0, "not_met": goal + choose.randint(1, 5)}.get(status)
            operator = "≤"
        else:
            goal = choose.choice((80, 85, 90, 95, 98, 100))
            done = {"met": min(100, goal + choose.randint(0, 5)), "not_met": goal - choose.randint(2, 20)}.get(status)
            operator = choose.choice(("≥", "≥", "="))
            if operator == "=" and done is not None:
                done = goal if status == "met" else done
        actual = None if done is None else _number(done) + "%"
        ratio = 1.0 if status != "not_met" or not goal else min(1.0, done / goal) if kind == "percent" else 0.0
        return _scored(Row(measure.level1, measure.level2, measure.name, operator, _number(goal), "%", actual, 0, None),
                       status, choose, ratio)
    goal = choose.randint(int(measure.low), int(measure.high))
    if kind == "ceiling":
        done = {"met": goal - choose.randint(0, max(1, goal // 10)), "not_met": goal + choose.randint(1, max(1, goal // 5))
                }.get(status)
        operator = "≤"
        ratio = 1.0 if status != "not_met" else goal / done
    else:
        done = {"met": goal + choose.randint(0, max(1, goal // 5)),
                "not_met": goal - choose.randint(1, max(1, goal // 3)) if goal > 1 else 0}.get(status)
        operator = choose.choice(("≥", "≥", "="))
        if operator == "=" and status == "met":
            done = goal
        ratio = 1.0 if status != "not_met" else done / goal
    actual = None if done is None else _number(done) + unit
    return _scored(Row(measure.level1, measure.level2, measure.name, operator, _number(goal), unit, actual, 0, None),
                   status, choose, ratio)


def _scored(row: Row, status: str, choose: Chooser, ratio: float) -> Row:
    row.status = status
    row.max_score = choose.choice((5, 10, 10, 15, 20)) if row.level1 != "满意度指标" else 10
    row.score = None if status == "unknown" else round(row.max_score * max(0.0, min(1.0, ratio)), 1)
    if status == "not_met":
        row.reason = choose.choice(_REASONS)
    return row


def generate_form(choose: Chooser) -> Form:
    """A national project form with realistic content and a drawn variant."""
    year = choose.randint(2019, 2025)
    place = choose.choice(_PLACES)
    bureau, unit, topic = choose.choice(_SECTORS)
    count = choose.randint(3, 9)
    measures: list[Measure] = []
    for _ in range(count):
        measure = choose.choice(MEASURES)
        if measure not in measures:
            measures.append(measure)
    order = {name: i for i, name in enumerate(("产出指标", "效益指标", "满意度指标"))}
    measures.sort(key=lambda m: (order[m.level1], m.level2))
    statuses = [choose.choice(("met", "met", "met", "not_met", "unknown")) for _ in measures]
    rows = [_row(m, s, choose, year) for m, s in zip(measures, statuses)]
    budget = float(choose.randint(20, 3000))
    spent = round(budget * choose.randint(60, 100) / 100, 2)
    funds = [(label, budget, budget, spent) for label in national_form.FUNDS_ROWS[:2]]
    rate = spent / budget
    execution_score = round(10 * rate, 1)
    scored = sum(r.score or 0 for r in rows)
    weight = sum(r.max_score for r in rows)
    total = round(execution_score + 90 * scored / weight, 1) if weight else execution_score
    grade = next(name for floor, name in national_form.GRADES if total >= floor)
    variant = {
        "target_header": choose.choice(national_form.TARGET.wordings),
        "actual_header": choose.choice(national_form.ACTUAL.wordings),
        "reason_header": choose.choice(national_form.REASON.wordings),
        "split_target": choose.choice((False, False, True)),  # 指标性质 | 指标值 | 度量单位 cells
        "scores": choose.choice((True, True, False)),
        "reason": choose.choice((True, True, False)),
    }
    return Form(year, f"{year}年{place}{topic}项目", f"{place}{bureau}", f"{place}{unit}", funds,
                f"完成{topic}年度任务，保障项目按期实施", f"已完成{topic}年度主要任务", rows, execution_score,
                total, grade, variant)


_TARGET = re.compile(r"^(?P<op>[≥≤=＝≧≦><]|大于等于|小于等于|不低于|不少于|不高于|不超过)?\s*"
                     r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>\S{0,6})$")


def form_from_gold(gold: dict, choose: Chooser) -> Form | None:
    """A form whose indicator table holds a gold file's indicators with a
    comparable target and an actual (their names, values and statuses as annotated)."""
    from perfkg.ingest.vocabulary import category_of

    base = generate_form(choose)
    rows = []
    for item in gold.get("indicators", []):
        target, actual, name = item.get("target"), item.get("actual"), item.get("name")
        if not target or not name or not re.search(r"[\u4e00-\u9fa5]", name) or len(name) > 30:
            continue
        m = _TARGET.match(target.replace(" ", ""))
        if m is None and len(target) > 8 or actual is not None and len(actual) > 12:
            continue  # a narrative's plan or result (一个季度开展督导一次) is no form's value cell
        operator, number, unit = (m.group("op") or "", m.group("num"), m.group("unit")) if m else ("", target, "")
        level2 = item.get("category") if category_of(item.get("category") or "") else "数量指标"
        level1 = "满意度指标" if "满意" in level2 else "效益指标" if "效益" in level2 or "可持续" in level2 else "产出指标"
        max_score = 10
        score = None if actual is None else 10 if item["status"] == "met" else 5
        rows.append(Row(level1, level2, name, operator, number, unit, actual, max_score, score,
                        choose.choice(_REASONS) if item["status"] == "not_met" else "", item["status"]))
    if not rows:
        return None
    base.rows = rows
    base.variant["split_target"] = False  # a gold's target is kept as written
    return base


# -- the form as the template's table ------------------------------------------------

COVERED = None  # a slot a merged cell above or to the left covers


def indicator_header(form: Form) -> list[str]:
    v = form.variant
    nf = national_form
    head = [nf.LEVEL1.wordings[0], nf.LEVEL2.wordings[0], nf.NAME.wordings[0]]
    if v["split_target"]:
        head += [nf.OPERATOR.wordings[0], v["target_header"], nf.UNIT.wordings[0]]
    else:
        head.append(v["target_header"])
    head.append(v["actual_header"])
    if v["scores"]:
        head += [nf.MAX_SCORE.wordings[0], nf.SCORE.wordings[0]]
    if v["reason"]:
        head.append(v["reason_header"])
    return head


def indicator_cells(form: Form, row: Row) -> list[str]:
    v = form.variant
    cells = [row.level1, row.level2, row.name]
    cells += [row.operator, row.target_number, row.unit] if v["split_target"] else [row.target]
    cells.append(row.actual or "")
    if v["scores"]:
        cells += [_number(row.max_score), "" if row.score is None else _number(row.score)]
    if v["reason"]:
        cells.append(row.reason)
    return cells


def grid(form: Form) -> list[list[str | None]]:
    """The form as the template's table: rows of cells, a merged cell's other slots COVERED."""
    header = indicator_header(form)
    width = max(len(header) + 1, 8)  # the block label column (绩效指标) on the left; the funds block's 8
    rows: list[list[str | None]] = []

    def line(*cells: str | None) -> None:
        cells = list(cells)
        rows.append(cells + [COVERED] * (width - len(cells)))

    nf = national_form
    project, supervisor, implementer = nf.IDENTIFICATION
    line(nf.TITLE)
    line(f"（{form.year}年度）")
    line(project, form.project)
    line(supervisor, form.supervisor, implementer, form.implementer)
    line(nf.FUNDS_LABEL, "", *nf.FUNDS_COLUMNS)
    for index, (label, initial, budget, spent) in enumerate(form.funds):
        scores = ("10", f"{form.execution_rate:.2f}%", _number(form.execution_score)) if index == 0 else ("—",) * 3
        line(COVERED, label, _number(initial), _number(budget), _number(spent), *scores)
    line(nf.GOAL_LABEL, *nf.GOAL_COLUMNS)
    line(COVERED, form.goal_plan, form.goal_done)
    line(nf.INDICATORS_LABEL, *header)
    previous: tuple[str, str] = ("", "")
    for row in form.rows:
        cells: list[str | None] = indicator_cells(form, row)
        if row.level1 == previous[0]:
            cells[0] = COVERED
            if row.level2 == previous[1]:
                cells[1] = COVERED
        previous = (row.level1, row.level2)
        line(COVERED, *cells)
    line(nf.TOTAL, "100", _number(form.total))
    line(nf.GRADE_LABEL, form.grade)
    return rows


# -- layout families --------------------------------------------------------------------

def _present(row: list[str | None]) -> list[str]:
    """A row's cells as a layout that drops covered slots writes them."""
    return [cell for cell in row if cell is not None]


def _filled(row: list[str | None]) -> list[str]:
    return [cell for cell in row if cell]


def tab_rows(table, choose: Chooser) -> str:
    return "\n".join("\t".join(cell or "" for cell in row).rstrip("\t") for row in table)


def pipe_rows(table, choose: Chooser) -> str:
    return "\n".join(" | ".join(_present(row)) for row in table)


def markdown(table, choose: Chooser) -> str:
    lines = ["| " + " | ".join(_present(row)) + " |" for row in table]
    width = max(len(_present(row)) for row in table)
    return "\n".join([lines[0], "|" + "---|" * width, *lines[1:]])


def pipe_cells(table, choose: Chooser) -> str:
    """One cell per line ending in ` |` (an empty cell a bare ` |`), rows between `||||` lines."""
    out = []
    for row in table:
        out += [f"{cell} |" if cell else " |" for cell in _present(row)]
        out.append("|" * 8)
    return "\n".join(out)


def cell_lines(table, choose: Chooser) -> str:
    """One cell per line, cells between blank lines, no delimiter."""
    return "\n\n".join(cell for row in table for cell in _filled(row))


def space_rows(table, choose: Chooser) -> str:
    return "\n".join(" ".join(_filled(row)) for row in table)


def aligned_rows(table, choose: Chooser) -> str:
    """Rows as a fixed-width dump aligns them: cells padded to their column's width."""
    widths = [max((len(row[i] or "") for row in table if i < len(row)), default=0) for i in range(len(table[0]))]
    widths = [min(w, 16) for w in widths]
    return "\n".join("  ".join((cell or "").ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in table)


EXPORT_METADATA = "导出用户：u{0}  导出时间：2024-03-0{1} 10:2{1}:3{1}  校验码：{2}"


def one_line(table, choose: Chooser) -> str:
    """The whole form on one line with single spaces, after a line of export metadata."""
    meta = EXPORT_METADATA.format(choose.randint(1000, 9999), choose.randint(1, 9), "%08x" % choose.randint(0, 2**31))
    return meta + "\n" + " ".join(cell for row in table for cell in _filled(row))


def interleaved(table, choose: Chooser) -> str:
    """A spreadsheet dump on one line where, under each merged 二级 cell, the
    rows' names and targets come first and their actuals and scores after."""
    out: list[str] = []
    group: list[list[str | None]] = []

    def flush() -> None:
        if not group:
            return
        actual = _actual_index(table)
        for row in group:  # names and targets (the 三级 cell is column 3; values start at 4)
            out.extend(cell for cell in row[:actual] if cell)
        for row in group:
            out.extend(cell for cell in row[actual:] if cell)
        group.clear()

    in_indicators = False
    for row in table:
        if row[0] == national_form.INDICATORS_LABEL:
            in_indicators = True
            out.extend(_filled(row))
            continue
        if in_indicators and row[0] is None and len(row) > 3:
            if row[2] is not None:  # a new 二级 group
                flush()
            group.append(row)
            continue
        flush()
        out.extend(_filled(row))
    flush()
    return " ".join(out)


def _header_row(table) -> list[str | None]:
    return next(row for row in table if row[0] == national_form.INDICATORS_LABEL)


def _actual_index(table) -> int:
    header = _header_row(table)
    return next(i for i, cell in enumerate(header) if cell and re.search(r"完成|实际|实施进度", cell))


def glued(table, choose: Chooser) -> str:
    """Adjacent cells glued with no separator, as a document preview loses them."""
    return "\n".join("".join(_filled(row)) for row in table)


def vertical(table, choose: Chooser) -> str:
    """A field per line: each indicator row as `label：value` lines under its header's words."""
    header = _header_row(table)
    out = []
    level = [None, None]
    for row in table:
        if row is header:
            out.append(national_form.INDICATORS_LABEL)
            continue
        if row[0] is None and len(row) > 3 and _header_row(table) in table[: table.index(row)]:
            for i, cell in enumerate(row[1:], start=1):
                if i <= 2 and cell is None:
                    cell = level[i - 1]
                if i <= 2:
                    level[i - 1] = cell
                if header[i] and cell is not None:
                    out.append(f"{header[i]}：{cell}")
            out.append("")
            continue
        cells = _filled(row)
        if len(cells) == 2:
            out.append(f"{cells[0]}：{cells[1]}")
        else:
            out.append(" ".join(cells))
    return "\n".join(out)


def names_then_values(table, choose: Chooser) -> str:
    """A PDF text run: a row's words on one line, its values on the next."""
    out = []
    header = _header_row(table)
    for row in table:
        if row[0] is None and len(row) > 3 and row[3] is not None and row is not header:
            names = [cell for cell in row[:4] if cell]
            values = [cell for cell in row[4:] if cell]
            out.append(" ".join(names))
            out.append(" ".join(values))
        else:
            out.append(" ".join(_filled(row)))
    return "\n".join(out)


def continued(table, choose: Chooser) -> str:
    """Tab rows with the indicator table continued after a page break, its header not repeated."""
    header_at = table.index(_header_row(table))
    rows = [("\t".join(cell or "" for cell in row)).rstrip("\t") for row in table]
    cut = header_at + 1 + max(1, (len(table) - header_at - 3) // 2)
    return "\n".join(rows[:cut] + ["", f"— {choose.randint(1, 3)} —", ""] + rows[cut:])


# Pinyin glosses a spam mirror writes after traditional characters (數(shù)).
_GLOSSES = {"數": "shù", "標": "biāo", "實": "shí", "際": "jì", "據": "jù", "質": "zhì", "項": "xiàng",
            "費": "fèi", "務": "wù", "門": "mén", "預": "yù", "執": "zhí", "績": "jì", "評": "píng"}


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def traditional(table, choose: Chooser) -> str:
    """Pipe rows in traditional characters with pinyin glosses inside words."""
    text = _to_traditional().convert(pipe_rows(table, choose))
    return "".join(f"{ch}({_GLOSSES[ch]})" if ch in _GLOSSES and choose.randint(0, 2) == 0 else ch for ch in text)


_BANNER = ("首页 > 信息公开 > 财政资金 > 预算绩效\n《{project}绩效自评表.docx》由会员分享，可在线阅读，更多相关文档请搜索。\n"
           "发布时间：2024-05-1{d}  浏览次数：{n}  字体：[大 中 小]\n")
_FOOTER = "\n扫一扫在手机打开当前页\n【打印本页】【关闭窗口】\n版权所有：某某县人民政府 备案号：ICP备0000{n}号"


def junk(table, choose: Chooser) -> str:
    """Markdown rows inside a site's banner and footer."""
    n, d = choose.randint(100, 9999), choose.randint(0, 9)
    project = (_filled(table[2]) or [""])[-1]
    return _BANNER.format(project=project, d=d, n=n) + markdown(table, choose) + _FOOTER.format(n=n)


FAMILIES: dict[str, Callable[[list, Chooser], str]] = {
    "tab": tab_rows,
    "pipe_row": pipe_rows,
    "markdown": markdown,
    "pipe_cell": pipe_cells,
    "cell_lines": cell_lines,
    "space_row": space_rows,
    "aligned": aligned_rows,
    "one_line": one_line,
    "interleaved": interleaved,
    "glued": glued,
    "vertical": vertical,
    "names_then_values": names_then_values,
    "continued": continued,
    "traditional": traditional,
    "junk": junk,
}


def render(form: Form, family: str, choose: Chooser) -> str:
    return FAMILIES[family](grid(form), choose)


# -- measuring ----------------------------------------------------------------------


def compare(form: Form, extraction) -> dict:
    """Gold against an Extraction: matched indicators and whether target, actual and status agree."""
    from perfkg.ingest.chars import to_simplified
    from perfkg.ingest.evaluate import match_indicators, same_value
    from perfkg.ingest.extract.statements import strip_glosses

    def plain(text: str | None) -> str | None:  # as written in either script, glosses aside
        return None if text is None else to_simplified(strip_glosses(text))

    gold = [{"name": plain(r.name), "evidence": None} for r in form.rows]
    ours = [{"name": plain(i.name), "evidence": None} for i in extraction.indicators]
    pairs = match_indicators(gold, ours)
    differences = []
    right = 0
    for g, o in pairs:
        row, found = form.rows[g], extraction.indicators[o]
        ok = (same_value(row.target, plain(found.target_text)) and same_value(row.actual, plain(found.actual_text))
              and row.status == found.status)
        right += ok
        if not ok:
            differences.append(f"{row.name}: gold {row.target} / {row.actual} / {row.status}, "
                               f"got {found.target_text} / {found.actual_text} / {found.status}")
    matched = {g for g, _ in pairs}
    differences += [f"missed {form.rows[g].name}" for g in range(len(form.rows)) if g not in matched]
    found_ids = {o for _, o in pairs}
    differences += [f"spurious {i.name!r} ({i.target_text} / {i.actual_text})"
                    for o, i in enumerate(extraction.indicators) if o not in found_ids]
    return {"gold": len(form.rows), "found": len(extraction.indicators), "matched": len(pairs),
            "status_right": sum(form.rows[g].status == extraction.indicators[o].status for g, o in pairs),
            "right": right, "differences": differences}


def evaluate(forms: list[Form], families: Sequence[str] = tuple(FAMILIES), *, seed: int = 0) -> dict[str, dict]:
    """Per family: indicator precision, recall, F1 and status accuracy over the forms' renderings."""
    from perfkg.ingest.pipeline import extract_text

    result = {}
    for family in families:
        totals = {"gold": 0, "found": 0, "matched": 0, "status_right": 0, "right": 0, "examples": []}
        for index, form in enumerate(forms):
            text = render(form, family, SeededChooser(seed * 7919 + index))
            got = compare(form, extract_text(text, source_file=f"{family}-{index}.txt"))
            for key in ("gold", "found", "matched", "status_right", "right"):
                totals[key] += got[key]
            if got["differences"] and len(totals["examples"]) < 6:
                totals["examples"].append((index, got["differences"][:4]))
        precision = totals["matched"] / totals["found"] if totals["found"] else 0.0
        recall = totals["matched"] / totals["gold"] if totals["gold"] else 0.0
        totals["precision"], totals["recall"] = precision, recall
        totals["f1"] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        totals["status"] = totals["status_right"] / totals["matched"] if totals["matched"] else 0.0
        result[family] = totals
    return result


def forms_for_evaluation(count: int, seed: int, gold_dirs: Sequence[Path] = ()) -> list[Form]:
    forms = [generate_form(SeededChooser(seed + i)) for i in range(count)]
    for folder in gold_dirs:
        for i, path in enumerate(sorted(Path(folder).glob("*.json"))):
            form = form_from_gold(json.loads(path.read_text(encoding="utf-8")), SeededChooser(seed + 10_000 + i))
            if form is not None:
                forms.append(form)
    return forms


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perfkg.layouts",
                                     description="Indicator extraction per layout family of the national forms.")
    parser.add_argument("--forms", type=int, default=40, help="synthetic forms per family (default 40)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gold", type=Path, action="append", default=[],
                        help="also a form from each gold file of this folder (repeatable)")
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES), help="only these families")
    parser.add_argument("--write", type=Path, help="write each rendering and its gold into this folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="show up to six failing forms per family")
    args = parser.parse_args(argv)
    forms = forms_for_evaluation(args.forms, args.seed, args.gold)
    families = args.family or list(FAMILIES)
    if args.write:
        _write(forms, families, args.write, args.seed)
    result = evaluate(forms, families, seed=args.seed)
    print(f"{len(forms)} forms ({args.forms} generated, {len(forms) - args.forms} from gold), "
          f"{sum(len(f.rows) for f in forms)} indicators, in each family")
    print(f"{'family':<18} {'gold':>5} {'found':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6} {'status':>7} {'values':>7}")
    for family, t in result.items():
        values = t["right"] / t["gold"] if t["gold"] else 0.0
        print(f"{family:<18} {t['gold']:>5} {t['found']:>5} {t['matched']:>5} {t['precision']:>6.3f} "
              f"{t['recall']:>6.3f} {t['f1']:>6.3f} {t['status']:>7.3f} {values:>7.3f}")
        if args.verbose:
            for index, differences in t["examples"]:
                print(f"    form {index}: " + "; ".join(differences))
    return 0


def _write(forms: list[Form], families: Sequence[str], folder: Path, seed: int) -> None:
    """Each rendering as a .txt with a gold file beside it, for `perfkg eval --gold FOLDER`."""
    folder.mkdir(parents=True, exist_ok=True)
    for family in families:
        for index, form in enumerate(forms):
            name = f"{family}-{index:03d}"
            (folder / f"{name}.txt").write_text(render(form, family, SeededChooser(seed * 7919 + index)),
                                                encoding="utf-8")
            (folder / f"{name}.json").write_text(json.dumps(form.gold(f"{name}.txt", family), ensure_ascii=False,
                                                            indent=1), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
