"""Last checks on an extraction before it may be loaded.

Every piece of evidence must be text of the source (whitespace aside):
anything else is an extraction bug, and the item is dropped with a warning
rather than stored with evidence nobody can find. Numbers must be finite and
in range.
"""

from __future__ import annotations

import math

from .model import EVIDENCE_JOINER, Extraction
from .tables import compact


def evidence_in(evidence: str, source: str) -> bool:
    return all(compact(part) in source for part in evidence.split(EVIDENCE_JOINER))


def validate(out: Extraction, raw: str) -> None:
    source = compact(raw)
    for field in ("duties", "offices", "tasks", "indicators", "funds", "score_items", "outcomes", "problems", "measures"):
        items = getattr(out, field)
        kept = []
        for item in items:
            if not item.evidence or not evidence_in(item.evidence, source):
                out.warnings.append(f"dropped a {field[:-1]} whose evidence is not in the source: {item.evidence[:60]!r}")
                kept.append(None)
                continue
            kept.append(item)
        _reindex(out, field, kept)
    for indicator in out.indicators:
        for attr in ("target_value", "actual_value", "completion_rate"):
            value = getattr(indicator, attr)
            if value is not None and not math.isfinite(value):
                setattr(indicator, attr, None)
    if out.execution_rate is not None and not (0 <= out.execution_rate <= 1000):
        out.warnings.append(f"execution rate {out.execution_rate} out of range, dropped")
        out.execution_rate = None
    if out.self_score is not None and not (0 <= out.self_score <= 1000):
        out.warnings.append(f"self score {out.self_score} out of range, dropped")
        out.self_score = None
    if out.year is not None and not (1990 <= out.year <= 2100):
        out.warnings.append(f"year {out.year} out of range, dropped")
        out.year = None


def _reindex(out: Extraction, field: str, kept: list) -> None:
    """Drop the rejected items, keeping the task and parent links of the rest right."""
    if all(item is not None for item in kept):
        return
    new_index = {}
    survivors = []
    for old, item in enumerate(kept):
        if item is not None:
            new_index[old] = len(survivors)
            survivors.append(item)
    setattr(out, field, survivors)
    if field == "tasks":
        for linked in out.indicators + out.funds:
            linked.task = new_index.get(linked.task) if linked.task is not None else None
    if field == "score_items":
        for item in out.score_items:
            item.parent = new_index.get(item.parent) if item.parent is not None else None
