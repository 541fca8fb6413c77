"""A report's source text with where each of its facts is in it, for a
researcher to check a fact against the text it was read from (the API's
`GET /reports/{id}/source`, `perfkg show`).

Every fact node keeps its evidence as a span of the report's Source text
(`evidence_start`, `evidence_end`) and where that is in the file
(`evidence_location`); the report keeps one for its execution rate and its
self score. `report_source` gathers them, in text order.
"""

from __future__ import annotations

from typing import Any

from perfkg.store import GraphStore

# Fact labels with evidence, and the property that names a fact of each.
FACT_LABELS = {"Duty": "text", "Office": "name", "Task": "name", "Indicator": "name", "Fund": "kind",
               "ScoreItem": "name", "Outcome": "text", "Problem": "text", "Measure": "text"}
REPORT_FIGURES = ("execution_rate", "self_score")


def find_report(store: GraphStore, report: str) -> str | None:
    """A report's id from its id or its source file's name."""
    rows = store.read("MATCH (r:Report) WHERE r.id = $key OR r.source_file = $key RETURN r.id ORDER BY r.id",
                      {"key": report}).rows
    return rows[0][0] if rows else None


def report_source(store: GraphStore, report_id: str) -> dict[str, Any] | None:
    """{report_id, source_file, format, text, spans}; each span {start, end,
    label, id, location, what} (and `also`, further spans an indicator draws
    on), sorted by start. None when there is no such report."""
    rows = store.read(
        "MATCH (r:Report {id: $id}) OPTIONAL MATCH (r)-[:HAS_SOURCE]->(s:Source) "
        "RETURN r.source_file, s.format, s.text, properties(r)", {"id": report_id}).rows
    if not rows:
        return None
    source_file, fmt, text, report = rows[0]
    spans = []
    for figure in REPORT_FIGURES:
        if report.get(f"{figure}_evidence_start") is not None:
            spans.append({"start": report[f"{figure}_evidence_start"], "end": report[f"{figure}_evidence_end"],
                          "label": "Report", "id": report_id,
                          "location": report.get(f"{figure}_evidence_location"),
                          "what": f"{figure} {report.get(figure)}"})
    for label, naming in FACT_LABELS.items():
        found = store.read(
            f"MATCH (n:{label}) WHERE n.report_id = $id AND n.evidence_start IS NOT NULL "
            f"RETURN n.id, n.evidence_start, n.evidence_end, n.evidence_location, n.{naming}, n.evidence_also",
            {"id": report_id}).rows
        for node_id, start, end, location, what, also in found:
            span = {"start": start, "end": end, "label": label, "id": node_id, "location": location, "what": what}
            if also:
                span["also"] = [[also[i], also[i + 1]] for i in range(0, len(also) - 1, 2)]
            spans.append(span)
    spans.sort(key=lambda s: (s["start"], -s["end"], s["label"], s["id"]))
    return {"report_id": report_id, "source_file": source_file, "format": fmt, "text": text or "", "spans": spans}


def fact_values(store: GraphStore, report_id: str) -> dict[str, dict[str, Any]]:
    """What each fact of a report states beyond its name, by the fact's id:
    an indicator's target, actual and status, a fund's kind, source, amount
    and unit, a score item's score out of its maximum."""
    found: dict[str, dict[str, Any]] = {}
    for label, fields in (("Indicator", ("target_text", "actual_text", "status")),
                          ("Fund", ("kind", "source", "amount", "unit")),
                          ("ScoreItem", ("score", "max_score"))):
        columns = ", ".join(f"n.{field}" for field in fields)
        for node_id, *values in store.read(f"MATCH (n:{label}) WHERE n.report_id = $id RETURN n.id, {columns}",
                                           {"id": report_id}).rows:
            found[node_id] = dict(zip(fields, values))
    return found
