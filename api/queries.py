"""The Cypher behind the API's own endpoints (the named queries live in cypher/)."""

from __future__ import annotations

import json
from typing import Any

from perfkg import ontology
from perfkg.cypher import ParameterError
from perfkg.client import Client


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def departments(client: Client) -> list[dict]:
    rows = client.read(
        "MATCH (d:Department) "
        "OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District) OPTIONAL MATCH (x)-[:IN_CITY]->(c:City) "
        "OPTIONAL MATCH (d)-[:PUBLISHED]->(r:Report) "
        "WITH d, x, c, r ORDER BY r.year "
        "RETURN d.id AS id, d.name AS name, d.short_name AS short_name, x.name AS district, c.name AS city, "
        "collect(CASE WHEN r IS NULL THEN null ELSE {id: r.id, year: r.year, kind: r.kind} END) AS reports "
        "ORDER BY city, district, short_name"
    ).records()
    for row in rows:
        row["reports"] = [r for r in row["reports"] if r]
    return rows


def department(client: Client, department_id: str) -> dict | None:
    rows = client.read(
        "MATCH (d:Department {id: $id}) "
        "OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District) OPTIONAL MATCH (x)-[:IN_CITY]->(c:City) "
        "RETURN d.id AS id, d.name AS name, d.short_name AS short_name, x.name AS district, c.name AS city",
        {"id": department_id},
    ).records()
    if not rows:
        return None
    found = rows[0]
    found["reports"] = client.read(
        "MATCH (d:Department {id: $id})-[:PUBLISHED]->(r:Report) "
        "RETURN r.id AS id, r.year AS year, r.title AS title, r.kind AS kind, r.execution_rate AS execution_rate, "
        "r.self_score AS self_score, r.self_grade AS self_grade, r.source_file AS source_file ORDER BY r.year",
        {"id": department_id},
    ).records()
    return found


def report(client: Client, report_id: str) -> dict | None:
    # Topics are sorted before they are collected, so every store lists them alike.
    rows = client.read(
        "MATCH (r:Report {id: $id}) OPTIONAL MATCH (d:Department)-[:PUBLISHED]->(r) "
        "RETURN properties(r) AS report, d.id AS department_id, d.name AS department, d.short_name AS short_name",
        {"id": report_id},
    ).records()
    if not rows:
        return None
    row = rows[0]
    found = dict(row["report"])
    found["department"] = {"id": row["department_id"], "name": row["department"], "short_name": row["short_name"]} \
        if row["department_id"] else None
    params = {"id": report_id}
    found["tasks"] = client.read(
        "MATCH (r:Report {id: $id})-[:HAS_TASK]->(n:Task) OPTIONAL MATCH (n)-[:ABOUT]->(t:Topic) "
        "WITH n, t ORDER BY t.id WITH n, collect(t.id) AS topics "
        "RETURN n.id AS id, n.ordinal AS ordinal, n.name AS name, n.goal AS goal, n.kind AS kind, topics, "
        "n.evidence AS evidence ORDER BY n.ordinal", params).records()
    found["indicators"] = client.read(
        "MATCH (r:Report {id: $id})-[:HAS_INDICATOR]->(n:Indicator) OPTIONAL MATCH (task:Task)-[:MEASURED_BY]->(n) "
        "OPTIONAL MATCH (n)-[:ABOUT]->(t:Topic) WITH n, task, t ORDER BY t.id WITH n, task, collect(t.id) AS topics "
        "RETURN n.id AS id, n.ordinal AS ordinal, n.name AS name, n.category AS category, "
        "n.target_text AS target_text, n.target_value AS target_value, n.target_op AS target_op, "
        "n.actual_text AS actual_text, n.actual_value AS actual_value, n.unit AS unit, "
        "n.completion_rate AS completion_rate, n.status AS status, n.origin AS origin, n.read_by AS read_by, "
        "n.flags AS flags, task.name AS task, topics, "
        "n.evidence AS evidence ORDER BY n.ordinal", params).records()
    found["funds"] = client.read(
        "MATCH (r:Report {id: $id})-[:HAS_FUND]->(n:Fund) OPTIONAL MATCH (task:Task)-[:FUNDED_BY]->(n) "
        "RETURN n.id AS id, n.ordinal AS ordinal, n.kind AS kind, n.source AS source, n.amount AS amount, "
        "n.unit AS unit, task.name AS task, n.evidence AS evidence ORDER BY n.ordinal", params).records()
    found["score_items"] = client.read(
        "MATCH (r:Report {id: $id})-[:HAS_SCORE]->(n:ScoreItem) OPTIONAL MATCH (n)-[:PART_OF]->(p:ScoreItem) "
        "RETURN n.id AS id, n.ordinal AS ordinal, n.name AS name, n.level AS level, n.max_score AS max_score, "
        "n.score AS score, p.id AS parent, n.evidence AS evidence ORDER BY n.ordinal", params).records()
    for part, rel, label in (("outcomes", "REPORTS_OUTCOME", "Outcome"), ("problems", "IDENTIFIES", "Problem"),
                             ("measures", "PROPOSES", "Measure")):
        found[part] = client.read(
            f"MATCH (r:Report {{id: $id}})-[:{rel}]->(n:{label}) OPTIONAL MATCH (n)-[:ABOUT]->(t:Topic) "
            "WITH n, t ORDER BY t.id WITH n, collect(t.id) AS topics "
            "RETURN n.id AS id, n.ordinal AS ordinal, n.text AS text, topics, n.evidence AS evidence "
            "ORDER BY n.ordinal", params).records()
    return found


def indicators(client: Client, *, topic: str | None, status: str | None, year: int | None, district: str | None,
               department: str | None, category: str | None, task: str | None, report_kind: str | None,
               project: str | None, limit: int, offset: int) -> dict:
    topics = None
    if topic:
        scheme = ontology.topics()
        found = scheme.resolve(topic)
        if found is None:
            raise ParameterError(f"unknown topic {topic!r}; GET /topics lists them")
        topics = scheme.narrower_closure(found.slug)
    params = {"topics": topics, "status": status, "year": year, "district": district, "department": department,
              "category": category, "task": task, "report_kind": report_kind, "project": project,
              "skip": offset, "limit": limit}
    # As in cypher/indicators_by_topic.cypher: start from the topic's
    # indicators (or every indicator of the status), then their reports.
    match = (
        "OPTIONAL MATCH (topic:Topic) WHERE topic.id IN $topics "
        "OPTIONAL MATCH (topic)<-[:ABOUT]-(about:Indicator) WHERE ($status IS NULL OR about.status = $status) "
        "WITH collect(DISTINCT about) AS topical "
        "OPTIONAL MATCH (every:Indicator) WHERE $topics IS NULL AND ($status IS NULL OR every.status = $status) "
        "WITH topical, collect(every) AS every "
        "UNWIND topical + every AS i "
        "WITH i "
        "MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i) "
        "WHERE ($year IS NULL OR r.year = $year) "
        "AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department) "
        "AND ($category IS NULL OR i.category = $category) "
        "AND ($report_kind IS NULL OR r.kind = $report_kind) "
        "OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District) "
        "WITH d, r, i, x WHERE $district IS NULL OR x.name CONTAINS $district "
        "OPTIONAL MATCH (task:Task)-[:MEASURED_BY]->(i) "
        "WITH d, r, i, x, task WHERE $task IS NULL OR task.name CONTAINS $task "
        "OPTIONAL MATCH (project:Project)-[:MEASURED_BY]->(i) "
        "WITH d, r, i, x, task, project WHERE $project IS NULL OR project.name CONTAINS $project "
        "OPTIONAL MATCH (i)-[:ABOUT]->(t:Topic) "
        "WITH d, r, i, x, task, project, t ORDER BY t.id "
        "WITH d, r, i, x, task, project, collect(t.id) AS topics "
    )
    total = client.read(match + "RETURN count(i) AS total", params).rows
    rows = client.read(
        match + "RETURN i.id AS id, i.name AS name, i.category AS category, i.target_text AS target_text, "
        "i.target_value AS target_value, i.target_op AS target_op, i.actual_text AS actual_text, "
        "i.actual_value AS actual_value, i.unit AS unit, i.completion_rate AS completion_rate, i.status AS status, "
        "i.read_by AS read_by, i.flags AS flags, task.name AS task, project.name AS project, topics, d.id AS department_id, d.short_name AS department, "
        "x.name AS district, r.id AS report_id, r.year AS year, r.kind AS report_kind, r.source_file AS source_file, "
        "i.evidence AS evidence "
        "ORDER BY year DESC, department, i.ordinal, source_file, i.id, task.name SKIP $skip LIMIT $limit",
        params,
    ).records()
    return {"total": int(total[0][0]) if total else 0, "limit": limit, "offset": offset, "items": rows}


def topic_tree(client: Client) -> list[dict]:
    counts = {row[0]: row[1:] for row in client.read(
        "MATCH (t:Topic) OPTIONAL MATCH (t)<-[:ABOUT]-(n) "
        "RETURN t.id, sum(CASE WHEN n:Indicator THEN 1 ELSE 0 END), sum(CASE WHEN n:Task THEN 1 ELSE 0 END), count(n)"
    ).rows}
    scheme = ontology.topics()

    def node(topic) -> dict:
        indicators, tasks, total = counts.get(topic.slug, (0, 0, 0))
        return {
            "id": topic.slug, "name_zh": topic.name_zh, "name_en": topic.name_en, "notation": topic.notation,
            "alt_labels": list(topic.alt_labels),
            "counts": {"indicators": int(indicators), "tasks": int(tasks), "all": int(total)},
            "narrower": [node(child) for child in scheme.children(topic.slug)],
        }

    return [node(topic) for topic in scheme.children(None)]
