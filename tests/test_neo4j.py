"""Neo4j 5: the same graph and the same answers as the embedded store.

These run only when PERFKG_NEO4J_URI is set (with PERFKG_NEO4J_USER,
PERFKG_NEO4J_PASSWORD and optionally PERFKG_NEO4J_DATABASE) and are skipped
otherwise. They EMPTY that database: point them at a disposable one.
"""

import os

import pytest

from conftest import EXAMPLES

URI = os.environ.get("PERFKG_NEO4J_URI")
pytestmark = [pytest.mark.neo4j, pytest.mark.skipif(not URI, reason="PERFKG_NEO4J_URI is not set")]


@pytest.fixture(scope="module")
def neo4j_client():
    from perfkg.client import Client
    from perfkg.config import Settings

    settings = Settings(
        store=URI,
        neo4j_user=os.environ.get("PERFKG_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("PERFKG_NEO4J_PASSWORD", ""),
        neo4j_database=os.environ.get("PERFKG_NEO4J_DATABASE") or None,
        query_timeout_ms=2000,
    )
    client = Client.open(settings=settings)
    client.reset()
    yield client
    client.reset()
    client.close()


@pytest.fixture(scope="module")
def loaded_neo4j(neo4j_client):
    outcomes = neo4j_client.ingest([EXAMPLES])
    assert [o.status for o in outcomes] == ["loaded"] * 5, [o.error for o in outcomes]
    return neo4j_client


def test_the_graph_is_the_same_as_on_the_embedded_store(loaded_neo4j, loaded_client):
    from perfkg.export import jsonl

    assert loaded_neo4j.stats() == loaded_client.stats()
    assert list(jsonl(loaded_neo4j.store)) == list(jsonl(loaded_client.store))


def test_ingesting_twice_changes_nothing(loaded_neo4j):
    before = loaded_neo4j.stats()
    loaded_neo4j.ingest([EXAMPLES])
    assert loaded_neo4j.stats() == before


def test_constraints_on_every_label(loaded_neo4j):
    from perfkg import ontology

    rows = loaded_neo4j.store.write("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type").rows
    unique = {(labels[0], properties[0]) for labels, properties, kind in rows if kind == "UNIQUENESS"}
    for label in ontology.schema().labels:
        assert (label, "id") in unique


def test_every_named_query_gives_the_embedded_store_s_answer(loaded_neo4j, loaded_client):
    from perfkg.cypher import catalogue

    for name, query in catalogue().items():
        params = {p.name: "荔城" for p in query.parameters if p.required}
        ours = loaded_client.run(name, params)
        theirs = loaded_neo4j.run(name, params)
        assert theirs.columns == ours.columns, name
        assert _normal(theirs.rows) == _normal(ours.rows), name


def _normal(rows):
    def value(v):
        if isinstance(v, float):
            return round(v, 6)
        if isinstance(v, list):
            return tuple(value(x) for x in v)
        return v

    return sorted((tuple(value(v) for v in row) for row in rows), key=repr)


@pytest.mark.parametrize(
    "query",
    ["CREATE (:X)", "MERGE (:X {id: 1})", "MATCH (d:Department) SET d.name = 'x'", "MATCH (d:Department) REMOVE d.name",
     "MATCH (t:Topic) DETACH DELETE t", "CREATE INDEX x IF NOT EXISTS FOR (n:X) ON (n.id)",
     "CREATE CONSTRAINT y IF NOT EXISTS FOR (n:X) REQUIRE n.id IS UNIQUE",
     "CALL db.createLabel('Intruder')"],
)
def test_reads_refuse_writes_by_asking_the_server(loaded_neo4j, query):
    from perfkg.store import QueryError

    before = loaded_neo4j.stats()
    with pytest.raises(QueryError):
        loaded_neo4j.read(query)
    assert loaded_neo4j.stats() == before


def test_a_runaway_read_is_stopped(loaded_neo4j):
    from perfkg.store import QueryTimeout

    with pytest.raises(QueryTimeout):
        loaded_neo4j.read("MATCH (a), (b), (c), (d) RETURN count(*)", timeout_ms=200)


def test_write_batch_is_one_transaction(neo4j_client):
    from perfkg.store import QueryError, Statement

    store = neo4j_client.store
    store.write("MERGE (:City {id: 'kept-by-test'})")
    with pytest.raises(QueryError):
        store.write_batch([
            Statement("MATCH (c:City {id: 'kept-by-test'}) DETACH DELETE c"),
            Statement("CREATE (:City {id: 'new-by-test'})"),
            Statement("UNWIND [1, 0] AS k CREATE (:City {id: toString(1 / k)})"),
        ])
    rows = store.read("MATCH (c:City) WHERE c.id ENDS WITH '-by-test' RETURN c.id").rows
    assert rows == [["kept-by-test"]]
    store.write("MATCH (c:City {id: 'kept-by-test'}) DETACH DELETE c")


def test_reads_say_the_server_s_own_time_and_cut_results_do_not_wait_for_it(loaded_neo4j):
    whole = loaded_neo4j.store.read("UNWIND range(1, 10) AS x RETURN x")
    assert whole.server_ms is not None and whole.server_ms >= 0
    cut = loaded_neo4j.store.read("UNWIND range(1, 10) AS x RETURN x", row_limit=3)
    assert cut.truncated and cut.rows == [[1], [2], [3]] and cut.server_ms is None
