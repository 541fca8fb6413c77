"""Exports: the Cypher script recreates the graph, the CSV files are what
neo4j-admin imports, and the CLI and API serve them."""

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from perfkg.api.app import create_app
from perfkg.cli import app
from perfkg.client import Client
from perfkg.config import Settings
from perfkg.export import admin_csv, admin_import_command, cypher_literal, cypher_script, jsonl, split_script
from perfkg.store.falkor import FalkorStore


def test_the_cypher_script_recreates_the_graph_in_an_empty_store(loaded_client, tmp_path):
    script = "".join(cypher_script(loaded_client.store))
    target = FalkorStore(tmp_path / "replay.db", create=True)
    try:
        for statement in split_script(script):
            target.write(statement)
        copy = Client(target, Settings())
        assert copy.stats() == loaded_client.stats()
        assert list(jsonl(target)) == list(jsonl(loaded_client.store))  # same ids, properties and edges
    finally:
        target.close()


def test_cypher_literals_survive_quotes_backslashes_and_newlines(store):
    tricky = {"text": 'a "quoted" \\ back\nslash', "n": 1.5, "flag": True, "none": None, "list": [1, "二"]}
    store.write(f"CREATE (:City {{id: 'x', text: {cypher_literal(tricky['text'])}}})")
    assert store.read("MATCH (c:City) RETURN c.text").rows == [[tricky["text"]]]
    assert cypher_literal(tricky) == r'{text: "a \"quoted\" \\ back\nslash", n: 1.5, flag: true, none: null, list: [1, "二"]}'


def test_csv_files_have_the_headers_neo4j_admin_expects(loaded_client):
    files = admin_csv(loaded_client.store)
    stats = loaded_client.stats()
    for label, count in stats["nodes"].items():
        rows = list(csv.reader(io.StringIO(files[f"nodes_{label}.csv"])))
        assert rows[0][0] == "id:ID" and rows[0][-1] == ":LABEL"
        assert len(rows) - 1 == count
        assert all(row[-1].split(";")[0] == label for row in rows[1:])
    report_header = next(csv.reader(io.StringIO(files["nodes_Report.csv"])))
    assert {"year:int", "execution_rate:double", "department_known:boolean", "title"} <= set(report_header)
    indicators = list(csv.reader(io.StringIO(files["nodes_Indicator.csv"])))
    assert any(row[-1] == "Indicator;NotMetIndicator" for row in indicators)
    for rel_type, count in stats["relationships"].items():
        rows = list(csv.reader(io.StringIO(files[f"relationships_{rel_type}.csv"])))
        assert rows[0] == [":START_ID", ":END_ID", ":TYPE"] and len(rows) - 1 == count
    command = admin_import_command(list(files))
    assert command.startswith("neo4j-admin database import full neo4j --nodes=import/nodes_City.csv")


def test_the_cli_exports_every_format_and_validates(loaded_store_path, tmp_path):
    runner = CliRunner()
    store = ["--store", str(loaded_store_path)]
    for fmt, marker in (("ttl", "@prefix pk:"), ("nt", "<https://w3id.org/perfkg/id/"), ("jsonld", '"@id"'),
                        ("cypher", "CREATE INDEX FOR (n:City)")):
        result = runner.invoke(app, ["export", "--format", fmt, *store])
        assert result.exit_code == 0 and marker in result.output, fmt
    folder = tmp_path / "csv"
    result = runner.invoke(app, ["export", "--format", "csv", "--output", str(folder), *store])
    assert result.exit_code == 0 and (folder / "nodes_Report.csv").exists()
    assert "neo4j-admin database import full" in result.output
    assert runner.invoke(app, ["export", "--format", "csv", *store]).exit_code == 2  # needs a folder
    checked = runner.invoke(app, ["validate", *store])
    assert checked.exit_code == 0 and "conforms" in checked.output


def test_validate_reports_violations(tmp_path):
    runner = CliRunner()
    store = FalkorStore(tmp_path / "bad.db", create=True)
    store.write("CREATE (:Indicator {id: 'i1', name: 'x', status: 'maybe', origin: 'table', ordinal: 1, "
                "evidence: 'e', report_id: 'r'})")
    store.close()
    result = runner.invoke(app, ["validate", "--store", str(tmp_path / "bad.db")])
    assert result.exit_code == 1
    assert "violations" in result.output and "status" in result.output


@pytest.fixture(scope="module")
def http(loaded_store_path):
    with TestClient(create_app(Settings(store=str(loaded_store_path)))) as client:
        yield client


def test_the_ontology_over_http(http):
    turtle = http.get("/ontology")
    assert turtle.headers["content-type"].startswith("text/turtle") and "pk:Indicator" in turtle.text
    as_json = http.get("/ontology", headers={"accept": "application/ld+json"})
    assert as_json.headers["content-type"].startswith("application/ld+json")
    assert any("Indicator" in item.get("@id", "") for item in as_json.json())


def test_exports_over_http(http):
    lines = http.get("/export", params={"format": "jsonl"}).text.splitlines()
    assert json.loads(lines[0])["type"] == "node"
    assert "@prefix pk:" in http.get("/export", params={"format": "ttl"}).text
    assert http.get("/export", params={"format": "cypher"}).text.startswith("// perfkg graph export")
    assert http.get("/export", params={"format": "xml"}).status_code == 422
