"""Loading extractions: stable ids, idempotence, replacement, and the ontology's say."""

import re

import pytest

import ontology
from ingest.load import load, prepare, statements, to_rows
from ingest.runner import ingest
from perfkg.client import Client
from perfkg.config import Settings
from perfkg.export import jsonl

from conftest import EXAMPLES, report_path


def test_rows_of_every_example_report_pass_the_ontology(extractions):
    for extraction in extractions.values():
        to_rows(extraction)  # raises SchemaViolation on any undeclared label, property or value


def test_the_loader_writes_only_labels_types_and_properties_the_ontology_declares(extractions):
    schema = ontology.schema()
    for extraction in extractions.values():
        rows = to_rows(extraction)
        for statement in statements(rows, [rows.report_id]):
            for label in re.findall(r"\(\w*:(\w+)", statement.cypher) + re.findall(r"SET \w+:(\w+)", statement.cypher):
                assert label in schema.labels or label in schema.secondary, statement.cypher
            for rel in re.findall(r"\[:(\w+)\]", statement.cypher):
                assert rel in schema.relationships, statement.cypher
            for key in re.findall(r"\{(\w+):", statement.cypher):
                assert any(key in spec.properties for spec in schema.labels.values()), statement.cypher
        for label, batch in rows.children.items():
            for row in batch:
                assert set(row) <= set(schema.labels[label].properties)


def test_the_schema_refuses_what_the_ontology_does_not_declare():
    schema = ontology.schema()
    with pytest.raises(ontology.SchemaViolation, match="not declared"):
        schema.check_node("Indicator", {"id": "i", "name": "x", "status": "met", "origin": "table", "ordinal": 1,
                                        "evidence": "e", "report_id": "r", "colour": "red"})
    with pytest.raises(ontology.SchemaViolation, match="must be one of"):
        schema.check_node("Indicator", {"id": "i", "name": "x", "status": "maybe", "origin": "table", "ordinal": 1,
                                        "evidence": "e", "report_id": "r"})
    with pytest.raises(ontology.SchemaViolation, match="not declared"):
        schema.check_node("Street", {"id": "s"})
    with pytest.raises(ontology.SchemaViolation):
        schema.check_relationship("HAS_INDICATOR", "Department", "Indicator")


def test_ids_are_stable_across_extractions(extractions):
    from ingest.pipeline import extract_file

    again = extract_file(report_path("004"))
    first, second = to_rows(extractions["004"]), to_rows(again)
    assert first.report_id == second.report_id
    assert [r["id"] for r in first.children["Indicator"]] == [r["id"] for r in second.children["Indicator"]]


def test_ingesting_twice_changes_nothing(store):
    client = Client(store, Settings())
    ingest(store, [EXAMPLES])
    first_stats, first_export = client.stats(), "".join(jsonl(store))
    outcomes = ingest(store, [EXAMPLES])
    assert [o.status for o in outcomes] == ["replaced"] * 5
    assert client.stats() == first_stats
    assert "".join(jsonl(store)) == first_export


def test_a_newer_version_of_a_report_replaces_the_old_one_whole(store, tmp_path):
    prepare(store)
    original = report_path("004").read_text(encoding="utf-8")
    old = tmp_path / "old.txt"
    old.write_text(original, encoding="utf-8")
    ingest(store, [old])
    # The same department and year, a different file: one indicator fewer.
    new = tmp_path / "new.txt"
    new.write_text(original.replace("开展社区活动次数年度指标值为 220 次，实际完成 170 次；", ""), encoding="utf-8")
    outcome = ingest(store, [new])[0]
    assert outcome.status == "replaced" and outcome.replaced == ["old.txt"]
    rows = store.read("MATCH (r:Report)-[:HAS_INDICATOR]->(i) RETURN r.source_file, count(i)").rows
    assert rows == [["new.txt", 18]]
    assert store.read("MATCH (n:Indicator) WHERE n.name = '开展社区活动次数' RETURN count(n)").rows == [[0]]
    assert store.read("MATCH (r:Report) RETURN count(r)").rows == [[1]]


def test_a_fragment_without_department_is_kept_under_an_unknown_department(store, tmp_path):
    fragment = tmp_path / "fragment.txt"
    fragment.write_text(
        "外出招商活动次数年度指标值为 4 次，实际完成 3 次；服务企业数年度指标值为 203 家，实际完成 212 家。\n",
        encoding="utf-8")
    outcome = ingest(store, [fragment])[0]
    assert outcome.status == "loaded", outcome.error
    assert store.read("MATCH (r:Report) RETURN r.department_known").rows == [[False]]
    assert store.read("MATCH (:Report)-[:HAS_INDICATOR]->(i) RETURN i.name, i.status ORDER BY i.name").rows == [
        ["外出招商活动次数", "not_met"], ["服务企业数", "met"]]
    assert store.read("MATCH (d:Department) RETURN count(d)").rows == [[0]]
