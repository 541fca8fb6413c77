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
from ..chars import normalise
from ..model import DepartmentFacts, Evidence
from ..places import gazetteer
from .context import Context
from ..tables import compact
from ..text import collapse_ws

_GENRE = re.compile(r"自评报告|自评表|评价报告|绩效报告|自评情况|绩效自评|绩效评价")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_ORG_SUFFIX = re.compile(
    r"(?:街道办事处|办事处|人民政府|委员会|办公室|管理局|局|委|中心|院|馆|站|所|队|处|厅|会|镇|乡|街道|部"
    r"|残联|学校|中学|小学|学院|剧团|政府)$"
)
_NAME_IN_TITLE_END = re.compile(r"(?<!\s)\s*+(?:(?:19|20)\d\d\s*年度?)?\s*+(?:部门|单位)?(?:整体)?(?:支出)?(?:绩效)?(?:自评|评价).*$")
_OFFICIAL_NAME = re.compile(
    r"(?:[\u4e00-\u9fa5]{2,7}?(?:省|自治区))?(?:[\u4e00-\u9fa5]{2,7}?市)?(?:[\u4e00-\u9fa5]{1,6}?(?:区|县))?"
    r"(?:人民政府)?[\u4e00-\u9fa5]{2,8}?(?:街道办事处|镇人民政府|乡人民政府)"
)
_SPLIT_NAME = re.compile(
    r"^(?P<prov>[\u4e00-\u9fa5]{2,7}?(?:省|自治区))?(?P<city>[\u4e00-\u9fa5]{2,7}?(?:市|州(?!市)))?"
    r"(?P<district>[\u4e00-\u9fa5]{1,6}?(?:区|县))?(?P<gov>人民政府)?(?P<unit>.+)$"
)

# (It opens with the characters a match starts with, so a search of the whole
# text skips the others at once.)
_EXECUTION_RATE = re.compile(
    r"(?=[完预整支资项执])(?:完成(?:年度|全年|整体)?预算的|(?:预算|整体支出预算|整体预算|支出|资金|项目资金|资金预算)?(?:完成率|执行率|支付率)"
    r"(?:为|是|达到|达)?)\s*:?\s*(?P<v>\d+(?:\.\d+)?)\s*%"
)
_ONE_SOURCE = re.compile(r"其中|一般公共预算|政府性基金|其他资金|财政拨款")
# A project by its name (疫情防控项目), not the report's own (项目, 该项目, 本项目).
_NAMED_PROJECT = re.compile(r"(?<=[\u4e00-\u9fa5])(?<![该本此])项目")
_PROJECT_TITLE = re.compile(r"项目(?:支出)?(?:绩效)?(?:自评|评价|自我评价)")
# A plain 执行率 or 完成率 is the budget's only where the clause speaks of money.
_MONEY_CLAUSE = re.compile(r"预算|资金|执行数|支出|拨付|万元|万,|决算")
_SELF_SCORE = re.compile(
    r"(?:自评|综合|评价|考核|绩效)(?:总)?(?:得分|分数|评分|总分)(?:为|是|达|:)?\s*(?P<v>\d+(?:\.\d+)?)\s*分"
)
_SELF_GRADE = re.compile(r"自评(?:结果|等级|等次|结论)?(?:为|是|:)?\s*[“\"]?(?P<g>优秀|良好|合格|中等|较好|不合格)")


def extract_header(ctx: Context) -> None:
    doc, out = ctx.doc, ctx.out
    title_block = _title(doc)
    title = collapse_ws(doc.clean(title_block.start, title_block.end)) if title_block else None
    out.title = title
    out.names_the_genre = "绩效" in doc.text.norm[:4000]
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


def _title(doc: Doc):
    for block in doc.text.blocks[:8]:
        if block.kind == "paragraph" and _GENRE.search(doc.norm(block.start, block.end)) \
                and not WRAPPER.search(doc.norm(block.start, block.end)):
            return block
    return None


# A budget year as forms and titles write it: (2021年度), 2021年度, 2021年 before what it budgets.
_BUDGET_YEAR = re.compile(r"((?:19|20)\d\d)\s*年(?:度|(?=(?:部门|单位|项目|预算|决算|绩效|资金|整体|中央|省级|财政|全年)))")
# A document site's wrapping around the report (由会员分享, 可在线阅读 ...): its
# lines name the file's own title and dates, not the report's.
WRAPPER = re.compile(r"由会员分享|可在线阅读|更多相关|文档简介|版权说明")
# A page's metadata dates: when it was published, not what it evaluates.
_PAGE_DATE = re.compile(r"(?:发布|发文|生成|成文|报告)日期\s*[:：]?\s*[\d年月日\-./ ]+")
# A date (2022年11月04日) is no budget year.
_YEAR_NOT_DATE = re.compile(r"((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月)")


def _year(doc: Doc, title: str | None) -> int | None:
    if title:
        m = _BUDGET_YEAR.search(compact(title)) or _YEAR.search(compact(title))
        if m:
            return _unless_outvoted(doc, int(m.group(1)))
    # A form or a fragment without a title: the budget year its opening names
    # most, else any year it names most that is not a date.
    lines = doc.text.norm[:4000].split("\n")
    head = _PAGE_DATE.sub("", "".join(line for line in lines if not WRAPPER.search(line))).replace(" ", "")
    for pattern in (_BUDGET_YEAR, _YEAR_NOT_DATE):
        years = Counter(int(y) for y in pattern.findall(head) if 1990 <= int(y) <= 2100)
        if years:
            return years.most_common(1)[0][0]
    return None


def _unless_outvoted(doc: Doc, year: int) -> int:
    """The title's year, unless the document's own budget years say another one
    far more often (a workbook whose first sheet's title has 2013 for the 2023 its
    twenty other sheets write: one stray cell never decides)."""
    years = Counter(int(y) for y in _BUDGET_YEAR.findall(doc.text.norm.replace(" ", "")) if 1990 <= int(y) <= 2100)
    if years:
        usual, count = years.most_common(1)[0]
        if usual != year and count >= 3 and count >= 3 * years[year]:
            return usual
    return year


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
_NOT_A_NAME = re.compile(r"项目|绩效|自评|资金|预算|指标|年度|情况|主管|实施单位|经费|联系|[，,。；;：:！？、《》]|\d{3,}")


def plausible_department(name: str | None) -> bool:
    """An official name: ends as one (局, 委, 中心, 镇人民政府 ...), is not a
    sentence fragment or a form label with a name glued on."""
    return bool(name) and 3 <= len(name) <= 30 and bool(_ORG_SUFFIX.search(name)) and not _NOT_A_NAME.search(name)


def department_facts(doc: Doc, name: str) -> DepartmentFacts:
    """The department's name with its district and city: from the name
    itself (临沧市永德县明朗中学), else from the fuller form the text writes
    (永德县明朗中学 -> 临沧市永德县明朗中学). A place the text does not print stays unknown."""
    places = gazetteer()
    norm_name = normalise(name)
    in_name = places.find(norm_name)
    county = next((d for _, _, d in in_name if d.level == "county"), None)
    city = next((d for _, _, d in in_name if d.level == "city"), None)
    parts = _SPLIT_NAME.match(name)
    unit = parts.group("unit") if parts else name
    if in_name and in_name[-1][2].level != "province":
        unit = re.sub(r"^人民政府", "", name[in_name[-1][1]:])  # 天河区人民政府石牌街道办事处
    text = compact(doc.text.norm)
    if county is None and not in_name:
        # The name leaves its place out; the text usually gives the full form.
        fuller = _place_before(text, normalise(unit))
        if fuller:
            found = places.find(fuller, "county")
            county = found[0][2] if found else None
    if county is not None and county.name.endswith("市") and city is None:
        city, county = county, None  # a county-level city (东阳市) is filed as a city
    if city is None and county is not None:
        parent = places.city_of(county)
        city = parent if parent is not None and parent.name in text else None
    spans = {d.code: norm_name[s:e] for s, e, d in in_name}  # as the name writes them (梁平区, not 梁平县)
    if in_name or county is not None:
        district = _written(name, spans.get(county.code, county.name)) if county is not None else None
        city_name = _written(name, spans.get(city.code, city.name)) if city is not None else None
    else:  # a place the divisions do not list (a development zone): as the name writes it
        district = parts.group("district") if parts else None
        city_name = parts.group("city") if parts else None
    return DepartmentFacts(name=name, short_name=short_name(name), district=district, city=city_name)


_PLACE_NAME = re.compile(r"[\u4e00-\u9fa5]{1,8}[区县旗]")


def _place_before(text: str, unit: str) -> str | None:
    """The first county, district or banner the text writes right before the
    unit's name (天河区 of 天河区人民政府石牌街道办事处): of the places that end
    where the name or 人民政府 before it starts, the one that starts first,
    the shortest. (What a search of ([\u4e00-\u9fa5]{1,8}?(?:区|县|旗))(?:人民政府)?
    and the name finds, without a pattern compiled for each name.)"""
    best: tuple[int, int] | None = None
    at = text.find(unit)
    while at >= 0:
        ends = (at, at - 4) if at >= 4 and text.startswith("人民政府", at - 4) else (at,)
        for end in ends:
            for length in range(2, 10):
                start = end - length
                if start >= 0 and (best is None or (start, length) < best) and _PLACE_NAME.fullmatch(text, start, end):
                    best = (start, length)
        at = text.find(unit, at + 1)
    return text[best[0] : best[0] + best[1]] if best else None


def _written(name: str, place: str) -> str:
    """A place as the name writes it (traditional characters kept)."""
    position = normalise(name).find(place)
    return name[position : position + len(place)] if position >= 0 else place


# A generic place word before a bureau's name (区民政局, 县财政局): the name's own
# place, unnamed. Words that start with one of these are no place (市场监管局, 市政).
_GENERIC_PLACE = re.compile(r"^[省市区县州區縣](?!场|政|容|域|级|属|直|委|辖)(?=.{3,})")


def short_name(name: str) -> str:
    """The name without its leading places (province, city, district,
    county, and 人民政府 after them), never an abbreviation: 临沧市永德县明朗中学
    -> 明朗中学, 广州市天河区人民政府石牌街道办事处 -> 石牌街道, 井研县马踏镇人民政府
    -> 马踏镇. Traditional characters are kept as written."""
    norm = normalise(name)  # one character for one: offsets hold in `name`
    start = 0
    for place_start, place_end, _ in gazetteer().find(norm):
        if place_start != start:
            break
        start = place_end
        if norm.startswith("人民政府", start):
            start += len("人民政府")
    unit = name[start:] or name
    if start == 0:
        unit = _GENERIC_PLACE.sub("", unit)
    for suffix, replacement in (("街道办事处", "街道"), ("镇人民政府", "镇"), ("乡人民政府", "乡"), ("镇政府", "镇"),
                                ("乡政府", "乡"), ("办事处", "")):
        if normalise(unit).endswith(suffix) and len(unit) > len(suffix):
            return unit[: -len(suffix)] + replacement
    return unit


# A form row's label of the budget's rate (预算执行率 | 98.5).
_RATE_LABEL = re.compile(r"(?:预算|整体支出|支出)?(?:完成率|执行率)")


def _execution_rate(doc: Doc) -> tuple[float | None, Evidence | None]:
    """The rate, and the form row or sentence that states it."""
    for _, segment in doc.table_segments:
        for row in segment.rows:
            cells = [compact(c.text) for c in row.cells]
            for i, cell in enumerate(cells[:-1]):
                if _RATE_LABEL.fullmatch(cell):
                    m = re.fullmatch(r"(\d+(?:\.\d+)?)%?", cells[i + 1])
                    if m:
                        return float(m.group(1)), doc.evidence(row.start, row.end)
    norm = doc.text.norm
    # In a department's report a named project's rate is not the report's; in a project's
    # own report (its title: …项目绩效自评报告, 项目支出绩效自评表) it is. One source's never is.
    project_document = _PROJECT_TITLE.search(norm[:300])
    for m in _EXECUTION_RATE.finditer(norm):
        clause_start = max(norm.rfind(p, 0, m.start()) for p in "。；;\n") + 1
        clause = norm[clause_start : m.start()]
        if not project_document and _NAMED_PROJECT.search(norm[clause_start : m.start("v")][-30:]):
            continue  # the rate's words included: 疫情防控项目资金执行率
        # The source named in the rate's own part of the clause (其中财政拨款执行率), not one
        # said of the whole sum before it (资金850万元，当年财政拨款，全年执行数850万元，执行率100%).
        if _ONE_SOURCE.search("".join(re.split(r"[，,]", clause)[-2:])):
            continue
        said = norm[m.start() : m.end()]
        if not re.search(r"预算|资金|支出", said) and not _MONEY_CLAUSE.search(clause):
            continue  # 完成率 of a task, not of the budget
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
    m = _SELF_SCORE.search(norm.replace(" ", ""))  # searched without spaces: 自 评 得 分 as 自评得分
    if not m:
        return None, None
    return float(m.group("v")), _sentence_evidence(doc, _with_spaces(norm, m.start()),
                                                    _with_spaces(norm, m.end() - 1) + 1)


def _with_spaces(text: str, index: int) -> int:
    """The offset in `text` of character `index` of `text` without its spaces."""
    seen = 0
    for run in re.finditer(r"[^ ]+", text):
        if seen + len(run.group()) > index:
            return run.start() + index - seen
        seen += len(run.group())
    raise IndexError(index)


def _sentence_evidence(doc: Doc, start: int, end: int) -> Evidence:
    """The sentence around a match (its clause, in a table cell), as evidence."""
    span = doc.enclosing_sentence(start, end)
    return doc.evidence(span.start, span.end)
