"""A document as the extractors read it: its text layers, outline and
tables, and span helpers that turn clean-text spans into evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .outline import Node, build_outline
from .model import Evidence
from .tables import Segment, segments
from .text import GLOSS, Block, Text

# [X][X]* rather than [X]+: a pattern that opens with a character class lets
# the search skip to the punctuation (one that opens with a repeat is tried at
# every position), twice as fast over a report's paragraphs.
_SENTENCE_END = re.compile(r"[。！？!?][。！？!?]*[”’」』)]*")
_CLAUSE_END = re.compile(r"[。！？!?；;][。！？!?；;]*[”’」』)]*")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass
class Doc:
    text: Text
    outline: Node = field(init=False)

    def __post_init__(self):
        self.outline = build_outline(self.text)
        self._sentences: dict[tuple[int, int, bool], list[Span]] = {}

    @cached_property
    def table_segments(self) -> list[tuple[Block, Segment]]:
        return [(b, s) for b in self.text.blocks if b.kind == "table" for s in segments(b)]

    @cached_property
    def _node_of_block(self) -> dict[int, Node]:
        found = {}
        for node in self.outline.walk():
            if node.block is not None:
                found[id(node.block)] = node
            for block in node.body:
                found[id(block)] = node
        return found

    def block_at(self, position: int) -> Block | None:
        for block in self.text.blocks:
            if block.start <= position <= block.end:
                return block
        return None

    def node_of(self, block: Block) -> Node:
        """The outline node a block belongs to (its heading or its body)."""
        return self._node_of_block.get(id(block), self.outline)

    def clean(self, start: int, end: int) -> str:
        return self.text.clean[start:end]

    def norm(self, start: int, end: int) -> str:
        return self.text.norm[start:end]

    def evidence(self, start: int, end: int, *, also: tuple[tuple[int, int], ...] = ()) -> Evidence:
        """Evidence for clean[start:end] (and for the clean spans `also`): the
        document's text behind it, verbatim, and where that is."""
        low, high = self.text.raw_bounds(start, end)
        document = self.text.document
        gloss = GLOSS.match(document.text, high)
        if gloss:  # a gloss right after the last character is part of what it quotes: 40戶(hù)
            high = gloss.end()
        return Evidence(document.text[low:high], low, high, document.locate(low, high),
                        tuple([self.text.raw_bounds(s, e) for s, e in also]) if also else ())

    def sentences(self, start: int, end: int, *, clauses: bool = False) -> list[Span]:
        """Sentences (split at 。！？, or also at ；; with clauses) of clean[start:end].
        Several steps ask for the same spans, so the answers are kept."""
        key = (start, end, clauses)
        if key not in self._sentences:
            self._sentences[key] = self._split(start, end, clauses)
        return self._sentences[key]

    def _split(self, start: int, end: int, clauses: bool) -> list[Span]:
        pattern = _CLAUSE_END if clauses else _SENTENCE_END
        spans = []
        cursor = start
        norm = self.text.norm
        for m in pattern.finditer(norm, start, end):
            if m.end() > cursor:
                spans.append(_trim(norm, cursor, m.end()))
            cursor = m.end()
        if cursor < end and norm[cursor:end].strip():
            spans.append(_trim(norm, cursor, end))
        return [s for s in spans if s.end > s.start]

    def enclosing_sentence(self, start: int, end: int, *, clauses: bool = False) -> Span:
        block = next((b for b in self.text.blocks if b.start <= start < b.end + 1), None)
        if block is None:
            return Span(start, end)
        bound_start, bound_end = block.start, block.end
        if block.kind == "table":
            row = next((r for r in block.rows if r.start <= start <= r.end), None)
            cell = next((c for c in row.cells if c.start <= start <= c.end), None) if row else None
            if cell is not None:
                bound_start, bound_end = cell.start, cell.end
        for span in self.sentences(bound_start, bound_end, clauses=clauses):
            if span.start <= start < span.end or (span.start <= start and end <= span.end):
                return Span(span.start, max(span.end, end))
        return Span(start, end)


def _trim(norm: str, start: int, end: int) -> Span:
    while start < end and norm[start] in " \t\n":
        start += 1
    while end > start and norm[end - 1] in " \t\n":
        end -= 1
    return Span(start, end)
