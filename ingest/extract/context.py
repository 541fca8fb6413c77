"""State shared by the extraction steps of one report."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..view import Doc
from ..model import Extraction, Indicator


@dataclass
class Context:
    doc: Doc
    out: Extraction
    # Outline nodes (by id) that report on one task: indicators found under
    # them are tied to that task (index into out.tasks).
    task_of_node: dict[int, int] = field(default_factory=dict)
    # Clean-text spans already turned into indicators, so no other rule reads
    # the same statement again.
    claimed: list[tuple[int, int]] = field(default_factory=list)
    # Each table block's cells as a typed stream (by id of the block), read once.
    streams: dict[int, list] = field(default_factory=dict)
    # (block id, token index, project index): where a form starts speaking of a project.
    project_marks: list[tuple[int, int, int]] = field(default_factory=list)
    # The forms' identification fields (unit_name, implementer, supervisor, ...): (label, value) as written.
    fields: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # Table blocks read as national forms (a funds header or an indicator header found in them).
    form_blocks: set[int] = field(default_factory=set)
    # The free-text cells of forms' 年度总体目标 blocks: narrative statements to read.
    goal_cells: list = field(default_factory=list)
    # The tasks narrative statements name, as (position, name): a later clause
    # of the paragraph that leaves its task out (2020年度建设任务为…; 康县完成60%)
    # speaks of the last one before it.
    subjects: list[tuple[int, str]] = field(default_factory=list)

    def subject_at(self, position: int) -> str | None:
        """The task last stated before `position` in its paragraph."""
        block = self.doc.block_at(position)
        earlier = [(at, name) for at, name in self.subjects
                   if at <= position and block is not None and block.start <= at]
        return max(earlier)[1] if earlier else None

    def add_indicator(self, indicator: Indicator, position: int) -> None:
        """Add a narrative indicator, tied to the task whose section states it."""
        if indicator.task is None:
            block = self.doc.block_at(position)
            if block is not None:
                node = self.doc.node_of(block)
                for candidate in (node, *node.ancestors()):
                    if id(candidate) in self.task_of_node:
                        indicator.task = self.task_of_node[id(candidate)]
                        break
        self.out.indicators.append(indicator)

    def claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def is_claimed(self, start: int, end: int) -> bool:
        for s, e in self.claimed:  # (a loop, not any() over a generator: asked for every match of every rule)
            if s < end and start < e:
                return True
        return False
