"""Duties (部门职能 / 主要职责) and internal offices (内设机构).

Duties are the numbered items of the duties section, each with the
unnumbered paragraphs that continue it; a section without numbered items
gives its inline enumeration (一是…二是) or its paragraphs, and a report
with no such section gives the sentence that states 主要职责是…. Offices are
read from a 机构设置 sentence (本部门设A办公室、B办公室…等N个内设机构) and from
duty items or paragraphs that are themselves an office's name
(1. 党政综合办公室（人大工委办公室）。承担…).
"""

from __future__ import annotations

import re

from ..view import Doc
from ..model import Extraction, Office, TextItem
from .context import Context
from ..outline import Node, inline_items, sections
from ..text import collapse_ws

OFFICE_SUFFIX = r"(?:办公室|办|科|股|室|中心|队|所|站|组|部|处|局)"
_OFFICE_NAME = re.compile(rf"[\u4e00-\u9fa5]{{2,14}}?{OFFICE_SUFFIX}(?:[(（][^()（）]{{1,40}}[)）])?")
_OFFICE_LIST = re.compile(r"(?:本(?:部门|单位|街道|镇)?|内|下|共)?(?:设有|设置|下设|内设|设)(?:了)?(?P<list>.+?)(?:等\s*(?P<n>\d+|[一二三四五六七八九十]+)\s*个|。|$)")
_DUTY_SENTENCE = re.compile(r"(?:主要职责|主要职能|职能职责|部门职责|工作职责)(?:是|为|包括|如下)?[:：]")


def extract_organisation(ctx: Context) -> None:
    doc, out = ctx.doc, ctx.out
    duty_sections = sections(doc.outline, "duties")
    offices: list[Office] = []
    for section in duty_sections:
        for start, end, numbered in _items(doc, section):
            office = _office_heading(doc.norm(start, end))
            if office:  # the name verbatim: clean text, not the half-width norm
                name = doc.clean(start, start + len(office))
                offices.append(Office(name, doc.evidence(start, start + len(office))))
            # Numbered items are duties even when they name an office (a report
            # may list its offices as its duties); an unnumbered paragraph
            # naming an office is that office alone.
            if (numbered or not office) and collapse_ws(doc.clean(start, end)):  # a bare number is no duty
                out.duties.append(TextItem(text=collapse_ws(doc.clean(start, end)), evidence=doc.evidence(start, end)))
    if not duty_sections:
        _duty_sentence(doc, out)
    offices.extend(_office_lists(doc))
    seen = set()
    for office in offices:
        key = re.sub(r"[(（].*", "", office.name)
        if key not in seen:
            seen.add(key)
            out.offices.append(office)


def _items(doc: Doc, section: Node) -> list[tuple[int, int, bool]]:
    """(start, end, numbered) of a section's items: numbered children, each
    with the unnumbered paragraphs that continue it, else an inline
    enumeration, else its paragraphs."""
    if section.children:
        items = []
        for child in section.children:
            start, end = child.title_start, child.block.end
            for block in (b for b in child.body if b.kind == "paragraph"):
                if _office_heading(doc.norm(block.start, block.end)):
                    items.append((block.start, block.end, False))
                else:
                    end = block.end
            if child.children:
                end = max(end, child.span(doc.text)[1])
            items.append((start, end, True))
        return sorted(items)
    paragraphs = [b for b in section.body if b.kind == "paragraph"]
    for block in paragraphs:
        enumeration = inline_items(doc.norm(block.start, block.end))
        if enumeration:
            return [(block.start + s, block.start + e, True) for s, e in enumeration]
    return [
        (b.start, b.end, True) for b in paragraphs if not doc.norm(b.start, b.end).rstrip().endswith(("：", ":"))
    ]


def _office_heading(norm: str) -> str | None:
    """The office a paragraph or item starts with: 'X办公室（Y）。…' or the whole short item."""
    head = norm.strip()
    m = _OFFICE_NAME.match(head)
    if not m:
        return None
    rest = head[m.end() :]
    if rest and not re.match(r"\s*[。.；;:：]", rest):
        return None
    return m.group(0)


def _duty_sentence(doc: Doc, out: Extraction) -> None:
    """No duties section: the paragraph that says 主要职责是：… is one duty."""
    for block in doc.text.paragraphs():
        norm = doc.norm(block.start, block.end)
        m = _DUTY_SENTENCE.search(norm)
        if not m:
            continue
        start = block.start + m.end()
        enumeration = inline_items(norm[m.end() :])
        spans = [(start + s, start + e) for s, e in enumeration] or [(start, block.end)]
        for s, e in spans:
            out.duties.append(TextItem(text=collapse_ws(doc.clean(s, e)), evidence=doc.evidence(s, e)))
        return


_OFFICES_SAID = re.compile(r"内设机构|科室|机构设置|党政机构")


def _office_lists(doc: Doc) -> list[Office]:
    """Offices named in a 机构设置 sentence (本部门设A、B…等N个内设机构)."""
    found = []
    for block in doc.text.paragraphs():
        norm = doc.norm(block.start, block.end)
        if not _OFFICES_SAID.search(norm):
            continue
        for m in _OFFICE_LIST.finditer(norm):
            listed = m.group("list")
            # 内设机构8个：办公室、规划财务科… — the names follow the colon.
            colon = max(listed.rfind("："), listed.rfind(":"))
            names = _split_list(listed[colon + 1 :])
            if len(names) < 2:
                continue
            base = block.start + m.start("list") + colon + 1
            for name, offset in names:
                found.append(Office(doc.clean(base + offset, base + offset + len(name)),
                                    doc.evidence(base + offset, base + offset + len(name))))
    return found


def _split_list(text: str) -> list[tuple[str, int]]:
    """Top-level 、-separated office names with their offsets; bracketed
    notes (挂…牌子, 与…合署办公) are dropped from the names."""
    names = []
    depth = 0
    start = 0
    for i, char in enumerate(text + "、"):
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        elif char == "、" and depth == 0:
            item = text[start:i]
            name = re.sub(r"[(（].*?[)）]|[(（].*$", "", item).strip()
            if re.fullmatch(rf"[\u4e00-\u9fa5]{{2,14}}{OFFICE_SUFFIX}", name):
                names.append((name, start + (len(item) - len(item.lstrip()))))
            start = i + 1
    return names
