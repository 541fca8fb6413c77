"""Outcomes (主要工作成效), problems (存在的主要问题) and measures (下一步改进措施).

The items of a section are its numbered parts; a part that enumerates
(一是…二是…) gives one item per enumerated point, since each is a distinct
statement and the part's heading is only its label. Without numbered parts,
the section's inline enumeration or its paragraphs are the items, leaving out
an introduction that ends in a colon. A form states them in one cell, split
at sentences and clauses.
"""

from __future__ import annotations

import re

from ..model import TextItem
from ..outline import Node, enumeration, inline_items, sections
from ..tables import compact
from ..text import collapse_ws
from .context import Context

_FORM_LABELS = {
    "problems": re.compile(r"存在(?:的)?(?:主要)?问题|问题"),
    "measures": re.compile(r"(?:改进|整改)措施|下一步"),
}
_LEAD_IN = re.compile(r"以下|如下|针对|为此|加以解决|采取.{0,6}措施|我们(?:要|将)")
_ENUM_CN = re.compile(r"(?:^|(?<=[。；;\s]))(?P<n>[一二三四五六七八九十]{1,2})、")
_ENUM_NUM = re.compile(r"(?:^|(?<=[。；;\s]))(?P<n>\d{1,2})[.、](?!\d)")


def extract_narrative(ctx: Context) -> None:
    out = ctx.out
    for kind, target in (("outcomes", out.outcomes), ("problems", out.problems), ("measures", out.measures)):
        found = sections(ctx.doc.outline, kind)
        for section in found:
            target.extend(_section_items(ctx, section))
        if not found:
            target.extend(_form_items(ctx, kind))


def _item(ctx: Context, start: int, end: int) -> TextItem:
    return TextItem(text=collapse_ws(ctx.doc.clean(start, end)), evidence=ctx.doc.evidence(start, end))


def _section_items(ctx: Context, section: Node) -> list[TextItem]:
    doc = ctx.doc
    items = []
    if section.children:
        for child in section.children:
            start, end = child.span(doc.text)
            enumerated = _enumerated(ctx, start, end)
            if len(enumerated) >= 2:
                items.extend(_item(ctx, s, e) for s, e in enumerated)
            else:
                items.append(_item(ctx, child.title_start, end))
        return items
    paragraphs = [b for b in section.body if b.kind == "paragraph"]
    for block in paragraphs:
        norm = doc.norm(block.start, block.end)
        enumeration = inline_items(norm)
        if enumeration:
            items.extend(_item(ctx, block.start + s, block.start + e) for s, e in enumeration)
        elif not norm.rstrip().endswith(("：", ":")):
            items.append(_item(ctx, block.start, block.end))
    return items


def _enumerated(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    """The 一是…二是… points within a span, inline or one paragraph each."""
    doc = ctx.doc
    spans = [(max(b.start, start), min(b.end, end)) for b in doc.text.blocks
             if b.kind == "paragraph" and b.end > start and b.start < end]
    return enumeration(doc.text.norm, spans)


def _form_items(ctx: Context, kind: str) -> list[TextItem]:
    """A form's 存在问题 / 改进措施 / 整体目标完成情况 cell, split into statements."""
    doc = ctx.doc
    items = []
    for _, segment in doc.table_segments:
        label = segment.label or ""
        if kind == "outcomes":
            if not re.search(r"目标", label):
                continue
            cells = _completion_cells(segment)
        else:
            if not _FORM_LABELS[kind].search(label):
                continue
            cells = [c for row in segment.rows for c in row.cells[1:] if c.text]
        for cell in cells:
            items.extend(_item(ctx, s, e) for s, e in _statements(ctx, cell.start, cell.end, kind))
    return items


def _completion_cells(segment):
    """The 整体目标完成情况 column of a form's 年度整体目标 section."""
    header = segment.rows[0] if segment.rows else None
    if header is None:
        return []
    column = next((i for i, c in enumerate(header.cells) if "完成情况" in c.text), None)
    if column is None:
        return []
    return [row.cells[column] for row in segment.rows[1:] if column < len(row.cells) and row.cells[column].text] or \
        [c for row in segment.rows[1:] for c in row.cells[column:] if c.text]


def _statements(ctx: Context, start: int, end: int, kind: str) -> list[tuple[int, int]]:
    doc = ctx.doc
    norm = doc.norm(start, end)
    for pattern in (_ENUM_CN, _ENUM_NUM):
        marks = [m for m in pattern.finditer(norm)]
        ordinals = [m.group("n") for m in marks]
        if len(marks) >= 2 and ordinals[:2] in (["一", "二"], ["1", "2"]):
            bounds = [m.start() for m in marks] + [len(norm)]
            return [(start + a, start + b) for a, b in zip(bounds, bounds[1:])]
    if kind == "outcomes":
        return [(start, end)]
    sentences = list(doc.sentences(start, end))
    if len(sentences) > 1 and _LEAD_IN.search(doc.norm(sentences[0].start, sentences[0].end)):
        sentences = sentences[1:]
    pieces = []
    for sentence in sentences:
        for clause in doc.sentences(sentence.start, sentence.end, clauses=True):
            pieces.extend(_split_commas(ctx, clause.start, clause.end))
    return pieces


# A comma part that starts with one of these carries on the statement before
# it (加强项目进度管理，合理安排施工时间); one that starts with its own subject
# (党建工作仍需…，旧改工作任务…) is a statement of its own.
_CARRIES_ON = re.compile(
    r"^(?:加强|加大|提高|提升|强化|完善|推进|推动|落实|合理|统筹|补充|建立|健全|优化|深化|做好|抓好|确保|严格|持续"
    r"|进一步|全面|继续|着力|积极|认真|切实|实现|促进|扩大|增强|减少|降低|规范|并|及时|努力|不断|从而|以)"
)


def _split_commas(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    """The statements of a comma-separated clause (党建工作仍需提质增效，旧改工作任务仍然很重，…)."""
    norm = ctx.doc.norm(start, end)
    bounds = [0] + [m.end() for m in re.finditer(r"[，,]", norm)]
    pieces: list[list[int]] = []
    for a, b in zip(bounds, bounds[1:] + [len(norm)]):
        fragment = compact(norm[a:b]).strip("，,。；;")
        if not fragment:
            continue
        if pieces and (len(fragment) < 6 or _CARRIES_ON.match(fragment)):
            pieces[-1][1] = b
        else:
            pieces.append([a, b])
    return [(start + a, start + len(norm[:b].rstrip("，,。；; "))) for a, b in pieces]
