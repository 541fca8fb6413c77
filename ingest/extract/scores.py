"""The self-evaluation score table (一级/二级/三级指标 | 分值 | 自评分).

Rows are read from the right, where the cells stay put: the last two numbers
are the row's 分值 and 自评分, the text before them its 三级指标; pairs of
(name, 分值) further left open a 一级 or 二级 group, by the column they sit in.
A row of text alone continues the name above it (a cell cut by a page break),
and the 合计 row gives the total. Without a table, a sentence such as
管理效能分值 40 分，自评得分 31.5 分 gives one item per module.
"""

from __future__ import annotations

import re

from ..model import ScoreItem
from ..numbers import parse_number
from ..tables import compact
from ..validate import EVIDENCE_JOINER
from .context import Context

_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_PLACEHOLDER = re.compile(r"^[-—–/／]+$")
_TOTAL = re.compile(r"^(?:合计|总计|总分|合\s*计)$")
_MODULE = re.compile(
    r"(?P<name>[\u4e00-\u9fa5]{2,12}?)(?:模块)?(?:分值|满分|权重)(?:为)?(?P<max>\d+(?:\.\d+)?)分[，,]?"
    r"(?:其中)?(?:自评)?(?:得分|分数)(?:为)?(?P<score>\d+(?:\.\d+)?)分"
)


def extract_scores(ctx: Context) -> None:
    for block, segment in ctx.doc.table_segments:
        if segment.has("max_score", "score") and not segment.has("target") and not segment.has("actual"):
            _table(ctx, segment)
    if not ctx.out.score_items:
        _sentences(ctx)


def _table(ctx: Context, segment) -> None:
    doc, out = ctx.doc, ctx.out
    roles = segment.roles or []
    group_columns = [i for i, r in enumerate(roles) if r in ("level1", "level2")]
    parents: dict[int, int] = {}  # level -> index of the current group item
    last_leaf: int | None = None
    for row in segment.rows:
        tokens = [(i, c) for i, c in enumerate(row.cells) if c.text and not _PLACEHOLDER.match(compact(c.text))]
        if not tokens:
            continue
        texts = [compact(c.text) for _, c in tokens]
        if _TOTAL.match(texts[0]):
            numbers = [t for t in texts if _NUMBER.match(t)]
            if numbers and out.self_score is None:
                out.self_score = float(numbers[-1])
            continue
        if not any(_NUMBER.match(t) for t in texts):
            if last_leaf is not None:  # the rest of a name cut by a page break
                item = out.score_items[last_leaf]
                item.name = (item.name or "") + "".join(texts)
                item.evidence = item.evidence + EVIDENCE_JOINER + doc.evidence(row.start, row.end)
            continue
        if len(texts) < 2 or not (_NUMBER.match(texts[-1]) and _NUMBER.match(texts[-2])):
            continue
        max_score, score = parse_number(texts[-2]), parse_number(texts[-1])
        rest = tokens[:-2]
        name = None
        if rest and not _NUMBER.match(compact(rest[-1][1].text)):
            name = compact(rest[-1][1].text)
            rest = rest[:-1]
        # What is left are (group name, 分值) pairs, left to right.
        for k in range(0, len(rest) - 1, 2):
            (column, name_cell), (_, max_cell) = rest[k], rest[k + 1]
            if not _NUMBER.match(compact(max_cell.text)):
                continue
            level = _group_level(column, group_columns, k)
            out.score_items.append(ScoreItem(
                name=compact(name_cell.text), level=level, max_score=parse_number(compact(max_cell.text)),
                evidence=doc.evidence(name_cell.start, max_cell.end), parent=parents.get(level - 1),
            ))
            parents[level] = len(out.score_items) - 1
            parents.pop(level + 1, None)
        parent = parents.get(2, parents.get(1))
        out.score_items.append(ScoreItem(name=name, level=3, max_score=max_score, score=score,
                                         evidence=doc.evidence(row.start, row.end), parent=parent))
        last_leaf = len(out.score_items) - 1


def _group_level(column: int, group_columns: list[int], pair_index: int) -> int:
    """1 or 2: by the header column the group's name sits in, else by its order in the row."""
    if column in group_columns:
        return 1 if column == group_columns[0] else 2
    return 1 + min(pair_index // 2, 1)


def _sentences(ctx: Context) -> None:
    doc, out = ctx.doc, ctx.out
    for block in doc.text.paragraphs():
        norm = doc.norm(block.start, block.end)
        squeezed, positions = _squeeze(norm)
        for m in _MODULE.finditer(squeezed):
            name = re.sub(r"^(?:其中|以及|和|及)", "", m.group("name"))
            start = block.start + positions[m.start("name")]
            end = block.start + positions[m.end() - 1] + 1
            out.score_items.append(ScoreItem(name=name, level=1, max_score=float(m.group("max")),
                                             score=float(m.group("score")), evidence=doc.evidence(start, end)))


def _squeeze(text: str) -> tuple[str, list[int]]:
    """The text without spaces, and where each kept character was."""
    kept = [(i, ch) for i, ch in enumerate(text) if ch not in " \t"]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]
