"""Whose document it is: the department, and the place it names.

The genre puts the department in one of a few places, and they do not agree
on every page; the most specific one that holds a real official name wins:

1. the form's 部门(单位)名称 / 单位名称 field;
2. the title, when it starts with the name (`镜湖区残联…2023年度绩效自评报告`,
   not `…全民健身中心项目绩效自评表`, which names a project);
3. a name the text introduces (`杜集区城市管理局(以下简称“区城管局”)`);
4. the form's 实施单位 / 资金使用单位, then its local 主管部门 (a central or
   provincial 主管部门 supervises the money, it does not report on it, and
   a finance bureau only passes the money on);
5. the page's publisher (发布机构, 责任部门, 发文单位, 来源);
6. the official name the opening of the text names most.

A name is official when it ends as one (局, 委员会, 中心, 医院, 镇人民政府,
残联, 中学 ...), holds no form word or punctuation, and, from sources 5 and
6, starts with its place (a page's 来源:市文化局 is a fragment). When the
department stays unknown, the report still keeps the district and city its
title or opening names.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import DepartmentFacts
from ..places import gazetteer
from .context import Context
from .header import department_facts, plausible_department

_PLACE = r"(?:[\u4e00-\u9fa5]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fa5]{1,8}?(?:市|州(?!市)|盟|地区))?" \
         r"(?:[\u4e00-\u9fa5]{1,10}?(?:区|县|旗|自治县))?"
# Suffixes of official names. One-character ones that prose is full of (处,
# 所, 站, 镇 ...) are left out: 地处 and 石新镇 name no department.
_ORG = (r"(?:街道办事处|人民政府|委员会|办公室|联合会|残联|管理局|分局|局|委|中心|医院|卫生院|学校|中学|小学|学院|剧团"
        r"|镇政府|乡政府|街道|厅)")
# An official name that starts with its place: 西平县交通运输局, 遂宁市市场监督管理局经开区分局.
# An official name that starts with its place. A unit of a government or a
# bureau chains on: 天河区人民政府石牌街道办事处, 市场监督管理局经开区分局.
OFFICIAL = re.compile(
    r"(?:[\u4e00-\u9fa5]{2,8}?(?:省|自治区|市|州(?!市)|盟|地区)|[\u4e00-\u9fa5]{1,10}?(?:区|县|旗))"
    r"[\u4e00-\u9fa5()（）]{0,16}?" + _ORG +
    r"(?:(?<=人民政府)[\u4e00-\u9fa5]{1,8}?(?:街道办事处|办事处|镇人民政府|乡人民政府|镇政府|乡政府)"
    r"|(?<=局)[\u4e00-\u9fa5]{1,6}?分局)?"
    r"(?![\u4e00-\u9fa5]{0,2}(?:项目|工程|专项))")
# A policy the text cites (根据《河南省财政厅…关于…的通知》) names no department of
# this report; a report it cites (《大英县民政局2020年部门整体支出绩效评价报告》) may.
_CITED_POLICY = re.compile(r"《[^》]{0,80}?(?:通知|办法|意见|规定|方案|批复|决定|规划|细则|指引|标准)[^》]{0,10}》")
_INTRODUCED = re.compile(r"(?P<name>[\u4e00-\u9fa5()（）]{4,30}?)\s*[(（]\s*以下简称")
_PUBLISHER = re.compile(
    r"(?:发布机构|责任部门|发文单位|信息来源|来源|发布单位)\s*[:：]?\s*\|?\s*(?P<name>[\u4e00-\u9fa5()（）]{3,30}?)"
    r"(?=\s|\||$|发布|浏览|生成|日期|责任|关\s*键|文\s*号)")
_GENRE = re.compile(r"绩效|自评|评价|决算|预算")
_TITLE_LEAD = re.compile(r"^(?:\s*(?:(?:19|20)\d\d\s*年度?|中央转移支付|中央对地方|关于|[《“\"【\[]))+")
_NOT_A_DEPARTMENT = re.compile(r"财政|^(?:中央|国家|省级)")
_PLACE_ONLY = re.compile(r"^[\u4e00-\u9fa5]{1,10}?(?:省|自治区|市|州|盟|区|县|旗|自治县)")


def extract_identity(ctx: Context) -> None:
    out = ctx.out
    name = _department(ctx)
    if name is not None:
        out.department = department_facts(ctx.doc, name)
        out.warnings = [w for w in out.warnings if not w.startswith("department not found")]
    elif out.department is None:
        out.place = _place(ctx)
    _responsible_departments(ctx)


def _responsible_departments(ctx: Context) -> None:
    """A project belongs to its form's local 主管部门 when that names a department other than
    the one reporting (the form is most often the 实施单位's): the project's responsible
    department. A central or provincial 主管部门, or a finance bureau, only passes the money on."""
    supervisors = [v for label, v in ctx.fields.get("supervisor", []) if not re.match(r"(?:中央|省级|国家)", label)]
    if not supervisors or not ctx.out.projects:
        return
    name = _official_part(_written(supervisors[0]))
    if not name or not plausible_department(name) or _NOT_A_DEPARTMENT.search(name):
        return
    reporting = ctx.out.department.name if ctx.out.department is not None else None
    if name == reporting:
        return
    responsible = department_facts(ctx.doc, _as_written(ctx.doc, name))
    for project in ctx.out.projects:
        project.responsible = responsible


def _department(ctx: Context) -> str | None:
    doc, fields = ctx.doc, ctx.fields
    norm = doc.text.norm
    head = norm[:3000]

    found_by_header = ctx.out.department.name if ctx.out.department is not None else None
    sources: list[list[str]] = [
        [_written(v) for _, v in fields.get("unit_name", [])],
        [found_by_header] if found_by_header else [],  # a 部门名称 cell, or the title's name
        [name for name in (_title_name(ctx),) if name],
        [_written(m.group("name")) for m in _INTRODUCED.finditer(head)] if "以下简称" in head else [],
        [_written(v) for _, v in fields.get("implementer", [])],
        # A central or provincial 主管部门 supervises the money; it does not report on it.
        [_written(v) for label, v in fields.get("supervisor", []) if not re.match(r"(?:中央|省级|国家)", label)],
        [_written(m.group("name")) for m in _PUBLISHER.finditer(head) if _PLACE_ONLY.match(_written(m.group("name")))],
        _named_in_opening(head[:1500]),
    ]
    for candidates in sources:
        for candidate in candidates:
            name = _official_part(candidate)
            if name and plausible_department(name) and not _NOT_A_DEPARTMENT.search(name):
                return _as_written(doc, name)
    return None


def _written(candidate: str) -> str:
    """A field's or sentence's name without spaces, a leading serial number or quotes."""
    return re.sub(r"^\d+[-—]", "", re.sub(r"\s", "", candidate)).strip("《》“”\"'【】[]:：")


def _named_in_opening(head: str) -> list[str]:
    """The official names the opening gives, most often named first: each
    starts where a real place does, outside the titles of cited policies,
    and no higher than the first place the opening names (a county's report
    names the provincial 厅 that sent it the money)."""
    text = _CITED_POLICY.sub(lambda m: " " * len(m.group(0)), head)
    places = gazetteer().find(text)
    if not places:
        return []
    lowest = max(_LEVELS[division.level] for _, _, division in places[:3])
    found = Counter()
    for start, _, division in places:
        m = OFFICIAL.match(text, start)
        if m and _LEVELS[division.level] >= lowest:
            found[m.group(0)] += 1
    return [name for name, _ in found.most_common()]


_LEVELS = {"province": 0, "city": 1, "county": 2}


def _official_part(candidate: str) -> str | None:
    """The official name a candidate holds: itself when it is one, else the
    name it starts with, whose place must be a real one (a vandalised
    狗万客户端城市管理委员 is no name, and holds none)."""
    if plausible_department(candidate):
        return candidate
    m = OFFICIAL.match(candidate)
    return m.group(0) if m and _starts_with_a_place(candidate) else None


def _starts_with_a_place(name: str) -> bool:
    found = gazetteer().find(name[:12])
    return bool(found) and found[0][0] == 0


def _as_written(doc, name: str) -> str:
    """The name as the clean text writes it (a traditional page keeps its characters)."""
    position = doc.text.norm.find(name)
    return doc.text.clean[position : position + len(name)] if position >= 0 else name


def _title_name(ctx: Context) -> str | None:
    """The department a title starts with: 镜湖区残联中央转移支付2023年度绩效自评报告 -> 镜湖区残联."""
    doc = ctx.doc
    for block in doc.text.blocks[:12]:
        if block.kind != "paragraph":
            continue
        line = re.sub(r"\s", "", doc.norm(block.start, block.end))
        if not _GENRE.search(line[:60]):
            continue
        line = _TITLE_LEAD.sub("", line)
        m = OFFICIAL.match(line)
        if m:
            return m.group(0)
    return None


def _place(ctx: Context) -> DepartmentFacts | None:
    """The district and city a document with no known department names
    first (in its title, else its opening); a city only when the text names it."""
    doc = ctx.doc
    places = gazetteer()
    titles = "".join(doc.norm(b.start, b.end) for b in doc.text.blocks[:12]
                     if b.kind == "paragraph" and _GENRE.search(doc.norm(b.start, b.end)))
    norm = doc.text.norm
    for text in (titles, norm[:1500]):
        counties = places.find(text, "county")
        cities = places.find(text, "city")
        if not counties and not cities:
            continue
        district = counties[0][2] if counties else None
        city = next((c for _, _, c in cities if district is None or c.code == district.city_code), None)
        if city is None and cities and district is None:
            city = cities[0][2]
        return DepartmentFacts(
            name="", short_name=None,
            district=_as_written(doc, text[counties[0][0] : counties[0][1]]) if counties else None,
            city=_as_written(doc, city.name) if city is not None and city.name in norm else None)
    return None
