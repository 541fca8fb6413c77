"""The self-evaluation score table (一级/二级/三级指标 | 分值 | 自评分).

Rows are read from the right, where the cells stay put: the last two numbers
side by side are the row's 分值 and 自评分 (text after them, a reason for lost
points), the text before them its 三级指标; names further left (with their 分值
when given) open a 一级 or 二级 group, by the column they sit in.
A row of text alone continues the name above it (a cell cut by a page break),
and the 合计 row gives the total. Without a table, a sentence such as
管理效能分值 40 分，自评得分 31.5 分 gives one item per module.
"""

from __future__ import annotations

import re

from ..model import ScoreItem
from ..numbers import parse_number
from ..tables import compact
from .context import Context

_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_PLACEHOLDER = re.compile(r"^[-—–/／]+$")
_TOTAL = re.compile(r"^(?:合计|总计|总分|合\s*计)$")
_MODULE = re.compile(
    r"(?P<name>[\u4e00-\u9fa5]{2,12}?)(?:模块)?(?:分值|满分|权重)(?:为)?(?P<max>\d+(?:\.\d+)?)分[，,]?"
    r"(?:其中)?(?:自评)?(?:得分|分数)(?:为)?(?P<score>\d+(?:\.\d+)?)分"
)

# 履职效能模块自评分数为 49.03 分: a module's score without its maximum.
_MODULE_SCORE = re.compile(
    r"(?P<name>[\u4e00-\u9fa5]{2,8}?)模块(?:自评)?(?:得分|分数)(?:为)?(?P<score>\d+(?:\.\d+)?)分"
)


def extract_scores(ctx: Context) -> None:
    for block, segment in ctx.doc.table_segments:
        if id(block) in ctx.form_blocks:
            continue  # a national form: its 分值/得分 columns belong to its funds and indicator rows
        if segment.has("max_score", "score") and not segment.has("target") and not segment.has("actual"):
            _table(ctx, segment)
    if not ctx.out.score_items:
        _sentences(ctx)


def _table(ctx: Context, segment) -> None:
    doc, out = ctx.doc, ctx.out
    roles = segment.roles or []
    levels = {i: int(r[-1]) for i, r in enumerate(roles) if r in ("level1", "level2", "level3")}
    parents: dict[int, int] = {}  # level -> index of the current group item
    last_leaf: int | None = None
    last_leaf_start = 0  # clean offset of the last scored row
    for row in segment.rows:
        tokens = [(i, c) for i, c in enumerate(row.cells) if c.text and not _PLACEHOLDER.match(compact(c.text))]
        if not tokens:
            continue
        texts = [compact(c.text) for _, c in tokens]
        if _TOTAL.match(texts[0]):
            numbers = [t for t in texts if _NUMBER.match(t)]
            if numbers and out.self_score is None:
                out.self_score = float(numbers[-1])
                out.self_score_evidence = doc.evidence(row.start, row.end)
            continue
        numeric = [_NUMBER.match(t) is not None for t in texts]
        if not any(numeric):
            if last_leaf is not None:  # the rest of a name cut by a page break
                item = out.score_items[last_leaf]
                item.name = (item.name or "") + "".join(texts)
                item.evidence = doc.evidence(last_leaf_start, row.end)  # both pieces, and what cut them
            continue
        # 分值 and 自评分 are the last two numbers side by side; text after them
        # is a reason for lost points.
        pair = next((k for k in range(len(texts) - 1, 0, -1) if numeric[k] and numeric[k - 1]), None)
        if pair is None:
            continue
        max_score, score = parse_number(texts[pair - 1]), parse_number(texts[pair])
        rest = tokens[: pair - 1]
        name = None
        if rest and not _NUMBER.match(compact(rest[-1][1].text)):
            name = compact(rest[-1][1].text)
            rest = rest[:-1]
        order = 0
        for k, (column, cell) in enumerate(rest):
            if _NUMBER.match(compact(cell.text)):
                continue  # a group's 分值, taken with its name
            order += 1
            level = levels.get(column) or min(order, 2)
            following = rest[k + 1][1] if k + 1 < len(rest) else None
            group_max = None
            if following is not None and _NUMBER.match(compact(following.text)):
                group_max = parse_number(compact(following.text))
            out.score_items.append(ScoreItem(
                name=compact(cell.text), level=level, max_score=group_max,
                evidence=doc.evidence(cell.start, (following or cell).end), parent=_nearest(parents, level),
            ))
            parents[level] = len(out.score_items) - 1
            for deeper in [lv for lv in parents if lv > level]:
                del parents[deeper]
        # A scored row is a leaf: the table's deepest level, whatever column a
        # page break pushed its name into.
        leaf_level = max(levels.values(), default=3)
        out.score_items.append(ScoreItem(name=name, level=leaf_level, max_score=max_score, score=score,
                                         evidence=doc.evidence(row.start, row.end),
                                         parent=_nearest(parents, leaf_level)))
        last_leaf, last_leaf_start = len(out.score_items) - 1, row.start


def _nearest(parents: dict[int, int], level: int) -> int | None:
    """The innermost open group above a level."""
    above = [lv for lv in parents if lv < level]
    return parents[max(above)] if above else None


def _sentences(ctx: Context) -> None:
    doc, out = ctx.doc, ctx.out
    for block in doc.text.paragraphs():
        norm = doc.norm(block.start, block.end)
        if "模块" not in norm and "分值" not in norm:
            continue
        squeezed, positions = _squeeze(norm)
        for m in list(_MODULE.finditer(squeezed)) or list(_MODULE_SCORE.finditer(squeezed)):
            name = re.sub(r"^(?:其中|以及|和|及)", "", m.group("name"))
            start = block.start + positions[m.start("name")]
            end = block.start + positions[m.end() - 1] + 1
            maximum = m.groupdict().get("max")
            out.score_items.append(ScoreItem(name=name, level=1, max_score=float(maximum) if maximum else None,
                                             score=float(m.group("score")), evidence=doc.evidence(start, end)))


def _squeeze(text: str) -> tuple[str, list[int]]:
    """The text without spaces, and where each kept character was."""
    kept = [(i, ch) for i, ch in enumerate(text) if ch not in " \t"]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]
