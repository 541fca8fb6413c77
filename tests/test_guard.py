"""The read-guard on user Cypher (perfkg.store.guard): tricky inputs, and the
guard at work on the embedded store through the API and the CLI."""

import pytest
from typer.testing import CliRunner

from perfkg.cli import app
from perfkg.client import Client
from perfkg.cypher import catalogue
from perfkg.store import QueryError, guard
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


# -- on each store ------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(examples):
    from fastapi.testclient import TestClient

    from perfkg.api.app import create_app

    with TestClient(create_app(examples)) as client:
        yield client


@pytest.mark.parametrize("body, cause", [
    ({"query": MINUS_20}, "nests"), ({"query": "/* // */ " + BRACKETS_22}, "nests"),
    ({"query": "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row"}, "LOAD CSV is refused"),
    ({"query": "CALL algo.pageRank('Report', 'HAS_TASK')"}, "procedure algo.pageRank is refused"),
])
def test_the_api_refuses_unrun_and_keeps_serving(api, body, cause):
    # The guard's own reason, so the database never saw it (parsing the first took 11 s, or minutes).
    response = api.post("/cypher", json=body)
    assert response.status_code == 400 and set(response.json()) == {"error"}
    assert cause in response.json()["error"]
    assert api.get("/health").status_code == 200


def test_the_cli_refuses_load_csv(backend, examples):
    result = CliRunner().invoke(app, ["query", "LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r"],
                                env=backend.env(examples))
    assert result.exit_code == 1 and "LOAD CSV is refused" in result.output


# -- administration commands ----------------------------------------------------------

@pytest.mark.parametrize("cypher, named", [
    ("SHOW TRANSACTIONS", "SHOW TRANSACTIONS"),
    ("show transactions yield transactionId, currentQuery", "show transactions"),
    ("SHOW TRANSACTIONS YIELD transactionId AS t TERMINATE TRANSACTIONS t", "SHOW TRANSACTIONS"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE TRANSACTIONS"),
    ("SHOW SETTINGS YIELD name, value RETURN name, value", "SHOW SETTINGS"),
    ("SHOW ALL FUNCTIONS", "SHOW ALL"),
    ("SHOW PROCEDURES YIELD name", "SHOW PROCEDURES"),
    ("SHOW CURRENT USER", "SHOW CURRENT"),
    ("  Show\n/* spaced */\tDatabases", "Show Databases"),
    ("USE neo4j MATCH (n) RETURN n", "USE neo4j"),
    ("USE `system` SHOW USERS", "USE system"),
    ("CALL { USE neo4j MATCH (n) RETURN n } RETURN n", "USE neo4j"),
    ("DROP INDEX perfkg_report_id", "DROP INDEX"),
    ("CREATE OR REPLACE DATABASE x", "CREATE OR"),
    ("CREATE USER intruder SET PASSWORD 'x'", "CREATE USER"),
    ("ALTER USER neo4j SET PASSWORD 'x'", "ALTER USER"),
    ("GRANT ROLE admin TO intruder", "GRANT ROLE"),
    ("STOP DATABASE neo4j", "STOP DATABASE"),
    ("RETURN 1 AS x //\rSHOW SETTINGS", "SHOW SETTINGS"),  # a line comment ends at a CR too
    ("RETURN 1 AS x // \u2028SHOW SETTINGS", "SHOW SETTINGS"),
])
def test_administration_commands_are_refused_in_every_spelling(cypher, named):
    with pytest.raises(GuardRefused, match="administration commands") as refused:
        guard.check(cypher)
    assert str(refused.value).startswith(named)


@pytest.mark.parametrize("cypher", [
    "MATCH (show:Report) RETURN show", "WITH 1 AS use RETURN use", "MATCH (n) RETURN n.show, n.drop AS d",
    "RETURN {show: 1, use: 2} AS m", "MATCH (n:Show) RETURN n", "MERGE (n:X {id: 1}) ON CREATE SET n.x = 1",
    "MATCH (n) WHERE n.name STARTS WITH 'SHOW TRANSACTIONS' RETURN n", "RETURN 1 // SHOW SETTINGS",
])
def test_the_same_words_as_names_pass(cypher):
    guard.check(cypher)


@pytest.mark.parametrize("cypher", ["SHOW TRANSACTIONS", "SHOW SETTINGS",
                                    "SHOW TRANSACTIONS YIELD transactionId AS t RETURN t"])
def test_each_store_refuses_commands_on_the_server_s_state_even_past_the_guard(store, cypher):
    # Neo4j types these plans as reads: its store refuses them by their plan's operators;
    # FalkorDB has no such commands.
    with pytest.raises(QueryError):
        store.read(cypher)


@pytest.mark.parametrize("cypher", ["SHOW TRANSACTIONS", "SHOW SETTINGS", "USE neo4j RETURN 1",
                                    "RETURN 1 AS x //\rSHOW TRANSACTIONS"])
def test_administration_commands_never_reach_either_store(empty_settings, cypher):
    with Client.open(settings=empty_settings) as client:
        with pytest.raises(GuardRefused, match="administration commands"):
            client.run(cypher)


def test_the_guard_reads_as_code_whatever_either_store_runs_after_a_line_comment(backend, empty_settings):
    # Neo4j ends a line comment at a CR, FalkorDB only at a LF: the guard ends it at either,
    # so it never takes for a comment what a database runs (at worst it reads more as code).
    cypher = "RETURN 1 AS x // a comment\r, 2 AS y"
    assert "y" in [token.text for token in guard.tokens(cypher)]
    with Client.open(settings=empty_settings) as client:
        result = client.run(cypher)
    assert result.columns == (["x", "y"] if backend.name == "neo4j" else ["x"])


# -- the cost model ---------------------------------------------------------------------

# Each probe of the hostile review, with the bound that refuses it.
PROBES = {
    "nested comprehensions (15.8 GB on the embedded store)": (
        "RETURN size([x IN range(1,1000) | [y IN range(1,1000) | [z IN range(1,1000) | x]]])",
        "3 comprehensions, quantifiers and reduce() nested"),
    "a range of 10^8 (1.56 GB before the memory cap)": (
        "UNWIND range(1, 100000000) AS x RETURN count(x)", "100,000,000 range() elements"),
    "a range of 1e8 in another spelling": ("RETURN size(range(1, 10^8))", "100,000,000 range() elements"),
    "a range given by a parameter": (("UNWIND range(1, $n) AS x RETURN count(x)", {"n": 10 ** 8}),
                                     "100,000,000 range() elements"),
    "a range hidden behind a variable": ("WITH 100000000 AS n UNWIND range(1, n) AS x RETURN count(x)",
                                         "range() bounds must be numbers"),
    "a list of ranges iterated twice": ("WITH range(1, 100000) AS l RETURN size([x IN l | [y IN l | x]])",
                                        "10,000,000,000 range() elements"),
    "string doubling with reduce (7-14 s past a 5 s limit)": (
        "RETURN size(reduce(s = 'ab', x IN range(1, 40) | s + s))", "reduce() adds its accumulator s to itself"),
    "a property chain of 3,000 (StackOverflowError on Neo4j)": ("MATCH (n) RETURN n" + ".a" * 3000,
                                                                "3,000 property lookups or indexes in a row"),
    "an index chain": ("WITH [[1]] AS x RETURN x" + "[0]" * 40, "40 property lookups or indexes in a row"),
    "150 OPTIONAL MATCH (104 s on Neo4j)": (" ".join(f"OPTIONAL MATCH (a{i})" for i in range(150)) + " RETURN 1",
                                            "151 clauses"),
    "an 80-hop pattern (46 s)": ("MATCH (a0)" + "".join(f"-[:R]->(a{i + 1})" for i in range(80)) + " RETURN 1",
                                 "80 relationships in its patterns"),
    "6,000 + terms (10 s)": ("RETURN " + "+".join(["1"] * 6000), "names, literals and operators"),
    "=~ '(.*a){20}' (22 s)": ("MATCH (n) WHERE n.name =~ '(.*a){20}' RETURN n", "repeats a group"),
    "a backtracking pattern as a parameter": (("MATCH (n) WHERE n.name =~ $p RETURN n", {"p": "(a+)+$"}),
                                              "repeats a group"),
    "WITH x1500 (500: RecursionError)": ("WITH 1 AS x " + "WITH x " * 1500 + "RETURN x", "clauses"),
    "UNION x800 (500: RecursionError)": (" UNION ".join(["RETURN 1 AS x"] * 800), "clauses"),
}


@pytest.mark.parametrize("probe", list(PROBES))
def test_each_probe_is_refused_by_the_bound_it_breaks(probe):
    query, cause = PROBES[probe]
    cypher, params = query if isinstance(query, tuple) else (query, {})
    with pytest.raises(GuardRefused) as refused:
        guard.check(cypher, params)
    assert cause in str(refused.value)


@pytest.mark.parametrize("probe", list(PROBES))
def test_each_probe_gets_a_400_naming_its_cause_on_both_stores(api, probe):
    query, cause = PROBES[probe]
    cypher, params = query if isinstance(query, tuple) else (query, {})
    response = api.post("/cypher", json={"query": cypher, "params": params})
    assert response.status_code == 400 and cause in response.json()["error"]


@pytest.mark.parametrize("cypher", [
    "UNWIND range(0, size([1, 2, 3]) - 1) AS k RETURN k",
    "UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b RETURN count(*)",
    "RETURN [x IN [1, 2] WHERE any(y IN [1] WHERE y = x)] AS l",
    "RETURN reduce(t = 0, x IN range(1, 100) | t + x) AS total",
    "RETURN reduce(first = 3, x IN [1, 2] | CASE WHEN x < first THEN x ELSE first END) AS least",
    "MATCH (n) WHERE n.name =~ '.*(街道|镇).*' RETURN n.name",
    "MATCH (a)-[:R*1..3]->(b) RETURN b",
    "MATCH (n) RETURN n {.name, .id}",
])
def test_ordinary_shapes_are_within_the_bounds(cypher):
    guard.check(cypher)


def _documented_cypher() -> list[str]:
    """The Cypher examples of the README and the docs."""
    import re

    from conftest import ROOT

    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        found += re.findall(r"```cypher\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    return found


def test_every_documented_example_passes():
    examples = _documented_cypher()
    assert examples
    for cypher in examples:
        guard.check(cypher)


def test_a_huge_range_never_reaches_either_store(empty_settings):
    with Client.open(settings=empty_settings) as client:
        with pytest.raises(GuardRefused, match="range"):
            client.run("UNWIND range(1, 100000000) AS x RETURN count(x)")
