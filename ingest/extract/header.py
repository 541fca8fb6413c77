"""Who published the report, for which year, and its headline numbers.

Department, year and title come from the title line, the form's 部门名称
field, or the first official name in the text. Execution rate and self score
come from the first sentence or form cell that states them for the whole
budget (a project's 完成预算的 100% is not the department's).
"""

from __future__ import annotations

import re
from collections import Counter

from ..view import Doc
from ..model import DepartmentFacts, Evidence
from .context import Context
from ..tables import compact

_GENRE = re.compile(r"自评报告|自评表|评价报告|绩效报告|自评情况|绩效自评|绩效评价")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_ORG_SUFFIX = re.compile(
    r"(?:街道办事处|办事处|人民政府|委员会|办公室|管理局|局|委|中心|院|馆|站|所|队|处|厅|会|镇|乡|街道|部)$"
)
_NAME_IN_TITLE_END = re.compile(r"\s*(?:(?:19|20)\d\d\s*年度?)?\s*(?:部门|单位)?(?:整体)?(?:支出)?(?:绩效)?(?:自评|评价).*$")
_OFFICIAL_NAME = re.compile(
    r"(?:[\u4e00-\u9fa5]{2,7}?(?:省|自治区))?(?:[\u4e00-\u9fa5]{2,7}?市)?(?:[\u4e00-\u9fa5]{1,6}?(?:区|县))?"
    r"(?:人民政府)?[\u4e00-\u9fa5]{2,8}?(?:街道办事处|镇人民政府|乡人民政府)"
)
_SPLIT_NAME = re.compile(
    r"^(?P<prov>[\u4e00-\u9fa5]{2,7}?(?:省|自治区))?(?P<city>[\u4e00-\u9fa5]{2,7}?市)?"
    r"(?P<district>[\u4e00-\u9fa5]{1,6}?(?:区|县))?(?P<gov>人民政府)?(?P<unit>.+)$"
)

_RATE_LABEL = re.compile(r"(?:预算|整体支出|支出|资金)?(?:完成率|执行率)")
_EXECUTION_RATE = re.compile(
    r"(?:完成(?:年度|全年|整体)?预算的|(?:预算|整体支出预算|整体预算|支出)(?:完成率|执行率)(?:为|是|达到|达)?)\s*:?\s*"
    r"(?P<v>\d+(?:\.\d+)?)\s*%"
)
_SELF_SCORE = re.compile(
    r"(?:自评|综合|评价|考核|绩效)(?:总)?(?:得分|分数|评分|总分)(?:为|是|达|:)?\s*(?P<v>\d+(?:\.\d+)?)\s*分"
)
_SELF_GRADE = re.compile(r"自评(?:结果|等级|等次|结论)?(?:为|是|:)?\s*[“\"]?(?P<g>优秀|良好|合格|中等|较好|不合格)")


def extract_header(ctx: Context) -> None:
    doc, out = ctx.doc, ctx.out
    title_block = _title(doc)
    title = collapse(doc.clean(title_block.start, title_block.end)) if title_block else None
    out.title = title
    out.year = _year(doc, title)
    name = _department_name(doc, title)
    out.department = department_facts(doc, name) if name else None
    out.execution_rate, out.execution_rate_evidence = _execution_rate(doc)
    out.self_score, out.self_score_evidence = _self_score(doc)
    grade = _SELF_GRADE.search(doc.text.norm)
    out.self_grade = grade.group("g") if grade else None
    if out.department is None:
        out.warnings.append("department not found: the report is kept with an unknown department")
    if out.year is None:
        out.warnings.append("year not found")


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _title(doc: Doc):
    for block in doc.text.blocks[:8]:
        if block.kind == "paragraph" and _GENRE.search(doc.norm(block.start, block.end)):
            return block
    return None


def _year(doc: Doc, title: str | None) -> int | None:
    if title:
        m = _YEAR.search(compact(title))
        if m:
            return int(m.group(1))
    # A form or a fragment without a title: the year the text names most
    # in its first part (the budget year is named over and over).
    head = doc.text.norm[:3000]
    years = Counter(int(y) for y in _YEAR.findall(head.replace(" ", "")) if 1990 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else None


def _department_name(doc: Doc, title: str | None) -> str | None:
    for _, segment in doc.table_segments:
        for row in segment.rows[:2]:
            cells = [compact(c.text) for c in row.cells]
            for i, cell in enumerate(cells):
                if re.fullmatch(r"(?:部门|单位|预算单位)(?:[(（](?:单位|部门)[)）])?(?:名称)?", cell):
                    value = next((c for c in cells[i + 1 :] if c), None)
                    if value:
                        return value
    if title:
        name = _name_in_title(title)
        if name:
            return name
        # A title on two lines: the department, then 关于…的报告.
        previous = _line_before_title(doc)
        if previous and _ORG_SUFFIX.search(previous) and len(previous) <= 40:
            return previous
    found = _OFFICIAL_NAME.findall(compact(doc.text.norm[:5000]))
    if found:
        return Counter(found).most_common(1)[0][0]
    return None


def _name_in_title(title: str) -> str | None:
    head = compact(title)
    head = re.sub(r"^(?:19|20)\d\d\s*年度?", "", head)
    head = _NAME_IN_TITLE_END.sub("", head)
    head = re.sub(r"(?:关于|对)$", "", head)
    return head if len(head) >= 4 and _ORG_SUFFIX.search(head) else None


def _line_before_title(doc: Doc) -> str | None:
    block = _title(doc)
    blocks = doc.text.blocks
    index = blocks.index(block) if block in blocks else 0
    if index > 0 and blocks[index - 1].kind == "paragraph":
        return compact(doc.clean(blocks[index - 1].start, blocks[index - 1].end))
    return None


# Words of a form or a sentence that no department's name holds.
_NOT_A_NAME = re.compile(r"项目|绩效|自评|资金|预算|指标|年度|情况|[，,。；;：:！？、]|\d{3,}")


def plausible_department(name: str | None) -> bool:
    """An official name: ends as one (局, 委, 中心, 镇人民政府 ...), is not a
    sentence fragment or a form label with a name glued on."""
    return bool(name) and 3 <= len(name) <= 30 and bool(_ORG_SUFFIX.search(name)) and not _NOT_A_NAME.search(name)


def department_facts(doc: Doc, name: str) -> DepartmentFacts:
    parts = _SPLIT_NAME.match(name)
    city = parts.group("city") if parts else None
    district = parts.group("district") if parts else None
    unit = parts.group("unit") if parts else name
    if district is None:
        # The name leaves the district out; the text usually gives the full form.
        fuller = re.search(r"([\u4e00-\u9fa5]{2,7}?市)?([\u4e00-\u9fa5]{1,6}?[区县])(?:人民政府)?" + re.escape(unit),
                           compact(doc.text.norm))
        if fuller:
            city = city or fuller.group(1)
            district = fuller.group(2)
    if city is None and district:
        near = re.search(r"([\u4e00-\u9fa5]{2,4}市)" + re.escape(district), compact(doc.text.norm))
        city = near.group(1) if near else None
    return DepartmentFacts(name=name, short_name=short_name(unit, district), district=district, city=city)


def short_name(unit: str, district: str | None = None) -> str:
    """夏港街道办事处 -> 夏港街道, 新塘镇人民政府 -> 新塘镇; a bureau keeps its
    district, since every district has one (天河区卫生健康局)."""
    for suffix, replacement in (("街道办事处", "街道"), ("镇人民政府", "镇"), ("乡人民政府", "乡"), ("办事处", "")):
        if unit.endswith(suffix) and len(unit) > len(suffix):
            return unit[: -len(suffix)] + replacement
    if re.search(r"[镇乡]$|街道$", unit) or not district:
        return unit
    return district + unit


def _execution_rate(doc: Doc) -> tuple[float | None, Evidence | None]:
    """The rate, and the form row or sentence that states it."""
    for _, segment in doc.table_segments:
        for row in segment.rows:
            cells = [compact(c.text) for c in row.cells]
            for i, cell in enumerate(cells[:-1]):
                if re.fullmatch(r"(?:预算|整体支出|支出)?(?:完成率|执行率)", cell):
                    m = re.fullmatch(r"(\d+(?:\.\d+)?)%?", cells[i + 1])
                    if m:
                        return float(m.group(1)), doc.evidence(row.start, row.end)
    norm = doc.text.norm
    for m in _EXECUTION_RATE.finditer(norm):
        clause_start = max(norm.rfind(p, 0, m.start()) for p in "。；;\n") + 1
        clause = norm[clause_start : m.start()]
        # A project's or one source's rate is not the department's.
        if re.search(r"项目|其中|一般公共预算|政府性基金|其他资金|财政拨款", clause[-30:]):
            continue
        return float(m.group("v")), _sentence_evidence(doc, m.start(), m.end())
    return None, None


def _self_score(doc: Doc) -> tuple[float | None, Evidence | None]:
    """The score, and the form row or sentence that states it."""
    for _, segment in doc.table_segments:
        for row in segment.rows:
            cells = [compact(c.text) for c in row.cells]
            if cells and re.fullmatch(r"(?:自评)?(?:总分|总得分|得分)|自评得分|合计", cells[0]) and segment.label:
                # 总分 | 100 | 95.70: the maximum, then the score; the score is last.
                numbers = [float(m.group(1)) for c in cells[1:] if (m := re.fullmatch(r"(\d+(?:\.\d+)?)分?", c))]
                if numbers:
                    return numbers[-1], doc.evidence(row.start, row.end)
    norm = doc.text.norm
    kept = [i for i, ch in enumerate(norm) if ch != " "]  # offsets in norm of the text searched without spaces
    m = _SELF_SCORE.search("".join(norm[i] for i in kept))
    if not m:
        return None, None
    return float(m.group("v")), _sentence_evidence(doc, kept[m.start()], kept[m.end() - 1] + 1)


def _sentence_evidence(doc: Doc, start: int, end: int) -> Evidence:
    """The sentence around a match (its clause, in a table cell), as evidence."""
    span = doc.enclosing_sentence(start, end)
    return doc.evidence(span.start, span.end)
