"""Extraction -> graph: stable ids, one transaction per report.

Ids are derived from content: a department from its name, a report from its
department and year, every other node from its report, its label and its
position or name. Ingesting the same report twice therefore writes the same
graph, and a newer version of a report (same department and year, or the
same file) replaces the old one whole: its nodes are deleted and the new ones
created in the same transaction.

Every node and relationship is checked against the ontology's schema before
anything is sent, so the loader cannot write a label, type or property the
ontology does not declare.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import ontology
from perfkg import __version__
from perfkg.store import GraphStore, Statement

from .model import Extraction

# Labels whose nodes belong to one report (and go when it is replaced).
REPORT_SCOPED = ("Duty", "Office", "Task", "Indicator", "Fund", "ScoreItem", "Outcome", "Problem", "Measure")
# Children of a report: label, relationship from the parent, and whether the
# parent is the Department (organisation) or the Report.
_CHILDREN = (
    ("Duty", "HAS_DUTY", "Department", "duties"),
    ("Office", "HAS_OFFICE", "Department", "offices"),
    ("Task", "HAS_TASK", "Report", "tasks"),
    ("Indicator", "HAS_INDICATOR", "Report", "indicators"),
    ("Fund", "HAS_FUND", "Report", "funds"),
    ("ScoreItem", "HAS_SCORE", "Report", "score_items"),
    ("Outcome", "REPORTS_OUTCOME", "Report", "outcomes"),
    ("Problem", "IDENTIFIES", "Report", "problems"),
    ("Measure", "PROPOSES", "Report", "measures"),
)


def _hash(*parts: Any) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def normalise_name(name: str) -> str:
    return re.sub(r"[\s\u3000（）()“”\"'‘’、，,。.：:；;]", "", name or "")


def city_id(name: str) -> str:
    return "city-" + _hash(normalise_name(name))


def district_id(city: str | None, name: str) -> str:
    return "district-" + _hash(normalise_name(city or ""), normalise_name(name))


def department_id(name: str) -> str:
    return "dept-" + _hash(normalise_name(name))


def report_id(extraction: Extraction) -> str:
    if extraction.department is not None:
        return "report-" + _hash(department_id(extraction.department.name), extraction.year)
    # A fragment: nothing but its content identifies it.
    return "report-" + _hash("unknown-department", extraction.sha256)


def child_id(report: str, label: str, key: Any) -> str:
    return f"{label.lower()}-" + _hash(report, label, key)


@dataclass
class GraphRows:
    """Everything one report writes, as rows ready for UNWIND."""

    report_id: str
    department_id: str | None
    places: dict[str, Any]
    report: dict[str, Any]
    children: dict[str, list[dict[str, Any]]]
    links: dict[str, list[dict[str, str]]]  # MEASURED_BY, FUNDED_BY, PART_OF: {"from": id, "to": id}
    topics: dict[str, list[dict[str, str]]]  # label -> [{"node": id, "topic": slug}]

    def node_count(self) -> int:
        return 1 + sum(len(rows) for rows in self.children.values())


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None}


def to_rows(extraction: Extraction) -> GraphRows:
    schema = ontology.schema()
    rid = report_id(extraction)
    department = extraction.department
    did = department_id(department.name) if department else None
    places: dict[str, Any] = {}
    if department:
        places["department"] = _compact({"id": did, "name": department.name, "short_name": department.short_name})
        schema.check_node("Department", places["department"])
        if department.district:
            places["district"] = {"id": district_id(department.city, department.district), "name": department.district}
            schema.check_node("District", places["district"])
        if department.city:
            places["city"] = {"id": city_id(department.city), "name": department.city}
            schema.check_node("City", places["city"])
    report = _compact({
        "id": rid,
        "year": extraction.year,
        "title": extraction.title,
        "kind": extraction.kind,
        "source_file": extraction.source_file,
        "sha256": extraction.sha256,
        "encoding": extraction.encoding,
        "extractor_version": __version__,
        "department_known": department is not None,
        "execution_rate": extraction.execution_rate,
        "self_score": extraction.self_score,
        "self_grade": extraction.self_grade,
    })
    schema.check_node("Report", report)

    ids: dict[str, list[str]] = {}
    children: dict[str, list[dict[str, Any]]] = {}
    topics: dict[str, list[dict[str, str]]] = {}
    for label, _, parent, field in _CHILDREN:
        if parent == "Department" and did is None:
            ids[label], children[label] = [], []
            continue
        rows = []
        label_ids = []
        seen: dict[str, int] = {}
        for ordinal, item in enumerate(getattr(extraction, field), start=1):
            row = _row(label, item, ordinal)
            key: Any = ordinal
            if label in ("Indicator", "Office"):
                name = normalise_name(row["name"])
                seen[name] = seen.get(name, 0) + 1
                key = (name, seen[name])
            row["id"] = child_id(rid, label, key)
            row["report_id"] = rid
            row = _compact(row)
            schema.check_node(label, row)
            rows.append(row)
            label_ids.append(row["id"])
            for slug in getattr(item, "topics", []) or []:
                topics.setdefault(label, []).append({"node": row["id"], "topic": slug})
        ids[label], children[label] = label_ids, rows

    links: dict[str, list[dict[str, str]]] = {"MEASURED_BY": [], "FUNDED_BY": [], "PART_OF": []}
    for index, indicator in enumerate(extraction.indicators):
        if indicator.task is not None:
            links["MEASURED_BY"].append({"from": ids["Task"][indicator.task], "to": ids["Indicator"][index]})
    for index, fund in enumerate(extraction.funds):
        if fund.task is not None:
            links["FUNDED_BY"].append({"from": ids["Task"][fund.task], "to": ids["Fund"][index]})
    for index, item in enumerate(extraction.score_items):
        if item.parent is not None:
            links["PART_OF"].append({"from": ids["ScoreItem"][index], "to": ids["ScoreItem"][item.parent]})
    return GraphRows(rid, did, places, report, children, links, topics)


def _row(label: str, item: Any, ordinal: int) -> dict[str, Any]:
    if label in ("Duty", "Outcome", "Problem", "Measure"):
        return {"text": item.text, "ordinal": ordinal, "evidence": item.evidence}
    if label == "Office":
        return {"name": item.name, "ordinal": ordinal, "evidence": item.evidence}
    if label == "Task":
        return {"name": item.name, "goal": item.goal, "kind": item.kind, "ordinal": ordinal, "evidence": item.evidence}
    if label == "Indicator":
        return {
            "name": item.name, "category": item.category, "target_text": item.target_text,
            "target_value": item.target_value, "target_op": item.target_op, "actual_text": item.actual_text,
            "actual_value": item.actual_value, "unit": item.unit, "completion_rate": item.completion_rate,
            "status": item.status, "origin": item.origin, "ordinal": ordinal, "evidence": item.evidence,
        }
    if label == "Fund":
        return {"kind": item.kind, "source": item.source, "amount": item.amount, "unit": "万元",
                "ordinal": ordinal, "evidence": item.evidence}
    if label == "ScoreItem":
        return {"name": item.name, "level": item.level, "max_score": item.max_score, "score": item.score,
                "ordinal": ordinal, "evidence": item.evidence}
    raise ValueError(label)


def statements(rows: GraphRows, replaces: list[str]) -> list[Statement]:
    """The statements that write one report, replacing the reports listed."""
    schema = ontology.schema()
    out: list[Statement] = []
    for old in replaces:
        for label in REPORT_SCOPED:
            out.append(Statement(f"MATCH (n:{label} {{report_id: $rid}}) DETACH DELETE n", {"rid": old}))
        out.append(Statement("MATCH (r:Report {id: $rid}) DETACH DELETE r", {"rid": old}))
    places = rows.places
    if "city" in places:
        out.append(Statement("MERGE (c:City {id: $row.id}) SET c += $row", {"row": places["city"]}))
    if "district" in places:
        out.append(Statement("MERGE (d:District {id: $row.id}) SET d += $row", {"row": places["district"]}))
        if "city" in places:
            schema.check_relationship("IN_CITY", "District", "City")
            out.append(Statement(
                "MATCH (d:District {id: $district}) MATCH (c:City {id: $city}) MERGE (d)-[:IN_CITY]->(c)",
                {"district": places["district"]["id"], "city": places["city"]["id"]}))
    if "department" in places:
        out.append(Statement("MERGE (d:Department {id: $row.id}) SET d += $row", {"row": places["department"]}))
        if "district" in places:
            schema.check_relationship("IN_DISTRICT", "Department", "District")
            out.append(Statement(
                "MATCH (d:Department {id: $department}) MATCH (x:District {id: $district}) MERGE (d)-[:IN_DISTRICT]->(x)",
                {"department": rows.department_id, "district": places["district"]["id"]}))
    out.append(Statement("CREATE (r:Report) SET r = $row", {"row": rows.report}))
    if rows.department_id:
        schema.check_relationship("PUBLISHED", "Department", "Report")
        out.append(Statement(
            "MATCH (d:Department {id: $department}) MATCH (r:Report {id: $report}) CREATE (d)-[:PUBLISHED]->(r)",
            {"department": rows.department_id, "report": rows.report_id}))
    for label, rel, parent, _ in _CHILDREN:
        batch = rows.children.get(label) or []
        if not batch:
            continue
        schema.check_relationship(rel, parent, label)
        parent_id = rows.department_id if parent == "Department" else rows.report_id
        out.append(Statement(
            f"MATCH (p:{parent} {{id: $parent}}) UNWIND $rows AS row CREATE (p)-[:{rel}]->(n:{label}) SET n = row",
            {"parent": parent_id, "rows": batch}))
    for label in rows.children:
        for second in schema.secondary_of(label):
            key, value = second.when
            out.append(Statement(f"MATCH (n:{label} {{report_id: $rid}}) WHERE n.{key} = $value SET n:{second.name}",
                                 {"rid": rows.report_id, "value": value}))
    for rel, (source, target) in (("MEASURED_BY", ("Task", "Indicator")), ("FUNDED_BY", ("Task", "Fund")),
                                  ("PART_OF", ("ScoreItem", "ScoreItem"))):
        pairs = rows.links[rel]
        if pairs:
            schema.check_relationship(rel, source, target)
            out.append(Statement(
                f"UNWIND $pairs AS p MATCH (a:{source} {{id: p.from}}) MATCH (b:{target} {{id: p.to}}) "
                f"CREATE (a)-[:{rel}]->(b)", {"pairs": pairs}))
    for label, pairs in rows.topics.items():
        schema.check_relationship("ABOUT", label, "Topic")
        out.append(Statement(
            f"UNWIND $pairs AS p MATCH (n:{label} {{id: p.node}}) MATCH (t:Topic {{id: p.topic}}) "
            "CREATE (n)-[:ABOUT]->(t)", {"pairs": pairs}))
    return out


@dataclass
class LoadResult:
    report_id: str
    replaced: list[str]  # ids of the earlier versions it replaced (its own id, when re-ingested)
    replaced_files: list[str]  # their source files
    nodes: int


def load(store: GraphStore, extraction: Extraction) -> LoadResult:
    """Write one report in one transaction, replacing any earlier version of it
    (the same department and year, or the same file)."""
    return write_rows(store, to_rows(extraction))


def write_rows(store: GraphStore, rows: GraphRows) -> LoadResult:
    found = store.read(
        "MATCH (r:Report) WHERE r.id = $rid OR r.sha256 = $sha RETURN r.id, r.source_file",
        {"rid": rows.report_id, "sha": rows.report["sha256"]},
    )
    earlier = {row[0]: row[1] for row in found.rows}
    store.write_batch(statements(rows, sorted(set(earlier) | {rows.report_id})))
    return LoadResult(rows.report_id, sorted(earlier), sorted(set(earlier.values())), rows.node_count())


def prepare(store: GraphStore) -> None:
    """Indexes or constraints, and the topic scheme as Topic nodes. Idempotent."""
    schema = ontology.schema()
    store.ensure_schema(schema)
    scheme = ontology.topics()
    topic_rows = [{"id": t.slug, "name_zh": t.name_zh, "name_en": t.name_en} for t in scheme.topics.values()]
    for row in topic_rows:
        schema.check_node("Topic", row)
    schema.check_relationship("BROADER", "Topic", "Topic")
    broader = [{"from": t.slug, "to": t.broader} for t in scheme.topics.values() if t.broader]
    store.write_batch([
        Statement("UNWIND $rows AS row MERGE (t:Topic {id: row.id}) SET t += row", {"rows": topic_rows}),
        Statement("UNWIND $pairs AS p MATCH (a:Topic {id: p.from}) MATCH (b:Topic {id: p.to}) "
                  "MERGE (a)-[:BROADER]->(b)", {"pairs": broader}),
    ])
