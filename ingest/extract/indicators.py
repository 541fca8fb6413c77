"""Performance indicators: table rows and narrative statements (GUIDE §3).

Tables: every row of an indicator table (a form's 年度关键指标, a 一级/二级/
三级指标 table with 指标值 and 实际完成值). Task tables are read with their tasks.

Narrative: a statement that gives, for one measure, a planned and an
achieved value, or an achieved value with an explicit completion rate:

- plan, then actual: X年度指标值为 T，实际完成 A (also 目标值/计划/预期);
- actual, then plan: X完成 A（目标 T）;
- a percent of a plan: 完成全年X任务量 T 的 R%, 占…目标任务的 R%, 完成年度考核指标率 R%;
- a completion rate after an achieved quantity: 检查企业 5042 家，完成率 131%;
- a plan fulfilled: 完成X T 目标, 已完成 T 的X任务, 100%完成了…的要求, 超额完成任务,
  完成区下达目标 (each with the achieved quantity said before it);
- a completion rate that is itself the measure: X完成率达 R%;
- a target in a task's goal (X达到 90%以上) met by a value the report gives
  later for the same measure.

A bare achievement (累计走访企业 719 家次, 办结率 87.9%) is an outcome, not an
indicator; so are the budget's own rates and next year's plans.
"""

from __future__ import annotations

import re

from ..view import Doc, Span
from ..model import Evidence, Indicator, Project
from ..chars import normalise, to_simplified
from ..numbers import UNIT_PATTERN, Value, chinese_number, compatible_units, quantities, read_value
from ..outline import under
from ..status import judge
from ..provenance import table_reading
from ..records import (NUMBERED_NAME, ROWS_RELIABLE, Header, align, find_headers, split_glued, tokens, untangle,
                       untangle_numbered)
from ..tables import compact
from .context import Context
from .forms import boundary, project_at
from .statements import TIMELINESS, PlanFacts, measure_name, plan_facts, strip_glosses, tidy

_SKIP_SECTIONS = ("problems", "measures", "duties", "offices", "funds", "goal", "performance_mgmt")
_BUDGET_CONTEXT = re.compile(r"预算|执行数|支出|资金|经费|决算")
_SEPARATORS = "，,；;。：:！？!?"
_SEPARATOR = re.compile(f"[{_SEPARATORS}]")

_NUM = r"\d[\d,]*(?:\.\d+)?"
_RANK_OR_GRADE = (
    r"(?:全[区市省县镇]|全国|全省|同类)?(?:排名)?前[一二三四五六七八九十\d]+(?:名|位)?|优秀|良好|合格|优|良"
    r"|[一二两三四五六七八九十百千]+\s*(?:个|次|家|场|项|人|名|户|所|座|条|批|期|宗|件)"
)
_DATE_VALUE = r"(?:19|20)\d\d\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?(?:底|末)?(?:前|内|之前)?"
_TARGET_VALUE = (
    rf"(?:{_DATE_VALUE}|(?:≥|≤|>=|<=|不低于|不少于|不超过|不高于|大于等于|小于等于|达到|超过|大于|小于)?\s*+(?:约)?\s*+{_NUM}\s*+(?:万|亿)?\s*+"
    rf"(?:%|[\u4e00-\u9fa5]{{0,4}}?(?:/[\u4e00-\u9fa5、]{{1,4}})?)\s*+(?:以上|以下|以内)?|{_RANK_OR_GRADE})"
)
_PLAN_KEYWORD = (
    r"(?:(?:年度|全年|年初)?(?:指标值|目标值|计划值|预期值|考核目标|预期目标|目标任务)|年度目标|全年目标"
    r"|(?:年度|全年)(?:考核)?任务(?:量|数)?|(?:任务)?(?:计划|目标|预期)(?:完成|达到)?"
    # 2019年度建设任务为12.4万亩: the task's own words (建设, 修复) belong to its name
    r"|任务(?:量|数)?(?=为|是))"
)
_ACTUAL_KEYWORD = (
    r"(?:(?:目前|现|截至目前|截至年底)?(?:(?:全年|年度)?实际完成(?:值|率)?|实际值|实际|完成值|完成率|已完成"
    r"|(?:全年|年度|累计)?完成|已?建成|实现))"
)

# The two patterns after open with the characters a match can start with (a
# plan word's; a value's or a verb's): a search then skips the others at once.
_PLAN_THEN_ACTUAL = re.compile(
    rf"(?=[年全指目计预考任])(?P<kw>{_PLAN_KEYWORD})\s*+(?:为|是|:)?\s*+(?P<t>{_TARGET_VALUE})\s*[，,]\s*"
    rf"(?P<akw>{_ACTUAL_KEYWORD})(?:了|为|是|:)?\s*(?P<a>[^；;。，,]+)"
)
# 计划完成健康讲座 120 场，实际完成 136 场: the plan word comes before the measure.
_PLAN_NAME_ACTUAL = re.compile(
    rf"(?P<kw>(?:计划|目标|预期)(?:完成|开展|举办|实现|达到|新增|建设)?)(?P<name>[^，,；;。:：\d]{{2,24}}?)\s*+"
    rf"(?P<t>{_TARGET_VALUE})\s*[，,]\s*(?P<akw>{_ACTUAL_KEYWORD})(?:了|为|是|:)?\s*(?P<a>[^；;。，,]+)"
)
# 服务企业 212 家（目标 203 家） / 实际完成 212 家，年度目标 203 家
_ACTUAL_THEN_PLAN = re.compile(
    r"(?=[实完达≥≤><不大小超约全同排前优良合一二两三四五六七八九十百千\d\s])"
    rf"(?:(?P<akw>实际完成|完成|达到)(?:了)?\s*)?(?P<a>{_TARGET_VALUE})\s*"
    rf"(?:[(（]\s*(?:年度|全年)?(?:目标|计划|指标值|目标值)(?:为|是|:|：)?\s*(?P<t>{_TARGET_VALUE})\s*[)）]"
    rf"|(?<=\S)[，,]\s*(?:年度|全年)?(?:目标|计划|指标值|目标值)(?:为|是)?\s*(?P<t2>{_TARGET_VALUE}))"
)
_PERCENT_OF_PLAN = re.compile(
    r"(?:完成|占|达到|为)(?:了)?(?P<plan>[^，。；,;]{0,30}?(?:任务|目标|计划)(?:量|数)?[^，。；,;]{0,16}?)的\s*"
    r"(?P<r>\d+(?:\.\d+)?)\s*%"
    r"|完成(?:年度|全年)?(?:考核)?指标率(?:高达|达到|达|为)?\s*(?P<r2>\d+(?:\.\d+)?)\s*%"
)
# 全市74.84万亩灾毁农田修复任务已完成63.1万亩: the task's size before its name.
_SIZED_TASK = re.compile(
    rf"(?P<t>{_NUM}\s*+(?:万|亿)?\s*+(?:{UNIT_PATTERN}))(?P<name>[\u4e00-\u9fa5]{{2,16}}?(?:任务|计划|目标))的?\s*+"
    rf"(?:目前|现)?已?(?:完成|建成)了?\s*+(?P<a>{_NUM}\s*+(?:万|亿)?\s*+(?:{UNIT_PATTERN}))"
)
_RATE = re.compile(r"(?P<q>[\u4e00-\u9fa5]{0,8}?)完成(?:率|比例)(?:为|是|达到|达|约)?\s*(?:约)?\s*(?P<r>\d+(?:\.\d+)?)\s*%")
_FULFILLED_TARGET = re.compile(
    rf"(?:已)?完成(?:了)?(?P<name>[^，。；,;\d]{{2,20}}?)\s*(?P<t>{_NUM}\s*+(?:万|亿)?\s*+(?:%|[\u4e00-\u9fa5]{{0,4}}?))\s*+(?:的)?(?P<kw>目标|任务|指标)(?![^，。；,;]*的\s*\d)"
)
_FULFILLED_TASK = re.compile(
    rf"(?P<akw>已完成|完成)(?:了)?\s*(?P<t>{_NUM}\s*(?:万|亿)?\s*(?:%|[\u4e00-\u9fa5]{{0,4}}?))的(?P<name>[^，。；,;]{{2,16}}?(?:任务|目标|指标))"
)
_ALL_DONE = re.compile(r"(?P<r>\d+(?:\.\d+)?)\s*%\s*完成(?:了)?[^，。；,;]{0,20}?(?:要求|任务|目标|计划)")
_OVER_DONE = re.compile(r"超额完成(?:了)?[^，。；,;]{0,12}?(?:任务|目标|指标)?|超指标完成")
_PLAN_MET = re.compile(
    r"完成(?:了)?(?:区|市|省|上级|街道|镇)?(?:下达|布置|规定)?的?(?:年度|全年)?(?:目标|任务|计划)(?:任务)?"
)
_GOAL_TARGET = re.compile(
    r"(?P<name>[^，。；,;：:]{2,24}?)(?:要|须|应|能|均)?(?:达到|达|不低于|保持在|控制在)\s*(?P<t>\d+(?:\.\d+)?\s*%)\s*(?P<suf>以上|以下|以内)?"
)
_ATTRIBUTE = re.compile(r"^(?:共|合计|总计|其中|涉及|约)|面积|金额|人数|户数|人次")
_MEASURE_SUFFIX = re.compile(r"(?:率|数|度|量|比例|人次|次数|占比)$")


def extract_indicators(ctx: Context) -> None:
    carried: Header | None = None  # the indicator header a table continued after a page break reads under
    for block in ctx.doc.text.blocks:
        if block.kind == "table":
            carried = _table(ctx, block, carried)
        elif not _PAGE_FURNITURE.fullmatch(compact(ctx.doc.clean(block.start, block.end))):
            carried = None
    for start, end in _narrative_spans(ctx):
        for sentence in ctx.doc.sentences(start, end):
            _sentence(ctx, sentence)
            _frequency(ctx, sentence)
            _category_statement(ctx, sentence)
            _places_progress(ctx, sentence)
            _unread_statement(ctx, sentence)
    _goal_pairs(ctx)
    _stated_plans(ctx)


# -- tables ----------------------------------------------------------------

# The columns of the national form's indicator table, for a table whose
# header lies outside the text (a page that starts below it).
DEFAULT_COLUMNS = ["name", "target", "actual", "max_score", "score", "reason"]
_NUMBERING = re.compile(r"^(?:指标\s*\d+|\d{1,2})\s*[:：.、．]\s*")
_TABLE_CATEGORY = re.compile(r"(?:年度)?关键指标")


# What stands between a table and its continuation on the next page: a page
# number (— 2 —, 第 2 页 共 5 页, 2/5), a running head repeating the form's title.
_PAGE_FURNITURE = re.compile(r"[-—–]*(?:第?\d{1,3}页?(?:共\d{1,3}页)?|\d{1,3}/\d{1,3})[-—–]*|.{0,30}(?:自评表|目标表)(?:[(（]续[)）])?"
                             r"|[(（]?续(?:表)?[)）]?")


def _table(ctx: Context, block, carried: Header | None) -> Header | None:
    """Every record of every indicator table in a table block (see ingest.records);
    a block with no header of its own that follows an indicator table across a page
    break is its continuation, read under its header. Returns the header in force at
    the block's end."""
    layout = block.source.layout if block.source is not None else "tab"
    stream = ctx.streams.get(id(block)) or tokens(block, layout)
    headers = find_headers(stream)
    if not headers and carried is not None and any(t.kind in ("value", "number") for t in stream):
        headers = [Header(0, 0, list(carried.columns), carried.categories, list(carried.words))]
    if not headers:
        # No header run: the page starts below the header, or a dump scattered
        # its words. Categories or numbered names (指标1:…) still mark the rows
        # of the national form's indicator table.
        marks = [i for i, t in enumerate(stream) if t.kind == "category" or NUMBERED_NAME.match(t.text)]
        if len(marks) < 2:
            return None
        headers = [Header(marks[0], marks[0], list(DEFAULT_COLUMNS), True)]
    for number, header in enumerate(headers):
        if "goal_done" in header.words:
            continue  # a task table (主要任务 | 预期目标 | 目标完成情况 | 关键指标 ...): read with the tasks
        end = headers[number + 1].start if number + 1 < len(headers) else len(stream)
        # Without a header run, header words are scattered through the rows (a dump): they end nothing.
        end = min(end, boundary(stream, header.end, at_headers=header.start != header.end))
        header_words = {t.text for t in stream[header.start : header.end]}
        table_category = next((w for w in header_words if _TABLE_CATEGORY.fullmatch(w)), None)
        region = stream[header.end : end]
        here = stream
        if layout == "glued":
            region = split_glued(region, header.columns, _meets)
        elif layout not in ROWS_RELIABLE:
            region = untangle_numbered(untangle(region, header.columns, _same_unit), header.columns)
        if region != stream[header.end : end]:
            here = stream[: header.end] + region + stream[end:]  # cells split or reordered: positions move
        records = align(region, header.columns, rows_reliable=layout in ROWS_RELIABLE, grid=layout == "grid")
        # Where each token stands in the stream, by identity: tokens are equal by value, and
        # list.index over a long one-line dump would cost a pass per record.
        position = {id(token): i for i, token in enumerate(here)}
        found = 0
        project = None
        for record in records:
            if "task" in record.cells:
                project = _record_project(ctx, record)
            row_start = _row_start(here, position[id(record.tokens()[0])])
            _unreported_actual(record, header.columns)
            indicator = _record_indicator(ctx, record, table_category, row_start)
            if indicator is None:
                continue
            first = record.tokens()[0]
            indicator.project = project if project is not None else project_at(ctx, block, position[id(first)])
            indicator.read_by = table_reading(block, header_found=bool(header.words))
            ctx.out.indicators.append(indicator)
            ctx.claim(first.cell.start, record.tokens()[-1].cell.end)
            found += 1
        if not found:
            where = ctx.doc.evidence(stream[header.start].cell.start, stream[header.start].cell.end).location
            ctx.out.warnings.append(f"an indicator table ({where}) whose header names indicators yielded none")
    last = headers[-1]
    return None if "goal_done" in last.words else last


def _meets(name: str, unit: str, target: str, actual: str) -> bool | None:
    """Does this actual meet this target (both written in `unit`)? None when it cannot be told."""
    status = judge(name, read_value(target + unit, is_target=True), read_value(actual + unit)).status
    return {"met": True, "not_met": False}.get(status)


def _same_unit(target: str, actual: str) -> bool:
    """Is the actual written in the target's unit (≥17909人 and 18701人; 2021年12月 and 2021年11月)?"""
    t, a = read_value(target, is_target=True), read_value(actual)
    if t is None or a is None:
        return False
    if a.kind == "done":
        return True  # 已完成 answers any target
    if t.kind in ("number", "zero") and a.kind in ("number", "zero"):
        return t.unit is not None and compatible_units(t.unit, a.unit)
    return t.kind == a.kind and t.kind in ("date", "done", "grade", "rank", "text")


def _record_project(ctx: Context, record) -> int:
    """A project named in the record's own project column (a table of several projects' indicators)."""
    name_token = record.cells["task"][0]
    name = compact(name_token.cell.text)
    for index, project in enumerate(ctx.out.projects):
        if project.name == name:
            return index
    goal = record.text("goal")
    ctx.out.projects.append(Project(name=name, evidence=ctx.doc.evidence(name_token.cell.start, name_token.cell.end),
                                    goal=goal))
    return len(ctx.out.projects) - 1


def _row_start(stream, index: int):
    """The first cell of the record's row: the category cells before its name belong to its evidence."""
    first = stream[index]
    while index > 0 and stream[index - 1].row == first.row and stream[index - 1].kind in ("category", "empty"):
        index -= 1
    return stream[index]


_VALUE_ROLES = ("operator", "target", "unit", "actual", "max_score", "score", "reason")
_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _unreported_actual(record, columns: list[str]) -> None:
    """A 完成值 left empty in a layout that drops empty cells: the number after
    the target is its 分值, not its actual. An actual is written in its target's
    unit (≥95% | 96%) or, for a qualitative target (有效), in words; a bare number
    (≥95% 10, 有效 10) where the row then lacks its 分值 or 得分 is read as the
    score columns shifted left, and the actual as unreported."""
    actual = [t for t in record.cells.get("actual", []) if t.kind not in ("empty", "dash")]
    if len(actual) != 1 or not _BARE_NUMBER.fullmatch(actual[0].text) or "max_score" not in columns:
        return
    target = record.text("target")
    unit = record.text("unit") or (target and re.sub(r"^[^\d]*\d[\d,.]*", "", compact(target)))
    qualitative = target is not None and not re.search(r"\d", target)  # 有效, 健全: its actual is a word too
    if not qualitative and (not unit or record.text("unit") is None and not re.search(r"\d", target or "")):
        return
    max_score, score = record.text("max_score"), record.text("score")
    if max_score is not None and score is not None:
        return
    if max_score is not None:
        record.cells["score"] = record.cells.pop("max_score")
    record.cells["max_score"] = record.cells.pop("actual")


# A row the form says does not apply (不适用), and a note under the table (备注：作为导入模板…).
_NOT_APPLICABLE = re.compile(r"不适用|不涉及|无此项|暂无")
_NOTE = re.compile(r"^(?:备注|注|说明|填表说明|填报说明)\s*\d*\s*[:：]")


def _record_indicator(ctx: Context, record, table_category: str | None, row_start) -> Indicator | None:
    written = record.text("name") or (record.level2 if record.named_by_category else "")
    name = _NUMBERING.sub("", tidy(written or ""))
    name = strip_glosses(name)
    if len(re.findall(r"[\u4e00-\u9fff]", name)) < 2:
        return None  # a bracketed unit or a word cut from its row ((分), 率%) names nothing
    if _NOTE.match(name) or any(_NOT_APPLICABLE.fullmatch(compact(text or "")) for text in (
            name, record.text("target"), record.text("actual"))):
        return None
    tokens_ = record.tokens()
    doc = ctx.doc
    evidence = doc.evidence(min(row_start.cell.start, tokens_[0].cell.start), tokens_[-1].cell.end)
    target_parts = [record.text(role) for role in ("operator", "target", "unit")]
    target_text = "".join(compact(p) for p in target_parts if p) if record.text("target") else None
    actual_text = tidy(record.text("actual")) if record.text("actual") else None
    if actual_text and record.text("unit") and _BARE_NUMBER.fullmatch(compact(actual_text)):
        actual_text += compact(record.text("unit"))  # the 计量单位 column is the actual's unit too
    if target_text is None and actual_text is None and any(record.cells.get(r) for r in ("fund", "goal")) \
            and not any(record.cells.get(r) for r in _VALUE_ROLES):
        return None  # a project's own cells (预算数, 年度目标) and a name, no value cell at all, not even empty
    if target_text is None and actual_text is None and _cut_by_the_end(ctx, evidence.end):
        ctx.out.warnings.append(f"the last row of a table, cut off by the end of the text, was not read: "
                                f"{evidence.text[:40]!r}")
        return None
    actual_cell = record.cells.get("actual", [None])[0]
    facts = plan_facts(doc.norm(actual_cell.cell.start, actual_cell.cell.end)) if actual_cell else plan_facts("")
    category = record.level2 or record.level1 or table_category
    indicator = _indicator(name, target_text, actual_text, evidence, "table", category=category,
                           completion_rate=facts.completion_rate, against_plan=facts.against_plan,
                           statement=actual_text or "")
    indicator.level1, indicator.level2 = record.level1, record.level2
    indicator.max_score, indicator.score = _score(record.text("max_score")), _score(record.text("score"))
    indicator.deviation_reason = tidy(record.text("reason")) if record.text("reason") else None
    return indicator


def _score(text: str | None) -> float | None:
    m = re.fullmatch(r"\d+(?:\.\d+)?", compact(text or ""))
    return float(m.group(0)) if m else None


def _cut_by_the_end(ctx: Context, raw_end: int) -> bool:
    """Does the text end right after this (a page excerpt cut mid-row)?"""
    return not ctx.doc.text.raw[raw_end:].strip(" \t\n|")


# -- narrative -------------------------------------------------------------


def _narrative_spans(ctx: Context) -> list[tuple[int, int]]:
    """Paragraphs outside plans, problems, duties and budget sections, and the
    long text cells of a form (its 整体目标完成情况)."""
    doc = ctx.doc
    spans = []
    skipped: dict[int, bool] = {}
    for block in doc.text.blocks:
        if block.kind == "paragraph":
            node = doc.node_of(block)
            if id(node) not in skipped:
                skipped[id(node)] = any(under(node, kind) for kind in _SKIP_SECTIONS) and not under(node, "task_results")
            if not skipped[id(node)]:
                spans.append((block.start, block.end))
    for _, segment in doc.table_segments:
        if segment.label and re.search(r"目标", segment.label) and not segment.has("task"):
            for row in segment.rows:
                spans.extend((c.start, c.end) for c in row.cells if len(c.text) > 60)
    spans.extend((cell.start, cell.end) for cell in ctx.goal_cells if (cell.start, cell.end) not in spans)
    return spans


def _clause_start(norm: str, position: int, floor: int) -> int:
    """Where the clause that ends at `position` begins: after the last
    separator outside brackets (辖内兜底性人群（特指：…）服务覆盖率 keeps its note)."""
    depth = 0
    i = position - 1
    while i >= floor:
        char = norm[i]
        if char in ")）":
            depth += 1
        elif char in "(（":
            depth = max(0, depth - 1)
        elif depth == 0 and char in _SEPARATORS:
            return i + 1
        i -= 1
    return floor


def _clauses(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma clauses of norm[start:end], as absolute spans."""
    spans = []
    cursor = start
    for m in re.finditer(r"[，,；;]", norm[start:end]):
        spans.append((cursor, start + m.start()))
        cursor = start + m.end()
    spans.append((cursor, end))
    return [(a, b) for a, b in spans if b > a]


_HAS_PLAN = re.compile(r"目标|计划|预期|指标|任务|要求")
_HAS_DONE = re.compile(r"完成|实际|实现|达到|超额|超指标")


def _sentence(ctx: Context, sentence: Span) -> None:
    doc = ctx.doc
    norm = doc.text.norm
    s, e = sentence.start, sentence.end
    text = norm[s:e]
    # Every rule needs a word of plan or of achievement, most both: most
    # sentences need no pattern run at all.
    has_plan = _HAS_PLAN.search(text)
    if not has_plan and not _HAS_DONE.search(text):
        return
    # Words every match of a pattern below holds: a sentence without one skips its patterns.
    percent, done = "%" in text, "完成" in text
    plan_named = "目标" in text or "计划" in text or "指标值" in text
    if not has_plan:  # only a completion rate can stand without a plan word
        if not percent:
            return
        for m in _RATE.finditer(norm, s, e):
            if not ctx.is_claimed(m.start(), m.end()) and not TIMELINESS.search(m.group("q")):
                rate = float(m.group("r"))
                if not _emit_achieved(ctx, sentence, m.start(), m.end(), rate=rate, against_plan=True, own_clause=True):
                    _emit_rate_measure(ctx, sentence, m, rate)
        return
    for m in _PLAN_THEN_ACTUAL.finditer(norm, s, e):
        if _INVESTMENT.search(m.group("kw")) or _INVESTMENT.search(norm[max(s, m.start() - 2) : m.start("t")]):
            continue  # 计划投资 2179万元: the budget, not a target
        name_start, name_end = _clause_start(norm, m.start("kw"), s), m.start("kw")
        if not norm[name_start:name_end].strip(" ，,"):
            # X，目标值≥85户，实际完成40: the measure is the clause before the plan's.
            name_end = name_start - 1
            name_start = _clause_start(norm, name_end, s)
        _emit_pair(ctx, name_start, name_end, m.start("t"), m.end("t"), m.start("a"), m.end("a"), sentence)
    for m in _PLAN_NAME_ACTUAL.finditer(norm, s, e):
        if ctx.is_claimed(m.start(), m.end()) or _INVESTMENT.search(m.group("name")):
            continue
        _emit_pair(ctx, m.start("name"), m.end("name"), m.start("t"), m.end("t"), m.start("a"), m.end("a"), sentence)
    for m in _ACTUAL_THEN_PLAN.finditer(norm, s, e) if plan_named else ():
        if ctx.is_claimed(m.start(), m.end()) or (m.group("t2") and not m.group("akw")):
            continue  # a bare value then "，目标…" needs the verb to be a pair
        name_end = m.start("akw") if m.group("akw") else m.start("a")
        name_start = _clause_start(norm, name_end, s)
        target = "t" if m.group("t") else "t2"
        _emit_pair(ctx, name_start, name_end, m.start(target), m.end(target), m.start("a"), m.end("a"), sentence)
    for m in _SIZED_TASK.finditer(norm, s, e) if done else ():
        if ctx.is_claimed(m.start(), m.end()):
            continue
        name_start = _clause_start(norm, m.start(), s)
        name = _bare_name(doc.clean(name_start, m.start("t")) + doc.clean(m.start("name"), m.end("name")))
        _emit_pair(ctx, name_start, m.end("name"), m.start("t"), m.end("t"), m.start("a"), m.end("a"), sentence,
                   name=name)
    if not percent and not done:
        return
    for m in _PERCENT_OF_PLAN.finditer(norm, s, e) if percent else ():
        if ctx.is_claimed(m.start(), m.end()):
            continue
        rate = float(m.group("r") or m.group("r2"))
        target = None
        if m.group("plan"):
            plan_q = quantities(m.group("plan"), need_unit=True)
            target = tidy(plan_q[0].text) if plan_q else None
        _emit_achieved(ctx, sentence, m.start(), m.end(), rate=rate, against_plan=True, target=target)
    for m in _RATE.finditer(norm, s, e) if percent else ():
        if ctx.is_claimed(m.start(), m.end()) or TIMELINESS.search(m.group("q")):
            continue
        rate = float(m.group("r"))
        if not _emit_achieved(ctx, sentence, m.start(), m.end(), rate=rate, against_plan=True, own_clause=True):
            _emit_rate_measure(ctx, sentence, m, rate)
    for m in _FULFILLED_TASK.finditer(norm, s, e):
        if ctx.is_claimed(m.start(), m.end()):
            continue
        name = tidy(doc.clean(m.start("name"), m.end("name")))
        _emit(ctx, name, tidy(doc.clean(m.start("t"), m.end("t"))), tidy(doc.clean(m.start("akw"), m.end("akw"))),
              sentence, m.start(), m.end())
    for m in _FULFILLED_TARGET.finditer(norm, s, e):
        if ctx.is_claimed(m.start(), m.end()):
            continue
        name = tidy(doc.clean(m.start("name"), m.end("name")))
        _emit(ctx, name, tidy(doc.clean(m.start("t"), m.end("t"))), "完成", sentence, m.start(), m.end())
    if not done:
        return
    for m in _ALL_DONE.finditer(norm, s, e) if percent else ():
        if ctx.is_claimed(m.start(), m.end()):
            continue
        # The rate covers every quantity its clause reports before it.
        clause = doc.enclosing_sentence(m.start(), m.end(), clauses=True)
        for a, b in _clauses(norm, max(s, clause.start), m.start()):
            if quantities(norm[a:b], need_unit=True) and not ctx.is_claimed(a, b):
                _emit_achieved_clauses(ctx, sentence, [(a, b)], b, m.end(), rate=float(m.group("r")), claim_end=b)
        ctx.claim(m.start(), m.end())
    for pattern in (_OVER_DONE, _PLAN_MET):
        for m in pattern.finditer(norm, s, e):
            if ctx.is_claimed(m.start(), m.end()):
                continue
            clause_start = _clause_start(norm, m.start(), s)
            if quantities(norm[clause_start : m.start()], need_unit=True):
                continue  # 完成整改任务 125 宗 says what was done, not that a plan was met
            _emit_achieved(ctx, sentence, m.start(), m.end(), rate=None, against_plan=False, met=True)


def _emit_pair(ctx: Context, name_start, name_end, t_start, t_end, a_start, a_end, sentence: Span,
               name: str | None = None) -> None:
    """A plan and an actual; a completion rate after the actual (，完成率95%) is a
    percent of that plan. `name`, when given, is the measure's name put
    together from words around the plan (全市 + 灾毁农田修复任务)."""
    doc = ctx.doc
    if name is None:
        names = [_with_subject(ctx, n, name_start) for n in _split_names(doc.clean(name_start, name_end))]
    else:
        names = [name]
    target = tidy(doc.clean(t_start, t_end)).rstrip("，,")
    actual = tidy(doc.clean(a_start, a_end)).rstrip("，,。")
    clause = doc.enclosing_sentence(name_start, a_end, clauses=True)
    evidence = doc.evidence(clause.start, clause.end)
    # A rate in the clause right after the actual (，完成率95%) is a percent of
    # this plan; one further on (，分别完成各自任务的94%) is another's.
    rate_end = _next_clause_end(doc.text.norm, a_end, clause.end)
    after = plan_facts(doc.norm(a_end, rate_end))
    for name in names:
        if not name or _BUDGET_CONTEXT.search(name) and not target.endswith("%"):
            continue  # an amount of money planned and spent is a fund; a rate (资金拨付及时率) is an indicator
        facts = plan_facts(doc.norm(a_start, a_end))
        if after.completion_rate is not None:
            facts = PlanFacts(after.completion_rate, True, None)
        indicator = _indicator(name, target, actual, evidence, "narrative", completion_rate=facts.completion_rate,
                               against_plan=facts.against_plan, statement=actual)
        ctx.add_indicator(indicator, name_start)
    ctx.claim(name_start, rate_end if after.completion_rate is not None else a_end)
    ctx.subjects.append((name_start, names[-1]))


_YEAR = re.compile(r"(?:19|20)\d\d\s*年")


def _with_subject(ctx: Context, name: str, position: int) -> str:
    """2020年度建设任务 after 高标准农田2019年度建设任务 in one paragraph: the
    subject said once carries on (高标准农田2020年度建设任务)."""
    previous = ctx.subject_at(position) if _YEAR.match(name) else None
    year = _YEAR.search(previous) if previous else None
    if year is None or year.start() == 0:
        return name
    return previous[: year.start()] + name


def _next_clause_end(norm: str, position: int, limit: int) -> int:
    """The end of the comma clause that starts at `position` (after its separator)."""
    start = position
    while start < limit and norm[start] in _SEPARATORS + " ":
        start += 1
    m = _SEPARATOR.search(norm, start, limit)
    return m.start() if m else limit


def _split_names(raw: str) -> list[str]:
    """出租屋建档率、出租屋登记率 are two measures; 开展政策培训、业务培训 is one."""
    name = _bare_name(raw)
    parts = [p for p in re.split(r"[、和及与]", name) if p]
    if len(parts) > 1 and all(_MEASURE_SUFFIX.search(p) and len(p) >= 3 for p in parts):
        return parts
    return [name]


def _bare_name(raw: str) -> str:
    """The name without bracketed notes (（%）, （特指：…）) or list markers."""
    name = tidy(raw)
    stripped = re.sub(r"[(（][^()（）]*[)）]", "", name)
    if len(stripped) >= 2:
        name = stripped
    name = re.sub(r"^(?:[一二三四五六七八九十]+是|\d+[.、]|其中|并且|同时)", "", name)
    name = re.sub(r"^(?:全年|年度|本年|今年)", "", name)
    name = re.sub(r"(?:控制|任务|考核|的)+$", "", name)
    return name.strip("的 ")


def _achievement_clauses(norm: str, sentence: Span, before: int, own_clause: bool) -> list[tuple[int, int]]:
    """The clauses reporting what was achieved, just before a rate or plan
    phrase: the nearest clause with a quantity, and those before it that it
    qualifies (82 宗，面积 10 万余平方米)."""
    clause_start = _clause_start(norm, before, sentence.start)
    if own_clause and quantities(norm[clause_start:before], need_unit=True):
        head = [(clause_start, before)]
    else:
        head = []
    spans = _clauses(norm, sentence.start, clause_start)
    chosen: list[tuple[int, int]] = list(head)
    for a, b in reversed(spans):
        text = norm[a:b]
        if not quantities(text, need_unit=True):
            break
        if chosen and not _ATTRIBUTE.search(norm[chosen[0][0] : chosen[0][1]]):
            break
        chosen.insert(0, (a, b))
    return chosen


def _emit_achieved(ctx: Context, sentence: Span, start: int, end: int, *, rate: float | None,
                   against_plan: bool, target: str | None = None, own_clause: bool = False,
                   met: bool = False) -> bool:
    norm = ctx.doc.text.norm
    clauses = _achievement_clauses(norm, sentence, start, own_clause)
    if not clauses:
        return False
    if _BUDGET_CONTEXT.search(norm[clauses[0][0] : end]):
        return True  # the budget's own execution: an execution rate, not an indicator
    _emit_achieved_clauses(ctx, sentence, clauses, start, end, rate=rate, against_plan=against_plan,
                           target=target, met=met)
    return True


def _emit_achieved_clauses(ctx: Context, sentence: Span, clauses, start: int, end: int, *, rate: float | None,
                           against_plan: bool = True, target: str | None = None, met: bool = False,
                           claim_end: int | None = None) -> None:
    doc = ctx.doc
    first_start = clauses[0][0]
    actual = "，".join(_value_part(doc, a, b) for a, b in clauses)
    name = measure_name(doc.clean(*clauses[0]))
    evidence_span = doc.enclosing_sentence(first_start, end, clauses=True)
    statement = "超额完成" if met else ""
    indicator = _indicator(name, target, actual, doc.evidence(evidence_span.start, evidence_span.end), "narrative",
                           completion_rate=rate, against_plan=against_plan and rate is not None, statement=statement)
    ctx.add_indicator(indicator, first_start)
    ctx.claim(first_start, claim_end if claim_end is not None else end)


def _value_part(doc: Doc, start: int, end: int) -> str:
    """A clause's achieved value: its last quantity (检查企业 5042 家 -> 5042家,
    目前已完成约10.15万平方米的房屋拆卸 -> 约10.15万平方米); a clause that
    qualifies another (面积共 125 亩) is kept whole."""
    clause = doc.clean(start, end)
    norm = doc.norm(start, end)
    found = quantities(norm, need_unit=True)
    if not found:
        return tidy(clause)
    if _ATTRIBUTE.search(norm[: found[0].start]) and found[0].start <= 6:
        return tidy(clause)
    return tidy(clause[found[-1].start : found[-1].end])


def _emit_rate_measure(ctx: Context, sentence: Span, m: re.Match, rate: float) -> None:
    """X完成率达 R%: the rate is the measure's achieved value."""
    doc = ctx.doc
    norm = doc.text.norm
    name_start = _clause_start(norm, m.start(), sentence.start)
    head = norm[name_start : m.start()] + m.group("q")
    if len(re.findall(r"[\u4e00-\u9fa5]", head)) < 2 or _BUDGET_CONTEXT.search(head):
        return
    name = _bare_name(doc.clean(name_start, m.end("q"))) + "完成率"
    actual = tidy(doc.clean(m.start("r"), m.end()))
    evidence_span = doc.enclosing_sentence(name_start, m.end(), clauses=True)
    indicator = _indicator(name, None, actual, doc.evidence(evidence_span.start, evidence_span.end), "narrative",
                           completion_rate=rate, against_plan=False, statement="")
    ctx.add_indicator(indicator, name_start)
    ctx.claim(name_start, m.end())


def _emit(ctx: Context, name: str, target: str, actual: str, sentence: Span, start: int, end: int) -> None:
    doc = ctx.doc
    clause_start = _clause_start(doc.text.norm, start, sentence.start)
    evidence_span = doc.enclosing_sentence(clause_start, end, clauses=True)
    if _BUDGET_CONTEXT.search(name) and "元" in target:
        return  # an amount of money planned and spent is a fund
    indicator = _indicator(_bare_name(name), target, actual, doc.evidence(evidence_span.start, evidence_span.end),
                           "narrative", statement=actual)
    ctx.add_indicator(indicator, clause_start)
    ctx.claim(clause_start, end)


# -- how far each place has come ---------------------------------------------

# A county, district or town named in a list (康县、西和县; 武都区): not 全县,
# 其余县区 or 各区, which sum up the places not named.
_PLACE = r"(?![全本该我各其此余])[\u4e00-\u9fa5]{1,4}?(?:县|区|市|镇|乡)"
_PLACES = rf"(?:除|其中|另外)?(?P<places>{_PLACE}(?:、{_PLACE})*+)(?:均|也|都)?"
_PLACE_RATE = re.compile(rf"{_PLACES}(?P<a>已?完成了?\s*(?P<r>{_NUM})\s*%\s*(?:以上|左右|多)?)$")
_PLACE_DONE = re.compile(rf"{_PLACES}(?P<a>已(?:全部|全面)?完成[\u4e00-\u9fa5]{{0,8}}?(?:任务|目标|计划))$")
_EACH_RATE = re.compile(rf"分别完成[^，,。；;]{{0,12}}?(?P<rates>{_NUM}\s*%(?:\s*[和、及]\s*{_NUM}\s*%)+)")


def _places_progress(ctx: Context, sentence: Span) -> None:
    """What each place named has done of the task its paragraph states
    (…建设任务为57.26万亩，…。康县完成60%，武都区、文县完成75%左右；除成县、康县…，
    分别完成各自任务的94%和80%): one indicator per place or list of places,
    named by the places and the task."""
    doc, norm = ctx.doc, ctx.doc.text.norm
    if not ctx.subjects or "完成" not in norm[sentence.start : sentence.end]:
        return
    clauses = _clauses(norm, sentence.start, sentence.end)
    for index, (a, b) in enumerate(clauses):
        task = ctx.subject_at(a)
        if task is None or ctx.is_claimed(a, b):
            continue
        text = norm[a:b].strip().rstrip("。！!")
        offset = a + len(norm[a:b]) - len(norm[a:b].lstrip())
        rate, done = _PLACE_RATE.match(text), _PLACE_DONE.match(text)
        found = rate or done
        if found:
            name = found.group("places") + task
            actual = tidy(doc.clean(offset + found.start("a"), offset + found.end("a")))
            indicator = _indicator(name, None, actual, doc.evidence(a, b), "narrative",
                                   completion_rate=float(rate.group("r")) if rate else None,
                                   against_plan=rate is not None, statement=actual)
            ctx.add_indicator(indicator, a)
            ctx.claim(a, b)
            continue
        places = re.match(_PLACES, text)
        each = places and next((m for c, d in clauses[index : index + 2] for m in [_EACH_RATE.search(norm, c, d)] if m), None)
        if not each:
            continue
        names = places.group("places").split("、")
        rates = re.findall(_NUM, each.group("rates"))
        if len(names) != len(rates):
            continue
        evidence = doc.evidence(a, each.end())
        for place, value in zip(names, rates):
            ctx.add_indicator(_indicator(place + task, None, None, evidence, "narrative",
                                         completion_rate=float(value), against_plan=True), a)
        ctx.claim(a, each.end())


# A report written along the form's categories: `数量指标：完成困难群众救助500人次，已完成`,
# `满意度指标：受益群众满意度≥90%，实际达到96%` — the plan after the category, its result after the comma.
_DONE_STATE = r"(?:已|均已|全部|已全部|按时|按期|如期|顺利)?完成|已达到|达到(?:预期)?(?:目标|要求)?|已实现|未完成|基本完成"
_CATEGORY_STATEMENT = re.compile(
    r"(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度)指标\s*[:：]\s*"
    rf"(?P<plan>[^，,；;。:：]{{2,60}}?)\s*[，,]\s*"
    rf"(?:(?:全年)?实际(?:完成|达到|实现)?(?:了|为)?\s*(?P<a>{_TARGET_VALUE})|(?P<done>{_DONE_STATE}))\s*(?=[。；;，,]|$)")
_PLAN_VALUE = re.compile(
    rf"{_DATE_VALUE}|(?:≥|≤|>=|<=|不低于|不少于|不超过|不高于|大于等于|小于等于|达到|超过)?\s*{_NUM}\s*(?:万|亿)?\s*"
    rf"(?:%|(?:{UNIT_PATTERN})(?:/(?:{UNIT_PATTERN}))?)?\s*(?:以上|以下|以内)?")


def _category_statement(ctx: Context, sentence: Span) -> None:
    norm = ctx.doc.text.norm
    for m in _CATEGORY_STATEMENT.finditer(norm, sentence.start, sentence.end):
        if ctx.is_claimed(m.start("plan"), m.end()):
            continue
        plan = m.group("plan")
        values = list(_PLAN_VALUE.finditer(plan))
        if not values:
            continue
        target = values[-1]
        name = (plan[: target.start()] + plan[target.end() :]).strip()
        name = re.sub(r"(?:于|在)$|^(?:于|在)|(?<=\S)(?:于|在)(?=\S)", "", name)  # 资金于…前拨付到位 -> 资金拨付到位
        name = re.sub(r"^(?:完成|开展|实现|确保|保障|达到)", "", name)
        if len(re.findall(r"[\u4e00-\u9fff]", name)) < 2:
            continue
        actual_group = "a" if m.group("a") else "done"
        actual = tidy(ctx.doc.clean(m.start(actual_group), m.end(actual_group)))
        _emit(ctx, name, tidy(target.group(0)), actual, sentence, m.start("plan"), m.end())


# A standard of frequency and how often it was done: 开展工作督导: 一个季度开展工作督导一次，共4次.
_FREQUENCY = re.compile(
    r"(?P<name>[^:：，,。；;]{2,20})[:：]\s*(?P<t>(?:每|一个|每个)\s*(?P<period>季度|月|半年|年|周)[^，,。；;]{0,16}?"
    r"(?P<n>[一二两三四五六七八九十\d]+)\s*次)[，,]\s*(?:共|累计|全年共?)(?:计)?\s*(?P<a>\d+\s*次)")
_PERIODS_A_YEAR = {"季度": 4, "月": 12, "半年": 2, "年": 1, "周": 52}


def _frequency(ctx: Context, sentence: Span) -> None:
    """A frequency standard met or not by the year's count: once a quarter and 4 in all is met."""
    doc = ctx.doc
    text = doc.norm(sentence.start, sentence.end)
    if "次" not in text or ("每" not in text and "一个" not in text):
        return  # most sentences: no pattern run at all
    for m in _FREQUENCY.finditer(doc.text.norm, sentence.start, sentence.end):
        if ctx.is_claimed(m.start(), m.end()):
            continue
        per_period = chinese_number(m.group("n"))
        done = int(re.sub(r"\D", "", m.group("a")))
        if per_period is None:
            continue
        expected = per_period * _PERIODS_A_YEAR[m.group("period")]
        name = _bare_name(doc.clean(m.start("name"), m.end("name")))
        indicator = _indicator(name, tidy(doc.clean(m.start("t"), m.end("t"))), tidy(doc.clean(m.start("a"), m.end("a"))),
                               doc.evidence(m.start(), sentence.end), "narrative")
        indicator.status = "met" if done >= expected else "not_met"
        indicator.target_value, indicator.actual_value, indicator.target_op = float(expected), float(done), ">="
        ctx.add_indicator(indicator, m.start())
        ctx.claim(m.start(), m.end())


# A statement of plan and result in the genre's own words: one no rule read is said.
_PLAN_AND_RESULT = re.compile(r"(?=[年全指目计预])(?:(?:年度|年初|全年)?(?:指标值|目标值|计划值|预期值)|目标(?:为|是)|计划(?:完成|为))")
_RESULT = re.compile(r"实际|完成|达到|实现")


def _unread_statement(ctx: Context, sentence: Span) -> None:
    doc = ctx.doc
    text = doc.norm(sentence.start, sentence.end)
    if not (_PLAN_AND_RESULT.search(text) and _RESULT.search(text)) or ctx.is_claimed(sentence.start, sentence.end):
        return
    if len(quantities(text, need_unit=True)) < 2 and not re.search(r"\d", text):
        return
    evidence = doc.evidence(sentence.start, sentence.end)
    ctx.out.warnings.append(f"a plan-and-result statement no rule read ({evidence.location}): "
                            f"{compact(evidence.text)[:80]}")


# -- targets stated in goals, met later ------------------------------------


def _goal_pairs(ctx: Context) -> None:
    """A target in a task table's goal (网格事件的办理率达到 90%以上), met or not by
    the value the report gives for that measure elsewhere."""
    doc, out = ctx.doc, ctx.out
    for _, segment in doc.table_segments:
        if not segment.has("task", "goal"):
            continue
        column = segment.column("goal")
        for row in segment.rows:
            if column >= len(row.cells) or not row.cells[column].text:
                continue
            cell = row.cells[column]
            goal = doc.norm(cell.start, cell.end)
            for m in _GOAL_TARGET.finditer(goal) if "%" in goal else ():  # (a search is slow: a name at every position)
                name = _bare_name(m.group("name"))
                key = re.sub(r"的", "", _MEASURE_SUFFIX.sub("", name))
                key = re.sub(r"(?:办理|办结|完成|处理)$", "", key)
                if len(key) < 3 or not _MEASURE_SUFFIX.search(name):
                    continue
                found = _later_value(ctx, key)
                if found is None:
                    continue
                actual_start, actual_end, sentence = found
                goal = doc.enclosing_sentence(cell.start + m.start(), cell.start + m.end(), clauses=True)
                target = tidy(m.group("t") + (m.group("suf") or ""))
                actual = tidy(doc.clean(actual_start, actual_end))
                evidence = doc.evidence(sentence.start, sentence.end, also=((goal.start, goal.end),))
                out.indicators.append(_indicator(re.sub(r"的", "", name), target, actual, evidence, "narrative",
                                                 statement=actual))
                ctx.claim(actual_start, actual_end)


# A section that states the year's targets (一、目标任务, 绩效目标分解下达情况, 预算和绩效目标情况),
# not one that reports on them (绩效目标完成情况).
_PLAN_SECTION = re.compile(r"目标")
_RESULT_SECTION = re.compile(r"完成|实现|成效|效果|达成|自评|评价|分析")
# A planned quantity: the words before it name the measure (婚检率稳定在 85%左右).
_PLANNED = re.compile(
    r"(?P<name>[\u4e00-\u9fa5“”()（）、]{2,24}?)(?:稳定在|保持在|控制在|达到|不低于|不少于|为|达|约|实现|新建|完成|建设)?\s*+"
    r"(?P<t>(?:≥|≤|不低于|不少于|不超过)?\s*+\d[\d,]*(?:\.\d+)?\s*+(?:万|亿)?\s*+(?:%|[\u4e00-\u9fa5]{1,3}?)\s*(?:以上|以下|以内|左右)?)"
    r"(?=[，,。；;、\s]|$)")
_SAME_MEASURE = 3  # characters a result must share with a plan's measure name
# A sentence labelled as a plan (绩效目标：…, 成效指标：…), in whatever section it stands.
# (Opening with the characters a label starts with lets a search skip the rest at once.)
_PLAN_LABEL = re.compile(r"(?=[年预绩产效成满])(?:^|(?<=[。\s]))(?:(?:年度|预期|绩效)目标|(?:产出|效益|成效|满意度)指标)\s*[:：]")
_INVESTMENT = re.compile(r"投资|预算|拨款|资金")
# A planned quantity written before what it counts: 目标是169处农村饮水工程维修养护.
_PLANNED_FIRST = re.compile(
    r"(?:目标(?:是|为)|计划|实现|完成|新建|建设|用于)\s*(?P<t>\d[\d,]*(?:\.\d+)?\s*(?:万)?\s*[\u4e00-\u9fa5]{1,2}?)"
    r"(?P<name>[\u4e00-\u9fa5“”、]{3,20})")


def _stated_plans(ctx: Context) -> None:
    """Targets a report states in its goals section (一、目标任务: 婚检率稳定在85%左右),
    met or not by the values its later sections report for the same measure
    (三、完成情况: 婚检率为94.99%). A planned amount of money is the budget, not a target."""
    doc, out = ctx.doc, ctx.out
    plans: list[tuple[str, str, Span, object]] = []
    result_spans: list[tuple[int, int]] = []
    plan_nodes: set[int] = set()
    for node in doc.outline.walk():
        title = to_simplified(node.title(doc.text)) if node.block is not None else ""
        reports = _RESULT_SECTION.search(title.replace("下达情况", ""))
        # A part of a goals section (一、绩效目标分解下达情况 › 1、…下达预算及项目情况) states plans too.
        in_plan = not reports and (bool(_PLAN_SECTION.search(title)) or
                                   any(id(a) in plan_nodes for a in node.ancestors()))
        if in_plan:
            plan_nodes.add(id(node))
        for block in node.body + ([node.block] if node.block is not None else []):
            if block.kind != "paragraph":
                continue
            if in_plan:
                plan_spans = [(block.start, block.end)]
            elif _labels_plans(doc.norm(block.start, block.end)):
                # 成效指标：群众满意度达90%以上 states a plan wherever it stands; the rest reports
                plan_spans = []
                for sentence in doc.sentences(block.start, block.end):
                    labelled = _PLAN_LABEL.match(doc.norm(sentence.start, sentence.end).lstrip())
                    (plan_spans if labelled else result_spans).append((sentence.start, sentence.end))
            else:
                result_spans.append((block.start, block.end))
                continue
            for clause in (c for a, b in plan_spans for c in doc.sentences(a, b, clauses=True)):
                said = strip_glosses(doc.norm(clause.start, clause.end))
                for m in [*_PLANNED.finditer(said), *_PLANNED_FIRST.finditer(said)]:
                    target = read_value(m.group("t"), is_target=True)
                    if target is None or target.kind != "number" or target.unit in ("万元", "元", "亿元") or \
                            "资金" in m.group("name") or "投资" in m.group("name"):
                        continue
                    name = _bare_name(re.sub(r"^(?:[一二三四五六七八九十]是|全市|全县|全区|我县|我市|我区|实现|用于)+", "",
                                             m.group("name")))
                    if len(name) >= 2:
                        plans.append((name, tidy(m.group("t")), clause, target))
    used: set[int] = set()
    for name, target_text, plan_clause, target in plans:
        found = _result_for(ctx, name, target, result_spans, used)
        if found is None:
            continue
        clause, actual_start, actual_end = found
        used.add(actual_start)
        actual = tidy(doc.clean(actual_start, actual_end))
        evidence = doc.evidence(clause.start, clause.end, also=((plan_clause.start, plan_clause.end),))
        out.indicators.append(_indicator(name, target_text, actual, evidence, "narrative", statement=actual))
        ctx.claim(actual_start, actual_end)


def _labels_plans(text: str) -> bool:
    """Does a paragraph label a plan (绩效目标：…)? Asked of every paragraph: the words are looked for first."""
    return ("目标" in text or "指标" in text) and ("：" in text or ":" in text) and bool(_PLAN_LABEL.search(text))


def _result_for(ctx: Context, name: str, target, spans: list[tuple[int, int]],
                used: set[int]) -> tuple[Span, int, int] | None:
    """The first value a later section gives for the measure: in a clause that
    shares its name (婚检率 ... 94.99%), or the very quantity planned (32.63公里)."""
    doc = ctx.doc
    key = normalise(name)
    by_name = None
    for start, end in spans:
        for clause in doc.sentences(start, end, clauses=True):
            norm = doc.norm(clause.start, clause.end)
            shared = _shared_run(key, norm) >= min(_SAME_MEASURE, len(key))
            for q in quantities(norm):
                position = clause.start + q.start
                if position in used or ctx.is_claimed(position, clause.start + q.end):
                    continue
                value, unit = q.in_unit()
                if unit == target.unit and value == target.value:
                    return clause, position, clause.start + q.end  # the very quantity planned
                if by_name is None and shared and unit is not None and compatible_units(target.unit, unit):
                    by_name = clause, position, clause.start + q.end
    return by_name


def _shared_run(a: str, b: str) -> int:
    """The length of the longest run of characters a and b share."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def _later_value(ctx: Context, key: str) -> tuple[int, int, Span] | None:
    """A percentage the report gives for this measure, in the sentence that names it."""
    doc = ctx.doc
    norm = doc.text.norm
    for start, end in _narrative_spans(ctx):
        for position in (m.start() for m in re.finditer(re.escape(key), norm[start:end])):
            at = start + position
            sentence = doc.enclosing_sentence(at, at + len(key))
            tail = norm[at : sentence.end]
            m = re.search(r"(?:率|度)\s*(?:为|达到|达)?\s*(\d+(?:\.\d+)?\s*%)", tail)
            if m and not ctx.is_claimed(at + m.start(1), at + m.end(1)):
                return at + m.start(1), at + m.end(1), sentence
    return None


# -- building one indicator -------------------------------------------------


def _indicator(name: str, target_text: str | None, actual_text: str | None, evidence: Evidence, origin: str, *,
               category: str | None = None, completion_rate: float | None = None, against_plan: bool = False,
               statement: str = "") -> Indicator:
    target = read_value(target_text, is_target=True)
    actual = read_value(actual_text)
    verdict = judge(name, target, actual, completion_rate=completion_rate, rate_against_plan=against_plan,
                    statement=statement)
    target_value, actual_value, unit = _values(target, actual)
    return Indicator(
        name=name,
        evidence=evidence,
        origin=origin,
        status=verdict.status,
        category=category,
        target_text=target_text or None,
        target_value=target_value,
        target_op=verdict.op if target is not None else None,
        actual_text=actual_text or None,
        actual_value=actual_value,
        unit=unit,
        completion_rate=completion_rate,
        read_by="narrative" if origin == "narrative" else None,  # a table row's: its table's layout (_table)
    )


def _values(target: Value | None, actual: Value | None) -> tuple[float | None, float | None, str | None]:
    """Target and actual as numbers in one unit (the actual's when both are numbers)."""
    def number(v: Value | None) -> bool:
        return v is not None and v.kind in ("number", "rank", "zero") and v.value is not None

    if number(actual) and number(target):
        return target.value, actual.value, actual.unit or target.unit
    if number(actual):
        return None, actual.value, actual.unit
    if number(target):
        return target.value, None, target.unit
    if target is not None and target.kind == "grade":
        return None, None, "grade"
    return None, None, None

