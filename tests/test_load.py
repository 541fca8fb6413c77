"""Loading extractions: stable ids, idempotence, replacement, and the ontology's say."""

import os
import re
from pathlib import Path

import pytest

from perfkg import ontology
from perfkg.ingest.load import load, prepare, statements, to_rows
from perfkg.ingest.runner import FileOutcome, _write_batch, ingest
from perfkg.client import Client
from perfkg.config import Settings
from perfkg.export import jsonl
from perfkg.store import open_store

from conftest import EXAMPLES, report_path


def test_rows_of_every_example_report_pass_the_ontology(extractions):
    for extraction in extractions.values():
        to_rows(extraction)  # raises SchemaViolation on any undeclared label, property or value


def test_the_loader_writes_only_labels_types_and_properties_the_ontology_declares(extractions):
    schema = ontology.schema()
    for extraction in extractions.values():
        rows = to_rows(extraction)
        for statement in statements([rows], [rows.report_id]):
            for labels in re.findall(r"\(\w*:(\w+(?::\w+)*)", statement.cypher):
                label, *seconds = labels.split(":")
                assert label in schema.labels, statement.cypher
                for second in seconds:
                    assert schema.secondary[second].secondary_of == label, statement.cypher
            for label, properties in re.findall(r"\(\w+:(\w+)[\w:]* \{([^}]*)\}\)", statement.cypher):
                for key in re.findall(r"(\w+): ", properties):
                    assert key in schema.labels[label].properties, statement.cypher
            for rel in re.findall(r"\[:(\w+)\]", statement.cypher):
                assert rel in schema.relationships, statement.cypher
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
    indicator = {"id": "i", "name": "x", "status": "met", "origin": "table", "read_by": "narrative", "ordinal": 1,
                 "evidence": "e", "report_id": "r", "metric_key": "x"}
    schema.check_node("Indicator", indicator)
    for wrong, message in (({"ordinal": "1"}, "must be integer"), ({"ordinal": True}, "must be integer"),
                           ({"score": "9"}, "must be decimal"), ({"flags": "a"}, "must be a list"),
                           ({"flags": ["far_from_target", None]}, "must be string"),
                           ({"flags": ["a"]}, "must be one of"), ({"id": None}, "is required")):
        with pytest.raises(ontology.SchemaViolation, match=message):
            schema.check_node("Indicator", {**indicator, **wrong})
    with pytest.raises(ontology.SchemaViolation):
        schema.check_relationship("HAS_INDICATOR", "Department", "Indicator")


def test_ids_are_stable_across_extractions(extractions):
    from perfkg.ingest.pipeline import extract_file

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


def test_an_indicators_topics_are_its_about_relationships_sorted(store, tmp_path):
    """pk:topics, kept on an indicator for listings, says what its ABOUT relationships say:
    after an ingest, after a report is replaced, and on indicators written before they
    carried it (prepare gives it them)."""
    ingest(store, [EXAMPLES])
    original = report_path("004").read_text(encoding="utf-8")
    new = tmp_path / "new.txt"
    new.write_text(original.replace("开展社区活动次数年度指标值为 220 次，实际完成 170 次；", ""), encoding="utf-8")
    assert ingest(store, [new])[0].status == "replaced"
    store.write("MATCH (i:Indicator) WITH i ORDER BY i.id LIMIT 20 SET i.topics = null")
    prepare(store)
    rows = store.read("MATCH (i:Indicator) OPTIONAL MATCH (i)-[:ABOUT]->(t:Topic) WITH i, t ORDER BY t.id "
                      "WITH i, collect(t.id) AS about RETURN i.topics, about").rows
    assert [topics or [] for topics, _ in rows] == [about for _, about in rows]
    assert any(len(about) > 1 for _, about in rows)


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


def test_two_versions_in_one_run_load_in_file_order_and_the_later_wins(store, tmp_path):
    original = report_path("004").read_text(encoding="utf-8")
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(original, encoding="utf-8")
    new.write_text(original.replace("开展社区活动次数年度指标值为 220 次，实际完成 170 次；", ""), encoding="utf-8")
    os.utime(old, (1_000_000, 1_000_000))
    os.utime(new, (2_000_000, 2_000_000))  # files are taken oldest first
    outcomes = ingest(store, [tmp_path])
    assert [(Path(o.path).name, o.status, o.replaced) for o in outcomes] == [
        ("old.txt", "loaded", []), ("new.txt", "replaced", ["old.txt"])]
    assert store.read("MATCH (r:Report)-[:HAS_INDICATOR]->(i) RETURN r.source_file, count(i)").rows == [["new.txt", 18]]


def test_batches_write_the_same_graph_as_one_report_at_a_time(backend):
    graphs = []
    for batch_size in (1, 25):
        with open_store(backend.empty()) as store:
            assert {o.status for o in ingest(store, [EXAMPLES], batch_size=batch_size)} == {"loaded"}
            graphs.append("".join(jsonl(store)))
    assert graphs[0] == graphs[1]


def test_a_report_whose_rows_cannot_be_made_fails_alone(store, monkeypatch):
    """The rows are made in the extracting process: a report they cannot be made of
    fails there, named, and the others are written."""
    from perfkg.ingest import runner

    def refuse_004(extraction):
        if "004" in extraction.source_file:
            raise ontology.SchemaViolation("Indicator.status must be one of […]")
        return to_rows(extraction)

    monkeypatch.setattr(runner, "to_rows", refuse_004)  # the workers are forked after this
    outcomes = ingest(store, [EXAMPLES], workers=1)
    failed = [o for o in outcomes if o.status == "failed"]
    assert [Path(o.path).name for o in failed] == [report_path("004").name]
    assert "making its rows failed: SchemaViolation" in failed[0].error
    assert store.read("MATCH (r:Report) RETURN count(r)").rows == [[len(outcomes) - 1]]


def test_a_report_the_store_refuses_fails_alone_and_the_rest_of_its_batch_lands(store, extractions):
    prepare(store)
    batch = []
    for key in ("001", "002", "003"):
        extraction = extractions[key]
        batch.append((FileOutcome(extraction.source_file, "loaded"), to_rows(extraction)))
    batch[1][1].report["execution_rate"] = {"rate": 90.8}  # no store takes a map as a property value
    outcomes = _write_batch(store, batch)
    assert [o.status for o in outcomes] == ["loaded", "failed", "loaded"]
    assert "not written" in outcomes[1].error
    written = {row[0] for row in store.read("MATCH (r:Report) RETURN r.source_file").rows}
    assert written == {extractions["001"].source_file, extractions["003"].source_file}
    failed_id = batch[1][1].report_id
    assert store.read("MATCH (n) WHERE n.report_id = $id OR n.id = $id RETURN count(n)", {"id": failed_id}).rows == [[0]]
