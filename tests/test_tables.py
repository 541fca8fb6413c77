"""The graph as typed tables (perfkg.tables): the Parquet export and
Client.tables() hold the graph's facts — every node and relationship, once,
with its ontology type — and questions answered over them in DuckDB (the SQL
of docs/analysis.md and benchmarks/broad.py) give the named queries' rows."""

import math
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import broad  # noqa: E402

pyarrow_parquet = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def exported(backend, tmp_path_factory):
    """The example graph exported by the CLI, as it is run. A module's fixture is made
    before the per-test reload of the example graph, so it loads it itself (on Neo4j a
    test before may have emptied the one database)."""
    from typer.testing import CliRunner

    from perfkg.cli import app

    examples = backend.examples()

    folder = tmp_path_factory.mktemp("parquet")
    env = {"PERFKG_STORE": examples.store, "PERFKG_NEO4J_USER": examples.neo4j_user,
           "PERFKG_NEO4J_PASSWORD": examples.neo4j_password}
    done = CliRunner().invoke(app, ["export", "--format", "parquet", "--output", str(folder)], env=env)
    assert done.exit_code == 0, done.output
    return folder


def test_every_label_and_relationship_is_a_table_with_every_fact_once(exported, loaded_client):
    from perfkg import ontology
    from perfkg.tables import tables

    schema = ontology.schema()
    counts = {path.stem: pyarrow_parquet.read_metadata(path).num_rows for path in exported.glob("*.parquet")}
    assert set(counts) == {table.name for table in tables()}
    stats = loaded_client.stats()
    for label in schema.labels:
        name = next(t.name for t in tables() if t.columns[0] == ("id", "string", False) and t.cypher.startswith(
            f"MATCH (n:{label})"))
        assert counts[name] == stats["nodes"].get(label, 0), label
    node_tables = {t.name for t in tables() if t.key_columns == 1}
    relationships = sum(n for name, n in counts.items() if name not in node_tables)
    assert relationships == sum(stats["relationships"].values())
    # ids are unique in every node table, and every relationship's ends are rows of their tables
    indicators = pyarrow_parquet.read_table(exported / "indicators.parquet").to_pandas()
    assert indicators.id.is_unique
    about = pyarrow_parquet.read_table(exported / "indicator_about_topic.parquet").to_pandas()
    topics = pyarrow_parquet.read_table(exported / "topics.parquet").to_pandas()
    assert set(about.indicator_id) <= set(indicators.id) and set(about.topic_id) <= set(topics.id)


def test_the_columns_carry_the_ontology_types(exported):
    import pyarrow as pa

    reports = pyarrow_parquet.read_table(exported / "reports.parquet")
    assert reports.schema.field("year").type == pa.int64()
    assert reports.schema.field("self_score").type == pa.float64()
    assert reports.schema.field("department_known").type == pa.bool_()
    assert reports.schema.field("warnings").type == pa.list_(pa.string())
    assert reports.column_names[0] == "id"


@pytest.mark.parametrize("name", ["indicators_below_target", "indicators_by_topic"])
def test_duckdb_over_the_tables_gives_the_named_query_rows(exported, loaded_client, name):
    graph = loaded_client.run(name).records()
    assert graph, "the example graph answers both questions"
    connection = broad.duckdb_connection(exported)
    cursor = connection.execute(broad.SQL[name], {"topic": None, "year": None})
    columns = [column[0] for column in cursor.description]
    in_duckdb = [dict(zip(columns, row)) for row in cursor.fetchall()]
    assert columns == list(graph[0])
    assert sorted(_key(row, columns) for row in in_duckdb) == sorted(_key(row, columns) for row in graph)


def _key(row: dict, columns: list[str]) -> tuple:
    """A row's values, comparable across the two sources (a list as a tuple, NaN as None)."""
    def one(value):
        if isinstance(value, list):
            return tuple(value)
        if isinstance(value, float) and math.isnan(value):
            return None
        return value
    return tuple(repr(one(row[column])) for column in columns)


def test_client_tables_are_dataframes_of_the_same_facts(exported, loaded_client):
    frames = loaded_client.tables("indicators", "task_measured_by_indicator")
    assert set(frames) == {"indicators", "task_measured_by_indicator"}
    on_disk = pyarrow_parquet.read_table(exported / "indicators.parquet").to_pandas()
    assert frames["indicators"].equals(on_disk)
    assert str(frames["indicators"]["evidence_start"].dtype) == "int64"
    measured = frames["task_measured_by_indicator"]
    assert list(measured.columns) == ["task_id", "indicator_id"] and len(measured) > 0
    with pytest.raises(ValueError, match="no table nonsense"):
        loaded_client.tables("nonsense")


def test_every_recipe_of_docs_analysis_runs_over_the_export(exported):
    import re

    recipes = re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8"), re.S)
    assert len(recipes) >= 5
    connection = broad.duckdb_connection(exported)
    answered = []
    for sql in recipes:
        params = {key: value for key, value in {"topic": None, "year": None}.items() if f"${key}" in sql}
        answered.append(len(connection.execute(sql, params).fetchall()))
    assert sum(1 for count in answered if count) >= 4, answered  # the example graph answers most of them
