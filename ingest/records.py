"""Reading a table as records of its header, whatever layout it came in.

A table recovered from text has reliable cells but not always reliable rows:
a merged 一级/二级指标 cell is printed once, a web page drops empty cells, a
space dump runs every row into one line. So a table is read as a *stream* of
typed cells (`Token`), in reading order:

1. types: each cell is an empty cell, a dash (—), an indicator category
   (产出指标, 数量指标 ...), an operator (≥), a number, a unit, a value
   (≥95%, 38508人, 已完成, 2021年12月31日), a header word of a column role, a
   form field label (项目名称, 总分 ...) or text;
2. header: a run of header words gives the columns, in order (a header of
   two rows flattened into one line is put back together: the sub-columns
   指标性质 | 指标值 | 度量单位 take the place of the 年度指标值 above them);
3. records: the cells after the header are aligned to its columns by a
   Viterbi search that scores how well each cell's type fits each column,
   lets a record skip the columns a layout drops (an operator glued to its
   value, an empty reason), prefers records that start where the layout
   starts a row, and reads category cells between records as the category
   of the records that follow (a merged category cell is carried down).

The same search reads the funds block of the national forms (a source row
label, then amounts under 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分).
Each stage is a function over plain data, so a wrong table can be debugged
stage by stage (`tokens`, `find_header`, `align`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from collections import Counter
from itertools import combinations

from .chars import normalise
from .numbers import _UNITS, UNIT_PATTERN
from .text import Block, Cell
from .vocabulary import OPERATOR, category_of, compact, field_of, fund_column_of, fund_row_of, role_of

# Layouts whose rows are real rows: a record should start where a row starts.
ROWS_RELIABLE = frozenset({"tab", "pipe_row", "pipe_cell", "space_row", "grid", "fields"})

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?(?:万|亿)?(?:元)?%?")
_DASH = re.compile(r"[—–\-－/／\\无]+|[—–\-]*\s*")
_UNIT_SET = frozenset(_UNITS) | {"%", "人/年", "个/年", "元/人", "万元/年", "次/年", "次/月", "吨/日", "万人次"}
_VALUE = re.compile(
    r"(?:[≥≤=＝═≧≦><＞＜]|大于等于|小于等于|大于|小于|等于|不低于|不高于|不少于|不多于|不超过|达到|超过|低于|高于|约)?\s*"
    r"[-+]?\d[\d,]*(?:\.\d+)?\s*(?:万|亿|千)?\s*[^\d\s]{0,8}(?:以上|以下|以内)?"
    r"|\d{4}\s*年(?:\d{1,2}\s*月)?(?:\d{1,2}\s*日)?(?:前|底|内|之前)?.*"
)
# Qualitative values the forms write in value cells.
_WORD_VALUE = re.compile(
    r"(?:已|均已|全部|按时|按期|如期|及时|基本|顺利)?(?:完成|达标|合格|实现|到位|发放|落实|建成|办结|验收)"
    r"|优秀?|良好?|中等?|差|合格|有效|显著|明显|逐步提高|有所提升|明显改善|稳步提升|提高|提升|改善|增强|降低|减少"
    r"|是|否|无|正常|清零|归零|达到预期(?:指标|目标)?|达成预期(?:指标|目标)?|建设中|未完成|部分完成|良好|满意|较好"
    r"|(?:全[区市省县镇国]|全国|全省|同类)?(?:排名|排)?(?:前|第)[一二三四五六七八九十\d]+(?:名|位)?"
    r"|(?:达到)?[一二三四五六七八九十\d]级|[A-E]级|[一二三]等奖"
    r"|(?:明显|有所|逐步|稳步|持续|显著)(?:改善|提升|提高|增强|降低|减少|好转)"
    r"|(?:逐步|基本|不断)?(?:健全|完善|规范|常态化|长效)(?:运行)?"
    # done as planned: 按该标准发放, 在规定时间内完成, 按计划完成
    r"|按(?:该|此|照|规定|既定)?(?:的)?(?:标准|时限|计划|要求|进度|规定)(?:发放|完成|执行|落实|拨付)"
    r"|(?:在|于)规定(?:的)?(?:时间|时限|期限)内完成"
)


# Not frozen: a table's every cell becomes one, and a frozen dataclass sets each
# field through object.__setattr__ (five times as slow). Nothing changes a token made.
@dataclass(slots=True)
class Token:
    cell: Cell
    row: int  # the row of the block it is in
    row_start: bool  # the first cell of its row that is not empty
    kind: str  # empty dash category operator number unit value header fundword field text
    text: str  # compact text, normalised (half-width, simplified)
    role: str | None = None  # a header word's column role; a category's level; a field's name
    after_category: bool = False  # the cell before it (empty ones aside) names a category

    @property
    def start(self) -> int:
        return self.cell.start


# A name numbered by the form (指标1:居民健康档案): a name, whatever follows.
NUMBERED_NAME = re.compile(r"^指标\s*\d+\s*[:：.、]")


@lru_cache(maxsize=8192)  # a table's cells repeat (categories, units, operators, header words)
def token_kind(text: str) -> tuple[str, str | None]:
    """(kind, role) of a cell's compact, normalised text."""
    if not text:
        return "empty", None
    if NUMBERED_NAME.match(text):
        return "text", None
    if _DASH.fullmatch(text):
        return "dash", None
    category = category_of(text)
    if category:
        return "category", category[0]
    if OPERATOR.fullmatch(text):
        return "operator", None
    if _NUMBER.fullmatch(text):
        return "number", None
    if text in _UNIT_SET or (len(text) <= 4 and "/" in text and not any(c.isdigit() for c in text)):
        return "unit", None
    role = role_of(text)
    if role:
        return "header", role
    name = field_of(text)
    if name:
        return "field", name
    if fund_column_of(text) or fund_row_of(text):
        return "fundword", None
    if is_value(text):
        return "value", None
    return "text", None


@lru_cache(maxsize=8192)
def is_value(text: str) -> bool:
    """Does a cell hold a value (a quantity, a date, a done-state) rather than a name?"""
    if _WORD_VALUE.fullmatch(text) or _DATE_ONLY.fullmatch(text):
        return True
    m = _VALUE.match(text)
    return bool(m) and m.end() >= 0.7 * len(text) and len(text) <= 24


def tokens(block: Block, layout: str) -> list[Token]:
    """The table's cells in reading order, typed. A slot a merged cell covers is empty, as the text shows it."""
    found: list[Token] = []
    previous_kind = None
    for index, row in enumerate(block.rows):
        seen_content = False
        for cell in row.cells:
            text = normalise(compact(cell.text))
            kind, role = token_kind(text)
            starts = not seen_content and kind != "empty"
            seen_content = seen_content or kind != "empty"
            found.append(Token(cell, index, starts, kind, text, role, previous_kind == "category"))
            if kind != "empty":
                previous_kind = kind
    return found


# -- the header ---------------------------------------------------------------

# Roles a record is made of; anything else in a header is a column we skip over.
INDICATOR_ROLES = ("name", "operator", "target", "unit", "actual", "max_score", "score", "reason", "direction")
PREFIX_ROLES = ("ordinal", "unit_name", "task", "fund", "goal")


@dataclass
class Header:
    start: int  # token index of its first word
    end: int  # token index after its last word
    columns: list[str]  # roles in order, categories (level1, level2) left out
    categories: bool  # the header has 一级/二级指标 columns
    words: list[str | None] = field(default_factory=list)  # every role its words name, in order


def find_headers(stream: list[Token]) -> list[Header]:
    """Indicator-table headers: runs of header words naming an indicator
    (三级指标 or 指标名称) and a value column (指标值 or 完成值)."""
    headers: list[Header] = []
    index = 0
    while index < len(stream):
        if stream[index].kind != "header" or stream[index].role is None:
            index += 1
            continue
        run_end = index
        words: list[Token] = []
        while run_end < len(stream) and (
            stream[run_end].kind in ("header", "empty", "dash")
            or (stream[run_end].kind == "field" and stream[run_end].role == "indicator_block")
            or (stream[run_end].kind == "category" and stream[run_end].text in ("一级指标", "二级指标"))
        ):
            if stream[run_end].kind == "header" and stream[run_end].role:
                words.append(stream[run_end])
            run_end += 1
        roles = [w.role for w in words]
        named = "level3" in roles or "name" in roles
        valued = "target" in roles or "actual" in roles
        if named and valued:
            headers.append(Header(index, run_end, _columns(roles), "level1" in roles or "level2" in roles, roles))
        index = run_end
    return headers


def _columns(roles: list[str | None]) -> list[str]:
    """Columns of a header, a flattened two-row header put back together."""
    roles = ["name" if r == "level3" else r for r in roles]
    first_name = next(i for i, r in enumerate(roles) if r == "name")
    before = [r for r in roles[:first_name] if r not in ("level1", "level2")]
    after = roles[first_name + 1 :]
    # 年度指标值 | 实际完成值 | 分值 | 得分 | 原因 | 一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位:
    # the value columns came before the name, so they were the header's first
    # row; the sub-columns after the name take the place of the first value.
    if any(r in ("target", "actual") for r in before) and after and all(
            r in ("operator", "target", "unit") for r in after):
        first_value = next(i for i, r in enumerate(before) if r in ("target", "actual"))
        columns = ["name", *after, *[r for r in before[first_value + 1 :]]]
        prefix = [r for r in before[:first_value] if r in PREFIX_ROLES]
        return [*prefix, *columns]
    prefix = [r for r in before if r in PREFIX_ROLES]
    return [*prefix, "name", *[r for r in after if r not in ("level1", "level2", "name")]]


# -- aligning cells to columns ------------------------------------------------

_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DATE_ONLY = re.compile(r"(?:19|20)\d\d\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?(?:前|之前|以前|底|末)?")

IMPOSSIBLE = -math.inf
# How an indicator's name ends: the thing measured, not a value of it.
_MEASURE_NAME = re.compile(r"(?:率|人数|户数|次数|人次|数量|面积|里程|时间|标准|成本|规模|年限|满意度|覆盖率|批次|机制|个数|天数)$")


def fit(role: str, token: Token) -> float:
    """How well a cell fits a column: higher is better, IMPOSSIBLE never."""
    kind = token.kind
    if kind in ("header", "field"):
        return IMPOSSIBLE
    if role == "name":
        if _DATE_ONLY.fullmatch(token.text):
            return IMPOSSIBLE  # a date is a 时效 row's value (2021年12月31日), never what it measures
        return {"text": 2.0, "fundword": 1.5, "value": -1.0}.get(kind, IMPOSSIBLE)
    # An empty cell holds a column's place and scores nothing: it neither
    # helps nor hurts a record (the layout printed the column, empty).
    if kind == "empty":
        # a form seldom leaves its target empty: a 年度指标值 cell with nothing in it is
        # more likely a split operator cell or a covered slot before the real target
        return EMPTY_TARGET if role == "target" else 0.0
    if role == "operator":
        return {"operator": 2.5, "dash": 0.0}.get(kind, IMPOSSIBLE)
    if role == "unit":
        return {"unit": 2.0, "dash": 0.0}.get(kind, IMPOSSIBLE)
    # An amount written with thousands separators (3,309,840.00) is money: a budget column's
    # cell, seldom a target's.
    money = kind == "number" and _THOUSANDS.fullmatch(token.text) is not None
    if role in ("target", "actual"):
        if money:
            return 0.3
        if kind == "text" and _MEASURE_NAME.search(token.text):
            return -1.0  # what is measured (培训人次, 资金拨付及时率), hardly its value
        return {"value": 2.0, "number": 1.5, "text": 0.3, "dash": 0.1, "unit": -0.5}.get(kind, IMPOSSIBLE)
    if role in ("max_score", "score"):
        if kind == "number" and not token.text.endswith("%"):
            return 1.0
        return {"dash": 0.0}.get(kind, IMPOSSIBLE)
    if role == "fund":
        return {"number": 2.5 if money else 1.0, "dash": 0.0}.get(kind, IMPOSSIBLE)
    if role in ("task", "unit_name", "goal", "ordinal"):
        return {"text": 0.6, "value": 0.1, "number": 0.1 if role == "ordinal" else -1.0}.get(kind, IMPOSSIBLE)
    # reason, direction and columns we do not read
    return {"text": 0.4, "value": 0.2, "dash": 0.0, "number": -0.5}.get(kind, IMPOSSIBLE)


# What a record loses when a column has no cell at all. A form's target is
# seldom left out, its actual more often (nothing reported yet).
SKIP = {"operator": 0.0, "unit": 0.0, "reason": 0.0, "direction": 0.0, "max_score": -0.3, "score": -0.3,
        "target": -1.2, "actual": -1.0, "ordinal": 0.0, "unit_name": 0.0, "task": 0.0, "fund": 0.0, "goal": 0.0}
ROW_START_BONUS = 1.0
# A record starting inside a row: unlikely where rows are real rows, next to
# impossible where the format drew them (a sheet's, a document's table): the cells
# after a row's values are its explanation and reason (通过问卷调查… | 90%以上得满分).
MID_ROW_START = -1.0
MID_GRID_ROW_START = -3.0
ROW_CROSSING = -0.7
JUNK = {"empty": 0.0, "dash": -0.2}
JUNK_OTHER = -1.5
EMPTY_IN_ROW = -0.6
EMPTY_TARGET = -1.2  # as much as no target cell at all
CATEGORY_BETWEEN = 1.0
NAMED_BY_CATEGORY = 1.0  # what a record named by its category (no name cell) costs


@dataclass
class Record:
    cells: dict[str, list[Token]] = field(default_factory=dict)
    level1: str | None = None
    level2: str | None = None
    named_by_category: bool = False  # no name cell: the category names it

    def text(self, role: str) -> str | None:
        found = [t.cell.text for t in self.cells.get(role, []) if t.kind not in ("empty", "dash")]
        return " ".join(found) if found else None

    def tokens(self) -> list[Token]:
        return sorted((t for ts in self.cells.values() for t in ts), key=lambda t: t.start)


def align(stream: list[Token], columns: list[str], *, rows_reliable: bool, grid: bool = False, required: str = "name",
          fit=fit) -> list[Record]:
    """The records of a stream of cells under these columns (Viterbi).

    States: 0 = between records; j + 1 = the record has filled column j (and
    none after it). A record starts at a prefix column or at the name; with
    `grid` (rows the format drew) hardly ever inside a row."""
    mid_row = MID_GRID_ROW_START if grid else MID_ROW_START
    n = len(columns)
    required_index = columns.index(required)
    start_columns = [j for j in range(required_index + 1)]
    # A row whose name cell holds a value (成本指标 | 100万 | 100万) is named by its
    # category: such a record may start at its first value, right after a category.
    if required == "name" and "target" in columns:
        start_columns.append(columns.index("target"))
    states = n + 1
    score = [IMPOSSIBLE] * states
    score[0] = 0.0
    back: list[list[tuple[int, str]]] = []
    record_row = [-1] * states  # the row its record started on, per state

    for token in stream:
        new = [IMPOSSIBLE] * states
        choice: list[tuple[int, str]] = [(-1, "")] * states
        new_row = [-1] * states
        for state in range(states):
            if score[state] == IMPOSSIBLE:
                continue
            base = score[state]
            # the record in progress may end here (its remaining columns skipped) ...
            if state > required_index:
                closing = base + sum(SKIP.get(columns[j], -0.5) for j in range(state, n))
                _offer(new, choice, new_row, 0, closing + _between(token), state, "close", -1)
                for j in start_columns:
                    _start(new, choice, new_row, columns, token, closing, state, j, rows_reliable, fit, mid_row)
            if state == 0:
                _offer(new, choice, new_row, 0, base + _between(token), 0, "between", -1)
                for j in start_columns:
                    _start(new, choice, new_row, columns, token, base, 0, j, rows_reliable, fit, mid_row)
                continue
            # ... or go on: the token fills a later column, the ones between skipped
            skipped = 0.0
            for j in range(state, n):
                gain = fit(columns[j], token)
                if gain != IMPOSSIBLE:
                    crossing = ROW_CROSSING if rows_reliable and token.row != record_row[state] else 0.0
                    _offer(new, choice, new_row, j + 1, base + skipped + gain + crossing, state, f"fill:{j}",
                           record_row[state])
                if j < n - 1 and j != required_index:
                    skipped += SKIP.get(columns[j], -0.5)
                elif j == required_index:
                    break  # the required column cannot be skipped
            # a category cell between a record's project columns and its name
            # (单位名称 | 项目名称 | 一级指标 | 二级指标 | 三级指标 ...)
            if token.kind == "category" and state <= required_index:
                _offer(new, choice, new_row, state, base + CATEGORY_BETWEEN, state, "category", record_row[state])
            # a stray cell inside a record; where rows are real rows, an empty cell
            # holds its column's place (a 完成值 left empty is no actual: the next
            # number is the 分值), so it is not skipped for free
            stray = EMPTY_IN_ROW if rows_reliable and token.kind == "empty" else JUNK.get(token.kind, JUNK_OTHER)
            _offer(new, choice, new_row, state, base + stray - 0.1, state, "junk", record_row[state])
        score, record_row = new, new_row
        back.append(choice)

    # Best final state: between records, or a record that may end here.
    finals = [(score[0], 0)] + [
        (score[s] + sum(SKIP.get(columns[j], -0.5) for j in range(s, n)), s) for s in range(required_index + 1, states)]
    best_score, state = max(finals)
    if best_score == IMPOSSIBLE:
        return []
    moves: list[tuple[int, str]] = []
    for step in range(len(stream) - 1, -1, -1):
        previous, move = back[step][state]
        moves.append((state, move))
        state = previous
    moves.reverse()
    return _records(stream, columns, moves, required)


def _between(token: Token) -> float:
    if token.kind == "category":
        return CATEGORY_BETWEEN
    return JUNK.get(token.kind, JUNK_OTHER)


def _start(new, choice, new_row, columns, token, base, previous, j, rows_reliable, fit, mid_row) -> None:
    gain = fit(columns[j], token)
    if gain == IMPOSSIBLE or token.kind in ("empty", "dash"):
        return
    if columns[j] == "target":
        if not token.after_category or token.kind not in ("value", "number"):
            return
        gain -= NAMED_BY_CATEGORY
    skipped = sum(SKIP.get(columns[k], -0.5) for k in range(j) if columns[k] != "name")
    bonus = ROW_START_BONUS if rows_reliable and token.row_start else (0.0 if not rows_reliable else mid_row)
    _offer(new, choice, new_row, j + 1, base + gain + skipped + bonus, previous, f"start:{j}", token.row)


def _offer(new, choice, new_row, state, value, previous, move, row) -> None:
    if value > new[state]:
        new[state] = value
        choice[state] = (previous, move)
        new_row[state] = row


def _carried(token: Token, level1: str | None, level2: str | None) -> tuple[str | None, str | None]:
    """The categories in force after a category cell (kept as written, traditional characters too)."""
    if token.role == "level1":
        return compact(token.cell.text), None
    return level1, compact(token.cell.text)


def _records(stream: list[Token], columns: list[str], moves: list[tuple[int, str]], required: str) -> list[Record]:
    records: list[Record] = []
    level1 = level2 = None
    current: Record | None = None
    for token, (_, move) in zip(stream, moves):
        kind, _, index = move.partition(":")
        if kind == "category" and current is not None:
            level1, level2 = _carried(token, level1, level2)
            current.level1, current.level2 = level1, level2
            continue
        if kind in ("close", "between") and current is not None:
            records.append(current)
            current = None
        if kind in ("close", "between"):
            if token.kind == "category":
                level1, level2 = _carried(token, level1, level2)
            continue
        if kind == "start":
            if current is not None:
                records.append(current)
            current = Record(level1=level1, level2=level2, named_by_category=columns[int(index)] == "target")
        if kind in ("start", "fill") and current is not None:
            current.cells.setdefault(columns[int(index)], []).append(token)
    if current is not None:
        records.append(current)
    return [r for r in records if required in r.cells or (r.named_by_category and r.level2)]


# -- glued cells ----------------------------------------------------------------

# A run of digits that is several numeric cells run together (a preview that lost the
# cells' borders, OCR that read a row as one word): 901010010 = 90 | 10 | 100 | 10.
_DIGIT_RUN = re.compile(r"\d[\d.]{4,}")
_ONE_NUMBER = re.compile(r"0|0\.\d+|[1-9]\d*(?:\.\d+)?")
_NUMERIC_ROLES = ("target", "max_score", "actual", "score")
MAX_SCORE_CAP = 50  # no form gives one indicator more points


def split_glued(region: list[Token], columns: list[str], judge_split) -> list[Token]:
    """A glued table's cells with runs of digits split back into the numeric
    columns of its header, where exactly one split agrees with the form's own
    arithmetic (a 得分 never above its 分值, full marks where the actual meets
    the target and fewer where it falls short: `judge_split(name, unit, target,
    actual)` says whether an actual meets its target). A run with no such split is
    left out (its values unknown), never guessed. A name cell ending in the unit a
    计量单位 column holds (完成率%, 面积万亩) gives the unit its own cell."""
    numeric = [role for role in columns if role in _NUMERIC_ROLES]
    if len(numeric) < 3:
        return region
    # The form gives most indicators the same 分值: a split is held to the one the
    # rows that split only one way agree on.
    candidates = {id(t): (roles, _splits(t.text, roles, lambda t_, a: judge_split(n.text, u, t_, a)))
                  for t, n, u, roles in _runs(region, numeric, columns)}
    alone = Counter(float(c[0][roles.index("max_score")]) for roles, c in candidates.values()
                    if len(c) == 1 and "max_score" in roles)
    usual = alone.most_common(1)[0][0] if alone else None
    out: list[Token] = []
    for index, token in enumerate(region):
        if token.kind == "text" and "unit" in columns and _bare_number_after(region, index):
            m = _UNIT_AT_END.search(token.text)
            if m and m.start() >= 2:
                out += [_cut(token, m.start(), "text"), _cut(token, m.start(), "unit", tail=True)]
                continue
        if id(token) in candidates:
            roles, found = candidates[id(token)]
            if usual is not None and "max_score" in roles:
                found = [c for c in found if float(c[roles.index("max_score")]) == usual]
            parts = found[0] if len(found) == 1 else None
            if parts is None:
                out.append(Token(token.cell, token.row, token.row_start, "dash", token.text))
                continue
            offset = 0
            for part in parts:
                out.append(_cut(token, offset, "number", length=len(part)))
                offset += len(part)
            continue
        out.append(token)
    return out


_UNIT_AT_END = re.compile(rf"(?:万|亿)?(?:%|‰|{UNIT_PATTERN})$")


def _cut(token: Token, offset: int, kind: str, *, tail: bool = False, length: int | None = None) -> Token:
    """A part of a cell as a token of its own: before `offset` (or from it, with tail or length)."""
    cell = token.cell
    if tail or length is not None:
        start = cell.start + offset
        end = cell.end if length is None else start + length
        text = cell.text[offset:] if length is None else cell.text[offset : offset + length]
    else:
        start, end, text = cell.start, cell.start + offset, cell.text[:offset]
    sub = type(cell)(start, end, text, cell.column, cell.header, cell.source)
    return Token(sub, token.row, token.row_start and start == cell.start, kind, compact(text))


def _bare_number_after(region: list[Token], index: int) -> bool:
    """Is the next cell a number without a unit of its own (so the unit before it is the row's)?"""
    following = next((t for t in region[index + 1 :] if t.kind != "empty"), None)
    return following is not None and bool(_BARE.fullmatch(following.text))


_BARE = re.compile(r"\d[\d.]*")


def _runs(region: list[Token], numeric: list[str], columns: list[str]):
    """(digit run, its row's name cell, its unit, the numeric columns it covers) for each
    run of digits after a name: the columns its row's values before it have not filled."""
    name, unit, filled = None, "", 0
    for index, token in enumerate(region):
        if _DIGIT_RUN.fullmatch(token.text) or token.kind == "number" and len(token.text) >= 3 and filled >= 2:
            if name is not None and len(numeric) - filled >= 2:  # digits no number reads too (0.4100.110)
                yield (token, _cut(name, len(name.text) - len(unit), "text") if unit else name, unit,
                       numeric[filled:])
        elif token.kind == "text":
            m = _UNIT_AT_END.search(token.text) if "unit" in columns and _bare_number_after(region, index) else None
            name, unit, filled = token, (m.group(0) if m and m.start() >= 2 else ""), 0
        elif token.kind == "unit":
            unit = token.text
        elif token.kind in ("value", "number"):
            filled += 1


def _splits(digits: str, roles: list[str], meets) -> list[list[str]]:
    """The splits of `digits` into len(roles) numbers the form's arithmetic allows: a
    score within its 分值, full marks where the actual meets the target, and where it
    falls short a score in proportion to completion (the national method)."""
    found = []
    for cuts in combinations(range(1, len(digits)), len(roles) - 1):
        parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)))]
        if not all(_ONE_NUMBER.fullmatch(p) for p in parts):
            continue
        values = dict(zip(roles, (float(p) for p in parts)))
        max_score, score = values.get("max_score"), values.get("score")
        if max_score is None or score is None or not (0 < max_score <= MAX_SCORE_CAP) or score > max_score:
            continue
        if "target" in values and "actual" in values:
            met = meets(parts[roles.index("target")], parts[roles.index("actual")])
            if met is None or met != (score == max_score):
                continue
            if not met and not _proportional(values["target"], values["actual"], max_score, score):
                continue
        found.append(parts)
    return found


def _proportional(target: float, actual: float, max_score: float, score: float) -> bool:
    """A shortfall scored near actual/target × 分值 (either way round, for a ceiling), within a fifth of it."""
    if target <= 0 or actual <= 0 or min(actual / target, target / actual) < 0.05:
        return False  # a shortfall of more than 95 % is a misread split far more often than a fact
    ratio = min(actual / target, target / actual)
    return abs(score - max_score * ratio) <= 0.2 * max_score


# -- interleaved rows ---------------------------------------------------------------

def untangle(region: list[Token], columns: list[str], same_unit) -> list[Token]:
    """A spreadsheet dump that wrote the rows under a merged cell column by column —
    each row's name and target first (A₁ T₁ A₂ T₂ A₃ T₃), then each row's actual, scores
    and reason (V₁ S₁ G₁ R₁ V₂ S₂ G₂ …) — put back row by row, where the values part into
    one group per row: an actual in its row's target's unit (`same_unit(target, actual)`),
    its 分值 and 得分, a reason; an unreported actual or score left out. Rows that do not
    part so are left as they are."""
    if not {"target", "actual"} <= set(columns):
        return region
    scored = bool({"max_score", "score"} & set(columns))
    out: list[Token] = []
    index = 0
    while index < len(region):
        rows, after = _names_and_targets(region, index)
        if len(rows) < 2:
            out.append(region[index])
            index += 1
            continue
        # On a scored form the run's first rows may be rows of their own with nothing
        # after them: the longest tail whose rows the values part into is the interleaved
        # part. A tail with more rows than values is never tried, nor more than
        # _TAILS_TRIED, so a long run costs a bounded number of passes. Without scores
        # a row may take nothing, and the values go to the first rows they fit: a
        # shorter tail fits no more than the whole run, so only the run is tried.
        values, end = _value_run(region, after)
        first = max(0, len(rows) - len(values))
        starts = range(first, min(len(rows) - 1, first + _TAILS_TRIED)) if scored else range(1)
        for start in starts:
            groups = _groups(values, [target for _, target in rows[start:]], same_unit, scored=scored)
            if groups is not None:
                out += [t for name_and_target, _ in rows[:start] for t in name_and_target]
                for (name_and_target, _), group in zip(rows[start:], groups):
                    out += [*name_and_target, *group]
                index = end
                break
        else:
            out += region[index:after]
            index = after
    return out


_TAILS_TRIED = 64


def _names_and_targets(region: list[Token], index: int) -> tuple[list[tuple[list[Token], str]], int]:
    """Consecutive (name, target) cells from `index`: [(their tokens, the target as written)]."""
    rows = []
    # A name may read as a funds word (预算执行率): in an indicator table it is a name.
    while index < len(region) and region[index].kind in ("text", "fundword"):
        j = index + 1
        if j < len(region) and region[j].kind == "operator":
            j += 1
        if j >= len(region) or region[j].kind not in ("value", "number"):
            break
        j += 1
        if j < len(region) and region[j].kind == "unit":
            j += 1
        rows.append((region[index:j], "".join(t.text for t in region[index + 1 : j])))
        index = j
    return rows, index


def _value_run(region: list[Token], index: int) -> tuple[list[Token], int]:
    """The cells from `index` to the next category or label, empty cells aside."""
    start = index
    while index < len(region) and region[index].kind not in ("category", "header", "field"):
        index += 1
    return [t for t in region[start:index] if t.kind != "empty"], index


def _groups(values: list[Token], targets: list[str], same_unit, *, scored: bool) -> list[list[Token]] | None:
    """The values cut into one group per row — actual? 分值? 得分? reason? — or None. On
    a form without score columns a row may have nothing (its actual unreported): an
    actual goes to the first row whose target's unit it shares."""
    groups: list[list[Token]] = []
    position = 0
    for target in targets:
        group: list[Token] = []
        if position < len(values) and values[position].kind in ("value", "number") \
                and not _BARE.fullmatch(values[position].text) and same_unit(target, values[position].text):
            group.append(values[position])
            position += 1
        scores = 0
        while position < len(values) and scores < 2 and values[position].kind in ("number", "dash") \
                and _BARE.fullmatch(values[position].text or "0"):
            group.append(values[position])
            position += 1
            scores += 1
        while position < len(values) and values[position].kind == "text":
            group.append(values[position])  # a reason
            position += 1
        if not group and scored:
            return None
        groups.append(group)
    return groups if position == len(values) else None


_NUMBERED = re.compile(r"^指标\s*(\d+)")


def untangle_numbered(region: list[Token], columns: list[str]) -> list[Token]:
    """Rows of a dump whose numbered names (指标1:…, 指标2:…) and values came apart, put
    back by the numbers: a stretch of rows that is not name-then-row, from its first such
    name to the next numbered name that is followed by one row of values (or a category,
    or the end), holds k rows; its values are either every target then every actual with
    its scores (T₁…Tₖ A₁ S S … Aₖ S S) or one row after another (T₁ A₁ S S … Tₖ Aₖ S S);
    whichever parts them exactly is taken. A name wrapped onto a short cell of its own
    (…事件报告 | 数) is one name; a row whose name was lost is left out."""
    if not {"name", "target", "actual"} <= set(columns):
        return region
    out: list[Token] = []
    index = 0
    while index < len(region):
        number = _number(region[index])
        if number is None or _one_row_follows(region, index):
            out.append(region[index])
            index += 1
            continue
        end = _stretch_end(region, index)
        rows = _numbered_rows(region[index:end], number)
        # A stretch that does not part is left whole (tried once, so a long one costs one pass).
        out.extend(region[index:end] if rows is None else [t for row in rows for t in row])
        index = end
    return out


def _number(token: Token) -> int | None:
    m = _NUMBERED.match(token.text) if token.kind == "text" else None
    return int(m.group(1)) if m else None


_VALUE_KINDS = ("operator", "value", "number", "unit", "dash")


def _add_value(cells: list[list[Token]], token: Token) -> None:
    """A value token onto the cells read so far: a unit, or what an operator leads, joins
    the cell before it (≥ | 95 | %); anything else starts a cell."""
    if cells and (token.kind == "unit" or cells[-1][-1].kind == "operator"):
        cells[-1].append(token)
    else:
        cells.append([token])


def _cells_of_values(region: list[Token], index: int) -> tuple[list[list[Token]], int]:
    """The value cells from `index` to the next name, category or header, each with its
    operator and unit cells ([[≥, 95, %], [97%], [2], [1.9]]), and where they end."""
    cells: list[list[Token]] = []
    while index < len(region) and region[index].kind in (*_VALUE_KINDS, "empty"):
        if region[index].kind != "empty":
            _add_value(cells, region[index])
        index += 1
    return cells, index


def _one_row_follows(region: list[Token], index: int) -> bool:
    """Is a numbered name followed by one row of values and then the next row (a name,
    a category) or the end?"""
    cells, after = _cells_of_values(region, index + 1)
    ends_row = after >= len(region) or region[after].kind in ("text", "category")
    return 2 <= len(cells) <= 4 and ends_row and not _BARE.fullmatch(cells[0][-1].text)


def _stretch_end(region: list[Token], index: int) -> int:
    end = index + 1
    while end < len(region):
        token = region[end]
        if token.kind == "category" or (_number(token) is not None and _one_row_follows(region, end)):
            break
        end += 1
    return end


def _numbered_rows(stretch: list[Token], first: int) -> list[list[Token]] | None:
    names: dict[int, Token] = {}
    values: list[list[Token]] = []
    last: int | None = None
    for position, token in enumerate(stretch):
        number = _number(token)
        if number is not None:
            names[number] = token
            last = number
        elif token.kind == "text" and len(token.text) <= 2 and position and _number(stretch[position - 1]) is not None:
            names[last] = _joined(names[last], token)  # 指标24:…事件报告 | 数: a name wrapped in its cell
        elif token.kind in _VALUE_KINDS:
            _add_value(values, token)
        elif token.kind not in ("header", "empty"):
            return None  # a word the stretch cannot place: leave it as it is
    count = max(names) - first + 1
    if count < 2 or any(n < first for n in names):
        return None
    parted = _by_columns(values, count) or _by_rows(values, count)
    if parted is None:
        return None
    return [[names[first + i], *[_one_cell(cell) for cell in row]] for i, row in enumerate(parted) if first + i in names]


def _one_cell(cell: list[Token]) -> Token:
    """A value written over cells (不少于12 | 种; ≥ | 95 | %) as the one value it is."""
    whole = cell[0]
    for part in cell[1:]:
        whole = _joined(whole, part, kind="value")
    return whole


def _is_score(cell: list[Token]) -> bool:
    return len(cell) == 1 and bool(_BARE.fullmatch(cell[0].text))


def _scored(values: list[list[Token]], position: int) -> tuple[list[list[Token]], int] | None:
    """An actual and up to two scores from `position`."""
    if position >= len(values) or _is_score(values[position]):
        return None
    group = [values[position]]
    position += 1
    while position < len(values) and len(group) < 3 and _is_score(values[position]):
        group.append(values[position])
        position += 1
    return group, position


def _by_columns(values: list[list[Token]], count: int) -> list[list[list[Token]]] | None:
    """T₁…Tₖ then A₁ S S … Aₖ S S."""
    if len(values) < 2 * count or any(_is_score(v) for v in values[:count]):
        return None
    rows, position = [], count
    for row in range(count):
        scored = _scored(values, position)
        if scored is None:
            return None
        rows.append([values[row], *scored[0]])
        position = scored[1]
    return rows if position == len(values) and len({len(r) for r in rows}) == 1 else None


def _by_rows(values: list[list[Token]], count: int) -> list[list[list[Token]]] | None:
    """T₁ A₁ S S … Tₖ Aₖ S S."""
    rows, position = [], 0
    for _ in range(count):
        if position >= len(values) or _is_score(values[position]):
            return None
        target = values[position]
        scored = _scored(values, position + 1)
        if scored is None:
            return None
        rows.append([target, *scored[0]])
        position = scored[1]
    return rows if position == len(values) and len({len(r) for r in rows}) == 1 else None


def _joined(head: Token, tail: Token, *, kind: str | None = None) -> Token:
    cell = head.cell
    whole = type(cell)(cell.start, tail.cell.end, cell.text + tail.cell.text, cell.column, cell.header, cell.source)
    return Token(whole, head.row, head.row_start, kind or head.kind, compact(head.text + tail.text), head.role)
