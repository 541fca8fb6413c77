"""Both stores hold the same graph and give the same answers.

The same reports ingested into the embedded store and into Neo4j: the five
example reports, and 100 synthetic ones (`perfkg bench-corpus`). Their
statistics, their whole exports (JSON lines, sorted) and every named query's
rows (with its required parameters, and with a topic where it takes one) are
equal, row for row and in order; so are the API's own listings.
"""

import pytest

from perfkg.api import queries as api_queries
from perfkg.client import Client
from perfkg.corpus import generate
from perfkg.cypher import catalogue
from perfkg.export import jsonl

from conftest import EXAMPLES, PROJECT_DOCUMENTS

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module", params=["examples", "synthetic-100"])
def corpus(request, tmp_path_factory):
    """The reports, with a project form and a target declaration beside them (so every
    named query has rows to compare: the examples evaluate no project)."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "examples":
        for report in EXAMPLES.glob("*.txt"):
            (folder / report.name).write_bytes(report.read_bytes())
    else:
        generate(100, folder, EXAMPLES, seed=11)
    for name, text in PROJECT_DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def stores(corpus, tmp_path_factory, neo4j_backend):
    """(embedded, Neo4j) clients holding the corpus."""
    from conftest import FalkorBackend

    clients = [Client.open(settings=FalkorBackend(tmp_path_factory).empty()),
               Client.open(settings=neo4j_backend.empty())]
    try:
        for client in clients:
            outcomes = client.ingest([corpus])
            assert {o.status for o in outcomes} == {"loaded"}, [o.error for o in outcomes if o.error]
        yield clients
    finally:
        for client in clients:
            client.close()


def test_the_same_graph(stores):
    falkor, neo = stores
    assert neo.stats() == falkor.stats()
    assert list(jsonl(neo.store)) == list(jsonl(falkor.store))


def _calls(client) -> list[tuple[str, dict]]:
    """Each named query with its required parameters (the department with the most
    indicators, and its report), and again with a broad topic where it takes one."""
    department, report = client.read(
        "MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i:Indicator) "
        "RETURN d.name, r.id, count(i) AS n ORDER BY n DESC, d.name, r.id LIMIT 1").rows[0][:2]
    metric = client.read("MATCH (m:Metric)<-[:MEASURES]-(i:Indicator) "
                         "RETURN m.name, count(i) AS n ORDER BY n DESC, m.name LIMIT 1").rows[0][0]
    calls = []
    for name, query in sorted(catalogue().items()):
        required = {p.name: {"report": report, "metric": metric}.get(p.name, department)
                    for p in query.parameters if p.required}
        calls.append((name, required))
        if any(p.name == "topic" for p in query.parameters):
            calls.append((name, {**required, "topic": "urban_management"}))
    return calls


def test_every_named_query_gives_the_same_rows_in_the_same_order(stores):
    falkor, neo = stores
    answered = set()
    for name, params in _calls(falkor):
        ours, theirs = falkor.run(name, params), neo.run(name, params)
        assert (theirs.columns, theirs.rows) == (ours.columns, ours.rows), f"{name} {params}"
        if ours.rows:
            answered.add(name)
    assert answered == set(catalogue())  # a query without rows compares nothing


def test_the_api_lists_the_same(stores):
    falkor, neo = stores
    assert api_queries.departments(neo) == api_queries.departments(falkor)
    assert api_queries.topic_tree(neo) == api_queries.topic_tree(falkor)
    for filters in ({}, {"status": "not_met"}, {"topic": "urban_management", "status": "met"},
                    {"report_kind": "project_form"}, {"project": "河道"}):
        page = {"topic": None, "status": None, "year": None, "district": None, "department": None, "category": None,
                "task": None, "report_kind": None, "project": None, "limit": 200, "offset": 0, **filters}
        assert api_queries.indicators(neo, **page) == api_queries.indicators(falkor, **page), filters
    reports = [row[0] for row in falkor.read("MATCH (r:Report) RETURN r.id ORDER BY r.id LIMIT 20").rows]
    for report in reports:
        assert api_queries.report(neo, report) == api_queries.report(falkor, report), report
