"""The outline of a narrative report: numbered headings and items as a tree.

Chinese official documents number their levels in a fixed order: 第一部分 >
一、 > （一） > 1. / 1、 > （1） / 1） > ①. Each numbered paragraph opens a node
at its level; unnumbered paragraphs and tables that follow belong to the
nearest node above them. A node's title is the heading text up to the first
full stop. Sections are recognised by keywords in titles, so 部门职能,
主要职责 and 职能职责 all name the duties, whatever numbering they carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from .numbers import chinese_number
from .text import Block, Text, marker

SECTION_KEYWORDS: list[tuple[str, re.Pattern]] = [
    ("duties", re.compile(r"部门职能|主要职能|主要职责|职能职责|部门职责|工作职责|职责职能|单位职能")),
    ("offices", re.compile(r"内设机构|机构设置|党政机构|科室设置|组织架构|机构和人员|机构情况|人员编制")),
    ("overview", re.compile(r"基本情况|部门概况|单位概况|部门基本")),
    ("goal", re.compile(r"绩效目标$|支出绩效目标$|年度绩效目标$|总体目标|部门整体支出绩效目标$")),
    ("tasks", re.compile(r"重点工作任务|重点任务|主要任务|年度工作任务|工作任务$|年度重点工作|重点工作$")),
    ("funds", re.compile(r"收支情况|预算执行情况|资金情况|收入支出|预算安排|资金使用|支出情况$")),
    ("performance_mgmt", re.compile(r"绩效管理情况|绩效指标设置|绩效运行监控|绩效管理工作")),
    ("evaluation", re.compile(r"综合评价|自评结论|评价结论|自评情况|自评得分|评价结果")),
    ("task_results", re.compile(r"完成情况|目标实现|任务完成|绩效分析|指标完成|绩效情况")),
    ("outcomes", re.compile(r"工作成效|主要成效|取得成效|主要成绩|工作成绩|主要成果|履职成效")),
    ("problems", re.compile(r"存在的主要问题|存在问题|存在的问题|主要问题|问题及原因|问题和不足|存在不足")),
    ("measures", re.compile(r"改进措施|改进建议|整改措施|下一步|工作计划|努力方向|改进意见|工作打算|工作思路")),
    ("project", re.compile(r"项目支出|重点项目|项目绩效|项目支出完成")),
]

@dataclass
class Node:
    rank: int
    style: str | None = None
    ordinal: int | None = None
    block: Block | None = None
    title_start: int = 0  # clean offset where the heading text starts (after the marker)
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    kinds: frozenset[str] = frozenset()
    # The kinds of this node and every node above it: what `under` asks.
    path_kinds: frozenset[str] = frozenset()

    def heading(self, text: Text) -> str:
        """The whole heading paragraph after its number."""
        if self.block is None:
            return ""
        return text.clean[self.title_start : self.block.end].strip()

    def title_end(self, text: Text) -> int:
        """Clean offset where the title (heading up to its first full stop) ends."""
        if self.block is None:
            return 0
        norm = text.norm[self.title_start : self.block.end]
        m = _TITLE_END.search(norm)
        return self.title_start + (m.start() if m else len(norm))

    def title(self, text: Text) -> str:
        if self.block is None:
            return ""
        return text.clean[self.title_start : self.title_end(text)].strip().rstrip("。.")

    def walk(self) -> Iterator["Node"]:
        yield self
        for child in self.children:
            yield from child.walk()

    def blocks(self) -> Iterator[Block]:
        """Heading paragraph, body and every descendant's blocks, in reading order."""
        if self.block is not None:
            yield self.block
        yield from self.body
        for child in self.children:
            yield from child.blocks()

    def span(self, text: Text) -> tuple[int, int]:
        blocks = list(self.blocks())
        if not blocks:
            return (0, 0)
        return blocks[0].start, blocks[-1].end

    def has(self, kind: str) -> bool:
        return kind in self.kinds

    def ancestors(self) -> Iterator["Node"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


@lru_cache(maxsize=8192)  # the genre's section headings recur from report to report
def classify(title: str) -> frozenset[str]:
    if not title or len(title) > 40:
        return frozenset()
    kinds = {kind for kind, pattern in SECTION_KEYWORDS if pattern.search(title)}
    if "task_results" in kinds:  # 重点任务完成情况 reports on the tasks, it does not list them
        kinds.discard("tasks")
    return frozenset(kinds)


def build_outline(text: Text) -> Node:
    root = Node(rank=-1)
    stack = [root]
    for block in text.blocks:
        found = marker(text.norm[block.start : block.end]) if block.kind == "paragraph" else None
        if found is None:
            stack[-1].body.append(block)
            continue
        style, rank, ordinal, length = found
        while stack[-1].rank >= rank:
            stack.pop()
        node = Node(rank=rank, style=style, ordinal=ordinal, block=block, title_start=block.start + length,
                    parent=stack[-1])
        node.kinds = classify(node.title(text))
        node.path_kinds = node.kinds | stack[-1].path_kinds
        stack[-1].children.append(node)
        stack.append(node)
    return root


def sections(root: Node, kind: str) -> list[Node]:
    """Nodes whose titles name this kind of section, outermost first."""
    found = [n for n in root.walk() if kind in n.kinds]
    return [n for n in found if not any(a in found for a in n.ancestors())]


def under(node: Node, kind: str) -> bool:
    """Is the node, or a node above it, a section of this kind?"""
    return kind in node.path_kinds


_TITLE_END = re.compile(r"[。：:]")
# A point starts a paragraph (a line of the clean text) or follows punctuation.
# (Each pattern opens with the character a match starts with: the search then
# skips the others at once, where the assertions were tried at every position.)
_INLINE = re.compile(r"(?=[一二三四五六七八九十])(?:^|(?<=[。；;，,：:\s）)]))(?P<n>[一二三四五六七八九十]{1,2})是", re.M)
_INLINE_FIRST = re.compile(r"(?=第)(?:^|(?<=[。；;，,：:\s]))第(?P<n>[一二三四五六七八九十]{1,2})[，,、是]", re.M)


def enumeration(norm: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Items of an enumeration 一是…二是…三是… (or 第一，…第二，…) running
    through the given paragraphs (absolute spans of `norm`), inline or one
    paragraph each. The points must count up from one; fewer than two is no
    enumeration. Each item runs to the next point, the last to the end."""
    if not spans:
        return []
    end = spans[-1][1]
    for pattern in (_INLINE, _INLINE_FIRST):
        starts = []
        expected = 1
        for start, stop in spans:
            for m in pattern.finditer(norm, start, stop):
                if chinese_number(m.group("n")) == expected:
                    starts.append(m.start())
                    expected += 1
        if len(starts) >= 2:
            return list(zip(starts, starts[1:] + [end]))
    return []


def inline_items(norm: str) -> list[tuple[int, int]]:
    """Spans of an enumeration within one paragraph's text."""
    return enumeration(norm, [(0, len(norm))])
