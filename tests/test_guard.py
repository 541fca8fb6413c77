"""The read-guard on user Cypher (perfkg.store.guard): tricky inputs, and the
guard at work on the embedded store through the API and the CLI."""

import time

import pytest
from typer.testing import CliRunner

from perfkg.cli import app
from perfkg.cypher import catalogue
from perfkg.store import guard
from perfkg.store.guard import GuardRefused

MINUS_20 = "RETURN " + "- " * 20 + "1"
BRACKETS_22 = "RETURN " + "(" * 22 + "1" + ")" * 22


@pytest.mark.parametrize("cypher", [
    MINUS_20,
    BRACKETS_22,
    "/* // */ " + BRACKETS_22,  # a line comment inside a block comment hid the rest from the old guard
    "// a comment\n" + BRACKETS_22,
    "RETURN '/*' + " + "(" * 22 + "1" + ")" * 22 + " + '*/'",  # the comment markers are in strings
    "RETURN `/*`" + ", " + "(" * 22 + "1" + ")" * 22,  # ... or in a quoted name
    "RETURN " + "NOT " * 20 + "true",
    "RETURN " + "-(" * 10 + "1" + ")" * 10,
    "RETURN " + "CASE WHEN true THEN " * 15 + "1" + " END" * 15,
    "RETURN " + " + ".join(["(" * 9 + "1" + ")" * 9] * 20),  # many chains, each shallow enough alone
])
def test_deep_nesting_is_refused_whatever_hides_it(cypher):
    with pytest.raises(GuardRefused, match="nests"):
        guard.check(cypher)


@pytest.mark.parametrize("cypher", [
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "load csv from 'http://127.0.0.1:8000/health' as row return row",
    "LOAD\n/* hidden */\tCSV WITH HEADERS FROM 'https://example.com/x.csv' AS row RETURN row",
    "USING PERIODIC COMMIT LOAD CSV FROM 'x' AS r RETURN r",
    "MATCH (n) WITH n LIMIT 1 LOAD CSV FROM 'x' AS r RETURN r",
])
def test_load_csv_is_refused_in_any_case_and_spacing(cypher):
    with pytest.raises(GuardRefused, match="LOAD CSV"):
        guard.check(cypher)


@pytest.mark.parametrize("cypher, name", [
    ("CALL apoc.load.json('file:///etc/passwd')", "apoc.load.json"),
    ("CALL apoc.import.csv([], [], {})", "apoc.import.csv"),
    ("CALL `apoc`.`load`.`jdbc`('x', 'y')", "apoc.load.jdbc"),
    ("CALL apoc . load /* */ . json('x')", "apoc.load.json"),
    ("CALL APOC.LOAD.JSON('x')", "APOC.LOAD.JSON"),
    ("CALL apoc.cypher.run('LOAD CSV FROM \"x\" AS r RETURN r', {})", "apoc.cypher.run"),
    ("CALL algo.betweenness({})", "algo.betweenness"),
    ("CALL db.idx.fulltext.createNodeIndex('Topic', 'name_zh')", "db.idx.fulltext.createNodeIndex"),
    ("RETURN apoc.util.sleep(100000)", "apoc.util.sleep"),
    ("RETURN apoc.static.get('x')", "apoc.static.get"),
])
def test_procedures_and_functions_that_reach_outside_are_refused(cypher, name):
    with pytest.raises(GuardRefused, match="refused") as refused:
        guard.check(cypher)
    assert name in str(refused.value)


@pytest.mark.parametrize("cypher", [
    "RETURN 'LOAD CSV FROM x' AS text // LOAD CSV",
    "MATCH (n:`LOAD CSV`) RETURN n",
    "RETURN \"CALL apoc.load.json('x')\" /* CALL algo.pageRank() */",
    "RETURN '" + "(" * 40 + "' AS brackets",
    "RETURN [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19, -20]",
    "MATCH (a)-[:R]->(b)<-[:S]-(c) WHERE NOT a.x IS NOT NULL AND -a.y < - -1 RETURN a, -b.z",
    "CALL db.labels() YIELD label RETURN label",
    "CALL dbms.procedures() YIELD name RETURN name",
    "RETURN apoc.text.join(['a', 'b'], ',')",
    "CALL { MATCH (n) RETURN n } RETURN count(n)",
    "RETURN 'it\\'s' AS escaped, \"say \\\"hi\\\"\" AS quoted, `a``b` AS name",
])
def test_ordinary_reads_pass(cypher):
    guard.check(cypher)


def test_every_named_query_passes():
    for query in catalogue().values():
        guard.check(query.cypher)


@pytest.mark.parametrize("cypher, what", [
    ("RETURN 'open", "string"), ("RETURN 1 /* open", "comment"), ("RETURN `open", "quoted name"),
])
def test_an_unterminated_string_or_comment_is_refused_not_guessed(cypher, what):
    with pytest.raises(GuardRefused, match=f"unterminated {what}"):
        guard.check(cypher)


# -- on the embedded store -------------------------------------------------------


@pytest.fixture(scope="module")
def api(loaded_store_path):
    from fastapi.testclient import TestClient

    from perfkg.api.app import create_app
    from perfkg.config import Settings

    with TestClient(create_app(Settings(store=str(loaded_store_path)))) as client:
        yield client


@pytest.mark.parametrize("body", [
    {"query": MINUS_20}, {"query": "/* // */ " + BRACKETS_22},
    {"query": "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row"},
    {"query": "CALL algo.pageRank('Report', 'HAS_TASK')"},
])
def test_the_api_refuses_at_once_and_keeps_serving(api, body):
    started = time.monotonic()
    response = api.post("/cypher", json=body)
    assert response.status_code == 400 and set(response.json()) == {"error"}
    assert time.monotonic() - started < 2  # refused unparsed (this one took 11 s, or minutes)
    assert api.get("/health").status_code == 200


def test_the_cli_refuses_load_csv(loaded_store_path):
    result = CliRunner().invoke(app, ["query", "LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r",
                                      "--store", str(loaded_store_path)])
    assert result.exit_code == 1 and "LOAD CSV is refused" in result.output
