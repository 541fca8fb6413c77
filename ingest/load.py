"""Extraction -> graph: stable ids, one transaction per batch of reports.

Ids are derived from content: a department from its name, a project from its
responsible department and name, a report from what makes it the same
document (`report_id`), every other node from its report, its label and its
position or name. Names are held folded, traditional characters as
simplified (臨河區 as 临河区: one department whichever script its reports
use); evidence keeps the report's own text. Ingesting the same report twice therefore writes the same
graph, and a newer version of a document (the same document identity, or the
same file) replaces the old one whole: its nodes are deleted and the new ones
created in the same transaction.

Every node and relationship is checked against the ontology's schema before
anything is sent, so the loader cannot write a label, type or property the
ontology does not declare.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from perfkg import ontology
from perfkg.version import __version__
from perfkg.store import GraphStore, Statement

from . import metric_store
from .chars import fold
from .departments import identify, merge_department_rows
from .model import DepartmentFacts, Evidence, Extraction

# Labels whose nodes belong to one report (and go when it is replaced).
REPORT_SCOPED = ("Duty", "Office", "Task", "Indicator", "Fund", "ScoreItem", "Outcome", "Problem", "Measure", "Source",
                 "Finding")
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
    ("Source", "HAS_SOURCE", "Report", None),  # one per report, built in to_rows
    ("Finding", "HAS_FINDING", "Report", "findings"),
)


def _hash(*parts: Any) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def normalise_name(name: str) -> str:
    """A name as ids are made of it: folded (traditional as simplified), without spaces and punctuation."""
    return re.sub(r"[\s\u3000（）()“”\"'‘’、，,。.：:；;]", "", fold(name or ""))


def city_id(name: str) -> str:
    return "city-" + _hash(normalise_name(name))


def district_id(city: str | None, name: str) -> str:
    return "district-" + _hash(normalise_name(city or ""), normalise_name(name))


def department_id(name: str) -> str:
    """The id of a department known by its name alone (see ingest.departments for one with a place)."""
    return identify(DepartmentFacts(name, None, None, None)).id


# Documents about projects: a department publishes one per project and year.
PROJECT_DOCUMENTS = frozenset({"project_form", "project_report", "target_declaration"})


def report_id(extraction: Extraction) -> str:
    """The same document: the same department, year and kind of document
    (a department's form and its narrative report of one year are two
    documents), and for a project's document the same projects. A newer
    version of it replaces it. A document whose department or year is not
    known, or a project's document whose project was not read, is identified
    by its content alone, so two such documents never replace each other."""
    unnamed_project = extraction.kind in PROJECT_DOCUMENTS and not extraction.projects
    department = _publisher(extraction)
    if department is not None and extraction.year is not None and not unnamed_project:
        projects = sorted(normalise_name(p.name) for p in extraction.projects)
        return "report-" + _hash(identify(department).id, extraction.year, extraction.kind,
                                 *projects)
    return "report-" + _hash("by-content", extraction.sha256)


def project_id(responsible: str | None, report: str, name: str) -> str:
    """One project per responsible department and name, across years; a
    project of an unknown department belongs to its report alone."""
    return "project-" + _hash(responsible or report, normalise_name(name))


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
    # Projects: merged (one node across the reports that evaluate it), with
    # the department responsible for them.
    projects: list[dict[str, Any]] = field(default_factory=list)
    responsible: list[dict[str, Any]] = field(default_factory=list)  # Department rows (merged)

    def node_count(self) -> int:
        return 1 + sum(len(rows) for rows in self.children.values())


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None}


def _publisher(extraction: Extraction) -> DepartmentFacts | None:
    """The department that published the report: none when the text names only
    a county's or city's own government (围场县人民政府), which is a place."""
    department = extraction.department
    return None if department is None or identify(department).is_place_government else department


def _department_row(facts: DepartmentFacts) -> dict[str, Any]:
    identity = identify(facts)
    place = identity.place
    return _compact({"id": identity.id, "name": _name(facts.name), "short_name": _name(facts.short_name),
                     "aliases": [" ".join(facts.name.split())], "province": place.province, "city": place.city,
                     "district": place.district, "town": place.town, "place_code": place.code,
                     "identity": identity.basis})


def to_rows(extraction: Extraction) -> GraphRows:
    schema = ontology.schema()
    rid = report_id(extraction)
    department = _publisher(extraction)
    did = identify(department).id if department else None
    places: dict[str, Any] = {}
    if department:
        places["department"] = _department_row(department)
        schema.check_node("Department", places["department"])
    # A report of no known department keeps the place it names (a county government's, its county).
    placed = department or extraction.department or extraction.place
    if placed and placed.district:
        places["district"] = {"id": district_id(placed.city, placed.district), "name": _name(placed.district)}
        schema.check_node("District", places["district"])
    if placed and placed.city:
        places["city"] = {"id": city_id(placed.city), "name": _name(placed.city)}
        schema.check_node("City", places["city"])
    report = _compact({
        "id": rid,
        "year": extraction.year,
        "title": _name(extraction.title),
        "kind": extraction.kind,
        "source_file": extraction.source_file,
        "sha256": extraction.sha256,
        "format": extraction.format,
        "encoding": extraction.encoding,
        "warnings": list(extraction.warnings) or None,
        "extractor_version": __version__,
        "department_known": department is not None,
        "execution_rate": extraction.execution_rate,
        "self_score": extraction.self_score,
        "self_grade": extraction.self_grade,
        **_figure_evidence("execution_rate", extraction.execution_rate_evidence),
        **_figure_evidence("self_score", extraction.self_score_evidence),
    })
    schema.check_node("Report", report)

    ids: dict[str, list[str]] = {}
    children: dict[str, list[dict[str, Any]]] = {}
    source = {"id": child_id(rid, "Source", extraction.sha256), "report_id": rid, "text": extraction.text,
              "format": extraction.format}
    schema.check_node("Source", source)
    children["Source"] = [source]
    topics: dict[str, list[dict[str, str]]] = {}
    for label, _, parent, field in _CHILDREN:
        if field is None:
            continue
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

    projects, responsible = _projects(extraction, rid, did)
    project_ids = [row["id"] for row in projects]
    links: dict[str, list[dict[str, str]]] = {"MEASURED_BY": [], "FUNDED_BY": [], "PART_OF": [],
                                              "PROJECT_MEASURED_BY": [], "PROJECT_FUNDED_BY": []}
    for index, indicator in enumerate(extraction.indicators):
        if indicator.task is not None:
            links["MEASURED_BY"].append({"from": ids["Task"][indicator.task], "to": ids["Indicator"][index]})
        elif indicator.project is not None:
            links["PROJECT_MEASURED_BY"].append({"from": project_ids[indicator.project], "to": ids["Indicator"][index]})
    for index, fund in enumerate(extraction.funds):
        if fund.task is not None:
            links["FUNDED_BY"].append({"from": ids["Task"][fund.task], "to": ids["Fund"][index]})
        elif fund.project is not None:
            links["PROJECT_FUNDED_BY"].append({"from": project_ids[fund.project], "to": ids["Fund"][index]})
    for index, project in enumerate(extraction.projects):
        for slug in project.topics:
            topics.setdefault("Project", []).append({"node": project_ids[index], "topic": slug})
    for index, item in enumerate(extraction.score_items):
        if item.parent is not None:
            links["PART_OF"].append({"from": ids["ScoreItem"][index], "to": ids["ScoreItem"][item.parent]})
    links["CONCERNS"] = [{"from": ids["Finding"][index], "to": ids[label][k], "label": label}
                         for index, finding in enumerate(extraction.findings) for label, k in finding.concerns]
    return GraphRows(rid, did, places, report, children, links, topics, projects, responsible)


def _projects(extraction: Extraction, rid: str, did: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Project rows, each with the id of its responsible department (its
    主管部门 when the form names a plausible one, else the publisher), and
    the Department rows of those responsible departments."""
    schema = ontology.schema()
    rows, departments = [], {}
    for project in extraction.projects:
        responsible = project.responsible
        rid_of_department = did
        if responsible is not None and not identify(responsible).is_place_government:
            rid_of_department = identify(responsible).id
            departments[rid_of_department] = _department_row(responsible)
            schema.check_node("Department", departments[rid_of_department])
        row = _compact({
            "id": project_id(rid_of_department, rid, project.name), "name": _name(project.name),
            "supervisor": _name(project.supervisor), "implementing_unit": _name(project.implementer),
            "goal": project.goal,
            "goal_result": project.goal_result, **_evidence(project.evidence),
        })
        schema.check_node("Project", row)
        rows.append({**row, "responsible": rid_of_department})
    return rows, list(departments.values())


def _row(label: str, item: Any, ordinal: int) -> dict[str, Any]:
    row = _properties(label, item)
    if row.get("name"):
        row["name"] = _name(row["name"])
    if label == "Finding":  # its evidence is the spans of the figures it involves
        first, *others = item.evidence or (None,)
        return {**row, "ordinal": ordinal, **(_evidence(first) if first else {}),
                "evidence_also": [offset for e in others for offset in (e.start, e.end)] or None}
    return {**row, "ordinal": ordinal, **_evidence(item.evidence)}


def _name(value: str | None) -> str | None:
    """A name as the graph holds it: folded (traditional characters as
    simplified), so that a name, a search and a filter match whichever
    script a report was written in; its evidence keeps the report's text."""
    return fold(value) if value else value


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {"evidence": evidence.text, "evidence_start": evidence.start, "evidence_end": evidence.end,
            "evidence_location": evidence.location or None}


def _figure_evidence(figure: str, evidence: Evidence | None) -> dict[str, Any]:
    """A report figure's evidence as Report properties: execution_rate_evidence, _start, _end, _location."""
    if evidence is None:
        return {}
    return {f"{figure}_{key}": value for key, value in _evidence(evidence).items()}


def _properties(label: str, item: Any) -> dict[str, Any]:
    if label in ("Duty", "Outcome", "Problem", "Measure"):
        return {"text": item.text}
    if label == "Office":
        return {"name": item.name}
    if label == "Task":
        return {"name": item.name, "goal": item.goal, "kind": item.kind, "flags": list(item.flags) or None}
    if label == "Indicator":
        return {
            "name": item.name, "category": item.category, "target_text": item.target_text,
            "target_value": item.target_value, "target_op": item.target_op, "actual_text": item.actual_text,
            "actual_value": item.actual_value, "unit": item.unit, "completion_rate": item.completion_rate,
            "status": item.status, "origin": item.origin, "level1": item.level1, "level2": item.level2,
            "max_score": item.max_score, "score": item.score, "deviation_reason": item.deviation_reason,
            "read_by": item.read_by, "flags": list(item.flags) or None,
            # Its ABOUT relationships' topics, sorted, as listings return them (the ontology's pk:topics).
            "topics": sorted(item.topics) or None,
            "evidence_also": [offset for span in item.evidence.also for offset in span] or None,
            **metric_store.indicator_fields(item),
        }
    if label == "Fund":
        return {"kind": item.kind, "source": item.source, "amount": item.amount, "unit": "万元",
                "execution_rate": item.execution_rate, "max_score": item.max_score, "score": item.score}
    if label == "ScoreItem":
        return {"name": item.name, "level": item.level, "max_score": item.max_score, "score": item.score}
    if label == "Finding":
        return {"rule": item.rule, "severity": item.severity, "message": item.message, "stated": item.stated,
                "expected": item.expected, "figures": list(item.figures) or None}
    raise ValueError(label)


def _node_pattern(label: str, extra_labels: tuple[str, ...] = (), row: str = "row") -> str:
    """`(n:Label:Extra {p: row.p, …})` over every property the ontology
    declares for the label; absent ones are null, which CREATE leaves unset.
    Properties given in the pattern, not SET after it: a SET is a second
    write of each node and of its index entries."""
    schema = ontology.schema()
    props = ", ".join(f"{name}: {row}.{name}" for name in schema.labels[label].properties)
    return f"(n:{':'.join((label, *extra_labels))} {{{props}}})"


def _second_labels(label: str, row: dict[str, Any]) -> tuple[str, ...]:
    """The ontology's second labels a node carries (MetIndicator for status=met)."""
    return tuple(second.name for second in ontology.schema().secondary_of(label)
                 if str(row.get(second.when[0])) == second.when[1])


def statements(batch: list[GraphRows], replaces: list[str]) -> list[Statement]:
    """The statements that write a batch of reports, after deleting the
    reports listed (earlier versions, and the batch's own ids when they are
    re-ingested). A batch holds each report id once.

    Each statement covers the whole batch, so a batch costs the same number
    of write operations as one report: in FalkorDB each operation has a cost
    that grows with the graph (creating ABOUT edges into a Topic with
    thousands of them most of all), so writing reports one at a time made
    ingest quadratic."""
    schema = ontology.schema()
    out: list[Statement] = []
    if replaces:
        for label in REPORT_SCOPED:
            out.append(Statement(f"MATCH (n:{label}) WHERE n.report_id IN $rids DETACH DELETE n", {"rids": replaces}))
        out.append(Statement("MATCH (r:Report) WHERE r.id IN $rids DETACH DELETE r", {"rids": replaces}))

    def unique(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list({row["id"]: row for row in rows}.values())  # a later report's facts win

    cities = unique([r.places["city"] for r in batch if "city" in r.places])
    districts = unique([r.places["district"] for r in batch if "district" in r.places])
    departments = unique([r.places["department"] for r in batch if "department" in r.places])
    for label, rows in (("City", cities), ("District", districts), ("Department", departments)):
        if rows:
            out.append(Statement(f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row", {"rows": rows}))
    in_city = sorted({(r.places["district"]["id"], r.places["city"]["id"])
                      for r in batch if "district" in r.places and "city" in r.places})
    in_district = sorted({(r.department_id, r.places["district"]["id"])
                          for r in batch if "district" in r.places and r.department_id})
    # A city's own department (no district) is in the city.
    department_in_city = sorted({(r.department_id, r.places["city"]["id"])
                                 for r in batch if r.department_id and "city" in r.places and "district" not in r.places})
    for rel, source, target, pairs in (("IN_CITY", "District", "City", in_city),
                                       ("IN_DISTRICT", "Department", "District", in_district),
                                       ("IN_CITY", "Department", "City", department_in_city)):
        if pairs:
            schema.check_relationship(rel, source, target)
            out.append(Statement(
                f"UNWIND $pairs AS p MATCH (a:{source} {{id: p.from}}) MATCH (b:{target} {{id: p.to}}) "
                f"MERGE (a)-[:{rel}]->(b)", {"pairs": [{"from": a, "to": b} for a, b in pairs]}))

    out.append(Statement(f"UNWIND $rows AS row CREATE {_node_pattern('Report')}", {"rows": [r.report for r in batch]}))
    # A report of no known department is placed itself, in its district, else its city.
    for rel, target, key in (("IN_DISTRICT", "District", "district"), ("IN_CITY", "City", "city")):
        pairs = [{"from": r.report_id, "to": r.places[key]["id"]} for r in batch
                 if not r.department_id and key in r.places and (key == "district" or "district" not in r.places)]
        if pairs:
            schema.check_relationship(rel, "Report", target)
            out.append(Statement(f"UNWIND $pairs AS p MATCH (a:Report {{id: p.from}}) MATCH (b:{target} {{id: p.to}}) "
                                 f"CREATE (a)-[:{rel}]->(b)", {"pairs": pairs}))
    published = [{"from": r.department_id, "to": r.report_id} for r in batch if r.department_id]
    if published:
        schema.check_relationship("PUBLISHED", "Department", "Report")
        out.append(Statement(
            "UNWIND $pairs AS p MATCH (d:Department {id: p.from}) MATCH (r:Report {id: p.to}) CREATE (d)-[:PUBLISHED]->(r)",
            {"pairs": published}))

    for label, rel, parent, _ in _CHILDREN:
        # One statement per set of second labels: labels cannot be parameters.
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for rows in batch:
            parent_id = rows.department_id if parent == "Department" else rows.report_id
            by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in rows.children.get(label) or []:
                by_labels.setdefault(_second_labels(label, row), []).append(row)
            for extra, children in by_labels.items():
                groups.setdefault(extra, []).append({"parent": parent_id, "rows": children})
        if groups:
            schema.check_relationship(rel, parent, label)
        for extra, parents in sorted(groups.items()):
            out.append(Statement(
                f"UNWIND $parents AS g MATCH (p:{parent} {{id: g.parent}}) UNWIND g.rows AS row "
                f"CREATE (p)-[:{rel}]->{_node_pattern(label, extra)}", {"parents": parents}))

    out.extend(_project_statements(batch))
    for key, rel, (source, target) in (("MEASURED_BY", "MEASURED_BY", ("Task", "Indicator")),
                                       ("FUNDED_BY", "FUNDED_BY", ("Task", "Fund")),
                                       ("PART_OF", "PART_OF", ("ScoreItem", "ScoreItem")),
                                       ("PROJECT_MEASURED_BY", "MEASURED_BY", ("Project", "Indicator")),
                                       ("PROJECT_FUNDED_BY", "FUNDED_BY", ("Project", "Fund"))):
        pairs = [pair for rows in batch for pair in rows.links[key]]
        if pairs:
            schema.check_relationship(rel, source, target)
            out.append(Statement(
                f"UNWIND $pairs AS p MATCH (a:{source} {{id: p.from}}) MATCH (b:{target} {{id: p.to}}) "
                f"CREATE (a)-[:{rel}]->(b)", {"pairs": pairs}))
    for target in ("Indicator", "Fund", "ScoreItem"):
        pairs = [pair for rows in batch for pair in rows.links.get("CONCERNS", []) if pair["label"] == target]
        if pairs:
            schema.check_relationship("CONCERNS", "Finding", target)
            out.append(Statement(f"UNWIND $pairs AS p MATCH (a:Finding {{id: p.from}}) MATCH (b:{target} {{id: p.to}}) "
                                 "CREATE (a)-[:CONCERNS]->(b)", {"pairs": pairs}))
    for label in sorted({label for rows in batch for label in rows.topics}):
        pairs = [pair for rows in batch for pair in rows.topics.get(label, [])]
        schema.check_relationship("ABOUT", label, "Topic")
        # A project outlives each report that evaluates it: its topics are merged, not added again.
        verb = "MERGE" if label == "Project" else "CREATE"
        out.append(Statement(
            f"UNWIND $pairs AS p MATCH (n:{label} {{id: p.node}}) MATCH (t:Topic {{id: p.topic}}) "
            f"{verb} (n)-[:ABOUT]->(t)", {"pairs": pairs}))
    if replaces or any(rows.projects for rows in batch):
        # A project no report evaluates any more (its last report was replaced) goes.
        out.append(Statement("MATCH (p:Project) WHERE NOT ()-[:EVALUATES]->(p) DETACH DELETE p"))
    return out


def _project_statements(batch: list[GraphRows]) -> list[Statement]:
    schema = ontology.schema()
    departments = list({row["id"]: row for rows in batch for row in rows.responsible}.values())
    projects = [{"id": row["id"], "props": {k: v for k, v in row.items() if k != "responsible"},
                 "report": rows.report_id, "responsible": row["responsible"]}
                for rows in batch for row in rows.projects]
    if not projects:
        return []
    for rel, source, target in (("EVALUATES", "Report", "Project"), ("RESPONSIBLE_FOR", "Department", "Project")):
        schema.check_relationship(rel, source, target)
    out = []
    if departments:
        out.append(Statement("UNWIND $rows AS row MERGE (n:Department {id: row.id}) SET n += row", {"rows": departments}))
    out.append(Statement(
        "UNWIND $rows AS row MERGE (p:Project {id: row.id}) SET p += row.props "
        "WITH p, row MATCH (r:Report {id: row.report}) CREATE (r)-[:EVALUATES]->(p)", {"rows": projects}))
    responsible = [row for row in projects if row["responsible"]]
    if responsible:
        out.append(Statement(
            "UNWIND $rows AS row MATCH (p:Project {id: row.id}) MATCH (d:Department {id: row.responsible}) "
            "MERGE (d)-[:RESPONSIBLE_FOR]->(p)", {"rows": responsible}))
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
    result = write_rows(store, [to_rows(extraction)])[0]
    if result.replaced:
        metric_store.resolve_all(store)  # the earlier version's names may have held metrics together
    return result


def write_rows(store: GraphStore, batch: list[GraphRows]) -> list[LoadResult]:
    """Write a batch of reports in one transaction: all of them or none.
    Each replaces any earlier version of itself (the same department and
    year, or the same file)."""
    ids = [rows.report_id for rows in batch]
    if len(set(ids)) != len(ids):
        raise ValueError("a batch must hold each report once; write a report's versions in separate batches")
    shas = [rows.report["sha256"] for rows in batch]
    found = store.read(
        "MATCH (r:Report) WHERE r.id IN $rids OR r.sha256 IN $shas RETURN r.id, r.source_file, r.sha256",
        {"rids": ids, "shas": shas},
    ).rows
    results, replaces = [], set(ids)
    for rows in batch:
        earlier = {rid: source for rid, source, sha in found if rid == rows.report_id or sha == rows.report["sha256"]}
        replaces |= set(earlier)
        results.append(LoadResult(rows.report_id, sorted(earlier), sorted(set(earlier.values())), rows.node_count()))
    merge_department_rows(store, [row for rows in batch for row in ([rows.places["department"]]
                                  if "department" in rows.places else []) + rows.responsible])
    joined = metric_store.batch_statements(store, [row for rows in batch for row in rows.children["Indicator"]])
    store.write_batch(statements(batch, sorted(replaces)) + joined)
    metric_store.batch_written(store)
    return results


def prepare(store: GraphStore) -> None:
    """Indexes or constraints, and the topic scheme as Topic nodes. Idempotent."""
    schema = ontology.schema()
    store.ensure_schema(schema)
    scheme = ontology.topics()
    topic_rows = [{"id": t.slug, "name_zh": t.name_zh, "name_en": t.name_en, "notation": t.notation}
                  for t in scheme.topics.values()]
    for row in topic_rows:
        schema.check_node("Topic", row)
    schema.check_relationship("BROADER", "Topic", "Topic")
    broader = [{"from": t.slug, "to": parent} for t in scheme.topics.values() for parent in t.parents]
    store.write_batch([
        # perfkg 0.1 wrote Report.kind report or form; the kinds now say whose document it is.
        Statement("MATCH (r:Report) WHERE r.kind IN ['report', 'form'] "
                  "SET r.kind = CASE r.kind WHEN 'report' THEN 'department_report' ELSE 'department_form' END"),
        Statement("UNWIND $rows AS row MERGE (t:Topic {id: row.id}) SET t += row", {"rows": topic_rows}),
        Statement("UNWIND $pairs AS p MATCH (a:Topic {id: p.from}) MATCH (b:Topic {id: p.to}) "
                  "MERGE (a)-[:BROADER]->(b)", {"pairs": broader}),
        # Indicators written before they carried their topics (pk:topics) get them from their ABOUT relationships.
        Statement("MATCH (i:Indicator) WHERE i.topics IS NULL MATCH (i)-[:ABOUT]->(t:Topic) "
                  "WITH i, t ORDER BY t.id WITH i, collect(t.id) AS topics SET i.topics = topics"),
    ])
