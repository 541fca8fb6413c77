"""What the explorer asks the graph beyond the named queries: headers of
pages, search, and the neighbourhood of a node.

Every query starts from an indexed id or a label scan of a small label
(Department, Topic), so a page costs the same at 5 reports as at 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfkg import ontology
from perfkg.client import Client
from perfkg.ingest.chars import fold

from .grass import grass
from .labels import values as closed_values

# The graph labels a search looks through, and how many hits of each it lists.
SEARCH_LIMIT = 20
# How many neighbours of one relationship type and direction the view draws:
# a topic has thousands of ABOUT neighbours at 10,000 reports.
NEIGHBOURS_PER_TYPE = 25


def report(client: Client, report_id: str) -> dict | None:
    """The report's own properties (warnings among them, when the reader left
    any), its department, district, city and the projects it evaluates."""
    rows = client.read(
        "MATCH (r:Report {id: $id}) OPTIONAL MATCH (d:Department)-[:PUBLISHED]->(r) "
        "OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District) OPTIONAL MATCH (x)-[:IN_CITY]->(c:City) "
        "OPTIONAL MATCH (d)-[:IN_CITY]->(own:City) OPTIONAL MATCH (r)-[:EVALUATES]->(p:Project) "
        "RETURN properties(r) AS report, d.id AS department_id, d.name AS department, d.short_name AS short_name, "
        "x.name AS district, coalesce(c.name, own.name) AS city, "
        "[name IN collect(p.name) WHERE name IS NOT NULL] AS projects",
        {"id": report_id},
    ).records()
    if not rows:
        return None
    row = rows[0]
    found = dict(row.pop("report"))
    found.update(row)
    return found


# The facts a report's source text holds, by the relationship that reaches them.
_FACTS = "HAS_INDICATOR|HAS_TASK|HAS_FUND|HAS_SCORE|REPORTS_OUTCOME|IDENTIFIES|PROPOSES|EVALUATES"


def source(client: Client, report_id: str) -> dict | None:
    """The text the reader produced for a report, and where each fact's
    evidence sits in it: {"text", "spans": [{"start", "end", "label", "id"}]}.
    None for a report loaded without its text."""
    found = client.read("MATCH (:Report {id: $id})-[:HAS_SOURCE]->(s:Source) RETURN s.text", {"id": report_id}).rows
    if not found:
        return None
    labels = ontology.schema().labels
    spans = []
    for row in client.read(
        f"MATCH (r:Report {{id: $id}})-[:{_FACTS}]->(n) WHERE n.evidence_start IS NOT NULL "
        "RETURN n.id AS id, labels(n) AS labels, n.evidence_start AS start, n.evidence_end AS end "
        "UNION ALL "
        "MATCH (r:Report {id: $id})<-[:PUBLISHED]-(:Department)-[:HAS_DUTY|HAS_OFFICE]->(n) "
        "WHERE n.report_id = r.id AND n.evidence_start IS NOT NULL "
        "RETURN n.id AS id, labels(n) AS labels, n.evidence_start AS start, n.evidence_end AS end",
        {"id": report_id},
    ).records():
        label = next(l for l in row["labels"] if l in labels)
        spans.append({"start": row["start"], "end": row["end"], "label": label, "id": row["id"]})
    # A finding's figures, each marked as a span of the finding; after the facts, so a
    # click on a fact's text still goes to the fact.
    for row in client.read(
        "MATCH (:Report {id: $id})-[:HAS_FINDING]->(f:Finding) WHERE f.evidence_start IS NOT NULL "
        "RETURN f.id AS id, f.evidence_start AS start, f.evidence_end AS end, f.evidence_also AS also",
        {"id": report_id},
    ).records():
        also = row["also"] or []
        for start, end in [(row["start"], row["end"]), *zip(also[::2], also[1::2])]:
            spans.append({"start": start, "end": end, "label": "Finding", "id": row["id"]})
    return {"text": found[0][0], "spans": spans}


def departments(client: Client, limit: int) -> tuple[list[dict], int]:
    """Departments by district, the first `limit`, and how many there are."""
    total = int(client.read("MATCH (d:Department) RETURN count(d)").rows[0][0])
    rows = client.read(
        "MATCH (d:Department) OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District) "
        "RETURN d.id AS id, d.short_name AS short_name, d.name AS name, x.name AS district "
        "ORDER BY district, short_name LIMIT $limit",
        {"limit": limit},
    ).records()
    return rows, total


def topic_counts(client: Client) -> dict[str, int]:
    """How many indicators are about each topic or a topic below it, each once."""
    return {slug: int(n) for slug, n in client.read(
        "MATCH (i:Indicator)-[:ABOUT]->(:Topic)-[:BROADER*0..]->(t:Topic) RETURN t.id, count(DISTINCT i)").rows}


@dataclass(frozen=True)
class Hit:
    kind: str  # topic, department, metric, project, indicator
    label: str  # the graph label, for the neighbourhood view
    id: str
    name: str
    detail: str
    status: str | None = None
    department_id: str | None = None
    report_id: str | None = None


def matching_topics(q: str) -> list[ontology.Topic]:
    """Topics a search names: by slug, Chinese or English label or any
    alternative label (SKOS altLabel), whole or in part, or named inside the
    search (生活垃圾分类 names 生活垃圾). Exact names first."""
    scheme = ontology.topics()
    exact = scheme.resolve(q)
    lowered = q.lower()

    def named(topic: ontology.Topic) -> bool:
        words = (topic.slug, topic.name_en.lower(), *topic.labels)
        return any(lowered in word for word in words) or any(len(label) > 1 and label in q for label in topic.labels)

    found = [exact] if exact else []
    found += [t for t in scheme.topics.values() if t is not exact and named(t)]
    return found


def search(client: Client, q: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Topics, departments, projects and indicators whose name holds `q`; and
    when `q` is a topic's name, slug or synonym, the indicators about it
    (垃圾分类 finds 生活垃圾总体减量)."""
    q = fold(q.strip())  # names are held folded: 臨河 finds 临河
    if not q:
        return []
    topics = matching_topics(q)
    hits = [Hit("topic", "Topic", t.slug, t.name_zh, f"{t.name_en} · {'、'.join(t.alt_labels[:8])}") for t in topics]
    params = {"q": q, "limit": limit}
    for row in client.read(
        "MATCH (d:Department) OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District) "
        "WITH d, x WHERE d.id = $q OR d.name CONTAINS $q OR d.short_name CONTAINS $q OR x.name CONTAINS $q "
        "OR any(a IN coalesce(d.aliases, []) WHERE a CONTAINS $q) "
        "RETURN d.id AS id, d.name AS name, x.name AS district ORDER BY name LIMIT $limit", params,
    ).records():
        hits.append(Hit("department", "Department", row["id"], row["name"], row["district"] or ""))
    # Metrics by any of their labels: the name a report gives one finds the others' too.
    for row in client.read(
        "MATCH (m:Metric) WHERE m.name CONTAINS $q OR any(a IN m.aliases WHERE a CONTAINS $q) "
        "RETURN m.id AS id, m.name AS name, m.aliases AS aliases ORDER BY name LIMIT $limit", params,
    ).records():
        hits.append(Hit("metric", "Metric", row["id"], row["name"], "、".join(row["aliases"] or [])))
    # Project nodes come with project evaluations (issue 12); until a store
    # holds one, this finds none.
    for row in client.read(
        "MATCH (p:Project) WHERE p.name CONTAINS $q RETURN p.id AS id, p.name AS name ORDER BY name LIMIT $limit",
        params,
    ).records():
        hits.append(Hit("project", "Project", row["id"], row["name"], ""))
    # Indicators named by the search, then those about the topics it names,
    # each once; the LIMIT stops the walk early when a topic has thousands.
    named = ontology.topics().resolve(q)
    slugs = ontology.topics().narrower_closure(named.slug) if named else []
    for row in client.read(
        "CALL { "
        "  MATCH (i:Indicator) WHERE i.name CONTAINS $q RETURN i LIMIT $limit "
        "  UNION "
        "  MATCH (t:Topic)<-[:ABOUT]-(i:Indicator) WHERE t.id IN $slugs RETURN i LIMIT $limit "
        "} "
        "WITH i LIMIT $limit "
        "MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i) "
        "RETURN i.id AS id, i.name AS name, i.status AS status, d.short_name AS department, r.year AS year, "
        "d.id AS department_id, r.id AS report_id",
        {**params, "slugs": slugs},
    ).records():
        hits.append(Hit("indicator", "Indicator", row["id"], row["name"], f"{row['department']} {row['year']}",
                        row["status"], row["department_id"], row["report_id"]))
    return hits


def neighbourhood(client: Client, label: str, node_id: str, per_type: int = NEIGHBOURS_PER_TYPE) -> dict | None:
    """A node, its relationships counted by type and direction, and up to
    `per_type` neighbours of each, ready for cytoscape.js. `label` must be a
    label of the ontology (it goes into the query text, to use its index)."""
    if label not in ontology.schema().labels:
        raise ValueError(f"{label!r} is not a label of the graph")
    rows = client.read(f"MATCH (n:{label} {{id: $id}}) RETURN labels(n) AS labels, properties(n) AS properties",
                       {"id": node_id}).records()
    if not rows:
        return None
    style = grass()
    centre = rows[0]
    groups = client.read(
        f"MATCH (n:{label} {{id: $id}})-[r]->() RETURN type(r) AS type, 'out' AS direction, count(r) AS total "
        "UNION ALL "
        f"MATCH (n:{label} {{id: $id}})<-[r]-() RETURN type(r) AS type, 'in' AS direction, count(r) AS total",
        {"id": node_id},
    ).records()
    nodes = {node_id: _node(style, node_id, centre["labels"], centre["properties"], centre=True)}
    edges = []
    for group in sorted(groups, key=lambda g: (g["direction"], g["type"])):
        arrow = "-[r:{}]->" if group["direction"] == "out" else "<-[r:{}]-"
        neighbours = client.read(
            f"MATCH (n:{label} {{id: $id}}){arrow.format(group['type'])}(m) "
            "RETURN labels(m) AS labels, properties(m) AS properties LIMIT $limit",
            {"id": node_id, "limit": per_type},
        ).records()
        for row in neighbours:
            other = row["properties"]["id"]
            nodes.setdefault(other, _node(style, other, row["labels"], row["properties"]))
            source, target = (node_id, other) if group["direction"] == "out" else (other, node_id)
            edges.append({"id": f"{source}|{group['type']}|{target}", "source": source, "target": target,
                          "type": group["type"]})
        group["shown"] = len(neighbours)
    return {"node": nodes[node_id], "nodes": list(nodes.values()), "edges": edges, "relationships": groups}


def _node(style, node_id: str, labels: list[str], properties: dict, centre: bool = False) -> dict:
    primary = next((l for l in labels if l in ontology.schema().labels), labels[0] if labels else "")
    # A closed value (a status, a kind) in words, as the ontology gives them: {property: (Chinese, English)}.
    named = {key: table[value] for key, value in properties.items()
             if isinstance(value, str) and value in (table := closed_values(primary, key))}
    return {"id": node_id, "label": primary, "labels": labels, "caption": style.caption(labels, properties),
            "properties": properties, "words": named, "centre": centre}
