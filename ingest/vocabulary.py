"""The words of the genre's tables, shared by the layout stage (which finds
tables written as text by the header words in them) and the interpreter
(which reads a table by what its header cells say).

Patterns match a cell's text with every space removed (`compact`): a PDF or
a web page spaces out narrow cells (`绩 效 指 标`, `年度 指标值`).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Column roles by the header cell's text (spaces removed, full match). The
# first role whose pattern matches wins. Brackets such as (A), (B), (分) and
# (万元) are dropped before matching (`_BRACKETED`).
ROLE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("ordinal", re.compile(r"序号|编号")),
    # What a budget system's declaration adds beside each indicator: read past, never a value.
    ("explanation", re.compile(r"指标(?:解释|说明|定义|来源)|(?:评|扣|计)分(?:标准|规则|方法)|评价标准|数据来源|评分依据")),
    ("goal_done", re.compile(r"(?:年度)?(?:整体|总体)?目标(?:实际)?完成情况|任务完成情况|完成情况说明|工作完成情况")),
    ("actual", re.compile(
        r"(?:指标)?完成情况|(?:全年|年度)?实际完成(?:值|情况|数|指标值)?|(?:全年)?完成值|(?:全年)?实际值|执行情况"
        r"|全年实际完成值|实际完成指标值|实际达成值|(?:实施|完成|执行)进度(?:情况)?")),
    ("reason", re.compile(r"(?:偏差|未完成|差异)原因.*|原因分析.*|改进措施|备注|说明|情况说明")),
    ("level1", re.compile(r"一级指标")),
    ("level2", re.compile(r"二级指标")),
    ("level3", re.compile(r"三级指标")),
    ("target", re.compile(
        r"(?:年度|年初|全年)?(?:预期|计划|目标)?(?:实现)?(?:指标)?值|预期实现值|(?:年度|年初|全年)指标值|(?:年度)?目标值"
        r"|指标值|预期值|计划值|全年目标(?:值)?|标准值|年度目标指标值|(?:年度)?绩效指标值")),
    ("operator", re.compile(r"指标性质|指标符号|比较符")),
    ("unit", re.compile(r"(?:度量|计量|计算)?单位")),
    ("direction", re.compile(r"指标方向(?:性)?")),
    ("name", re.compile(r"(?:关键|具体)?指标(?:名称|内容)?|关键指标|(?:三级|绩效)指标名称|指标项")),
    ("unit_name", re.compile(r"单位名称|预算单位|部门名称")),
    ("task", re.compile(r"(?:主要|重点|年度)?(?:工作)?任务(?:名称)?|项目名称|重点工作|工作任务")),
    ("goal", re.compile(r"(?:任务)?(?:绩效)?(?:预期)?目标|年度(?:绩效)?目标|任务绩效目标|预期目标|绩效目标")),
    ("fund", re.compile(r"(?:任务)?涉及资金|资金|预算(?:金额|数)?|金额|(?:任务)?预算")),
    ("max_score", re.compile(r"分值|权重|指标权重|标准分|满分|分数|权重分")),
    ("score", re.compile(r"(?:自评)?得分|自评分|评分|实际得分|自评分值|指标得分")),
]

_BRACKETED = re.compile(r"[(（][^()（）]{0,12}[)）]")


@lru_cache(maxsize=8192)  # every step compacts the same cells again (a report's thousand calls)
def compact(text: str) -> str:
    """The text without whitespace."""
    return "".join(text.split())


def _first_match(patterns: list[tuple[str, re.Pattern]], text: str, longest: int) -> str | None:
    """The name of the first pattern the whole text matches (brackets and a
    trailing colon dropped), or None; longer texts are no labels."""
    text = _BRACKETED.sub("", compact(text)).rstrip(":：")
    if not text or len(text) > longest:
        return None
    return next((name for name, pattern in patterns if pattern.fullmatch(text)), None)


@lru_cache(maxsize=8192)  # header cells repeat across rows, tables and reports
def role_of(cell: str) -> str | None:
    """The column role a header cell names, or None."""
    return _first_match(ROLE_PATTERNS, cell, 16)


# The Ministry of Finance's indicator categories: 一级 and 二级指标 cells.
LEVEL1 = re.compile(r"(?:产出|效益|满意度|成本|项目完成|影响)指标")
# 满意度指标 is the 一级 over 服务对象满意度指标; a form that has no 二级 there repeats it.
LEVEL2 = re.compile(
    r"(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|环境效益|可持续影响|服务对象满意度|社会公众满意度"
    r"|经济成本|社会成本|生态环境成本)指标(?:等)?|(?:经济|社会|生态)效益|可持续影响|服务对象满意度")


# A budget system's declaration writes the categories bare (产出, 效益, 质量).
BARE_LEVEL1 = re.compile(r"产出|效益|满意度")
BARE_LEVEL2 = re.compile(r"数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度")


@lru_cache(maxsize=8192)
def category_of(cell: str) -> tuple[str, str] | None:
    """("level1" or "level2", the category as written without spaces) when the
    cell names an indicator category, else None."""
    text = compact(cell)
    if LEVEL2.fullmatch(text) or BARE_LEVEL2.fullmatch(text):
        return "level2", text
    if LEVEL1.fullmatch(text) or BARE_LEVEL1.fullmatch(text):
        return "level1", text
    return None


# An operator written in its own cell (指标性质): ≥ | 95 | %.
OPERATOR = re.compile(r"[≥≤=＝═≧≦><＞＜]|>=|<=|大于等于|小于等于|大于|小于|等于|不低于|不高于|不少于|不多于|不超过|定性|定量")

# Labels of the national forms' blocks and fields (first cell of a row, or a
# cell followed by its value). Matched on the compact text, full match.
FIELD_LABELS: list[tuple[str, re.Pattern]] = [
    ("project_name", re.compile(r"项目名称|(?:转移支付|专项)(?:\(项目\))?名称|专项名称|项目\(专项\)名称")),
    ("supervisor", re.compile(r"(?:中央|地方|省级|市级)?主管(?:预算)?部门")),
    ("implementer", re.compile(r"实施单位|资金使用单位|项目实施单位|执行单位|牵头单位|责任单位")),
    ("unit_name", re.compile(r"部门\(单位\)名称|单位名称|部门名称|预算单位|填报单位|部门|主管部n?")),
    ("finance_dept", re.compile(r"(?:省级|地方)?财政部门")),
    ("self_score", re.compile(r"自评(?:总)?(?:得)?分(?:\(分\))?|总分|自评得分|自评总分")),
    ("grade", re.compile(r"自评等级|评价等级|等级")),
    ("goal_block", re.compile(r"年度总体目标|总体目标|年度(?:绩效)?目标|年度目标完成情况|总体目标完成情况|年初绩效目标")),
    ("indicator_block", re.compile(r"绩效指标|年度绩效指标完成情况|年度关键指标|年度绩效指标")),
    ("other_notes", re.compile(r"其他需要说明(?:的)?(?:事项|情况|问题)|其他说明|备注说明")),
    ("funds_block", re.compile(r"项目资金(?:\(万元\)|\(元\))?|资金投入情况(?:\(万元\))?|预算执行情况(?:\(万元\))?|部门资金情况")),
]


@lru_cache(maxsize=8192)
def field_of(cell: str) -> str | None:
    text = _BRACKETED.sub(lambda m: m.group(0) if m.group(0) in ("(单位)", "(项目)", "(专项)") else "",
                          compact(cell).replace("（", "(").replace("）", ")")).rstrip(":：")
    if not text or len(text) > 14:
        return None
    for name, pattern in FIELD_LABELS:
        if pattern.fullmatch(text):
            return name
    return None


# Fund rows of the forms (年度资金总额 | 年初预算数 | 全年预算数 | 全年执行数 ...):
# the row label's source, and the columns' kinds.
FUND_ROWS: list[tuple[str, re.Pattern]] = [
    ("total", re.compile(r"年度资金总额|资金总额|合计|总计|年度总金额|预算数|执行数")),
    ("fiscal_appropriation", re.compile(
        r"(?:其中)?[:：]?(?:当年)?财政(?:拨款|资金)|(?:其中)?[:：]?(?:中央|省级|自治区|盟市|市级|县级|旗县|区级|地方)(?:财政)?(?:资金|补助|财政资金)"
        r"|(?:其中)?[:：]?中央补助")),
    ("carryover", re.compile(r"(?:其中)?[:：]?上年结转(?:资金)?|结转资金|以前年度结转")),
    ("other", re.compile(r"(?:其中)?[:：]?其他资金.*|地方自筹|自筹资金|(?:地方资金/)?其他")),
]
FUND_COLUMNS: list[tuple[str, re.Pattern]] = [
    ("initial_budget", re.compile(r"年初预算(?:数)?")),
    ("budget", re.compile(r"全年(?:\(调整\))?预算(?:数)?|调整后预算(?:数)?|预算数|转移支付预算数|全年预算"
                          r"|(?:项目)?预算(?:金额|资金总额)")),  # a target declaration's 项目预算金额(万元)
    ("expenditure", re.compile(r"全年执行(?:数)?|执行数|实际支出|转移支付执行数|决算数")),
    ("rate", re.compile(r"(?:预算)?执行率.*|完成率")),
    ("max_score", re.compile(r"分值|权重|执行率权重")),
    ("score", re.compile(r"得分|执行率得分")),
]


@lru_cache(maxsize=8192)
def fund_row_of(cell: str) -> str | None:
    """The source a funds row's label names (年度资金总额 -> total), or None."""
    return _first_match(FUND_ROWS, cell, 24)


@lru_cache(maxsize=8192)
def fund_column_of(cell: str) -> str | None:
    """The kind of amount a funds column holds (全年执行数 -> expenditure), or None."""
    return _first_match(FUND_COLUMNS, cell, 16)


@lru_cache(maxsize=8192)  # the layout stage asks of every short word of every line
def is_table_word(cell: str) -> bool:
    """A word that heads a column or a block of the genre's tables."""
    return bool(role_of(cell) or category_of(cell) or field_of(cell) or fund_column_of(cell))
