"""Last checks on an extraction before it may be loaded.

Every piece of evidence must be the document's own text at the offsets it
names, verbatim: anything else is an extraction bug, and the item is dropped
with a warning rather than stored with evidence nobody can find. Numbers must
be finite and in range: a fund whose amount is not is dropped, any other
number that is not is left out.
"""

from __future__ import annotations

import math

from .document import Document
from .model import Evidence, Extraction

FACT_FIELDS = ("duties", "offices", "tasks", "indicators", "funds", "score_items", "outcomes", "problems", "measures")


def evidence_holds(evidence: Evidence, document: Document) -> bool:
    """Is the evidence the document's text where it says, and are its other spans inside the text?"""
    text = document.text
    return (
        bool(evidence.text.strip())
        and 0 <= evidence.start < evidence.end <= len(text)
        and text[evidence.start : evidence.end] == evidence.text
        and all(0 <= s < e <= len(text) for s, e in evidence.also)
    )


def validate(out: Extraction, document: Document) -> None:
    for field in FACT_FIELDS:
        items = getattr(out, field)
        kept = []
        for item in items:
            if not isinstance(item.evidence, Evidence) or not evidence_holds(item.evidence, document):
                out.warnings.append(f"dropped a {field[:-1]} whose evidence is not the document's text: "
                                    f"{str(item.evidence)[:60]!r}")
                kept.append(None)
                continue
            kept.append(item)
        _reindex(out, field, kept)
    for indicator in out.indicators:
        _finite_or_none(indicator, "target_value", "actual_value", "completion_rate")
    for item in out.score_items:
        _finite_or_none(item, "max_score", "score")
    # A fund is its amount: one too large to be a number (a run of digits no
    # float holds) is dropped whole, not the whole report when the store refuses it.
    for fund in out.funds:
        if not math.isfinite(fund.amount):
            out.warnings.append(f"dropped a fund whose amount is not a number: {str(fund.evidence)[:60]!r}")
    _reindex(out, "funds", [fund if math.isfinite(fund.amount) else None for fund in out.funds])
    for figure in ("execution_rate", "self_score"):
        evidence = getattr(out, f"{figure}_evidence")
        if evidence is not None and not evidence_holds(evidence, document):
            out.warnings.append(f"dropped the evidence of the {figure.replace('_', ' ')}: it is not the document's "
                                f"text: {evidence.text[:60]!r}")
            setattr(out, f"{figure}_evidence", None)
    if out.execution_rate is not None and not (0 <= out.execution_rate <= 1000):
        out.warnings.append(f"execution rate {out.execution_rate} out of range, dropped")
        out.execution_rate = out.execution_rate_evidence = None
    if out.self_score is not None and not (0 <= out.self_score <= 1000):
        out.warnings.append(f"self score {out.self_score} out of range, dropped")
        out.self_score = out.self_score_evidence = None
    if out.year is not None and not (1990 <= out.year <= 2100):
        out.warnings.append(f"year {out.year} out of range, dropped")
        out.year = None


def _finite_or_none(item, *attrs: str) -> None:
    for attr in attrs:
        value = getattr(item, attr)
        if value is not None and not math.isfinite(value):
            setattr(item, attr, None)


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
