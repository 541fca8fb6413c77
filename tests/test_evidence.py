"""Every indicator's evidence is its document's own text, where it says,
and says where in the file that is: for the five example reports and the
shared corpus of the genre."""

from __future__ import annotations

import pytest

from perfkg.ingest.pipeline import extract_file
from perfkg.ingest.readers import read_document

from conftest import EXAMPLES, SHARED

CORPUS = SHARED / "corpus" / "docs"


def _reports():
    found = sorted(EXAMPLES.glob("*.txt"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.glob("*.txt"))
    return found


@pytest.mark.parametrize("path", _reports(), ids=lambda p: p.name)
def test_every_indicator_has_verbatim_evidence_and_a_location(path):
    document = read_document(path)
    extraction = extract_file(path)
    for indicator in extraction.indicators:
        evidence = indicator.evidence
        assert evidence.text.strip() and document.text[evidence.start : evidence.end] == evidence.text, indicator.name
        assert evidence.location.startswith("line"), (indicator.name, evidence.location)


def test_the_check_has_indicators_to_check():
    # Guards the test above against passing on reports with no indicator.
    assert sum(len(extract_file(path).indicators) for path in EXAMPLES.glob("*.txt")) >= 100
    if CORPUS.is_dir():
        assert any(extract_file(path).indicators for path in CORPUS.glob("*.txt"))


# -- the source text with its facts, over HTTP and in the terminal ------------------


@pytest.fixture(scope="module")
def http(loaded_store_path):
    from fastapi.testclient import TestClient

    from perfkg.api.app import create_app
    from perfkg.config import Settings

    with TestClient(create_app(Settings(store=str(loaded_store_path)))) as client:
        yield client


def _report_ids(http) -> dict[str, str]:
    """source file -> report id."""
    found = http.post("/cypher", json={"query": "MATCH (r:Report) RETURN r.source_file AS f, r.id AS id"}).json()
    return {row["f"]: row["id"] for row in found["rows"]}


def test_the_source_endpoint_gives_the_text_and_every_facts_span(http):
    ids = _report_ids(http)
    assert len(ids) == 5
    for source_file, report_id in ids.items():
        body = http.get(f"/reports/{report_id}/source").json()
        assert body["source_file"] == source_file and body["format"] == "txt"
        text, spans = body["text"], body["spans"]
        assert text == read_document(EXAMPLES / source_file).text
        report = http.get(f"/reports/{report_id}").json()
        evidence = {item["id"]: item["evidence"] for part in ("indicators", "funds", "tasks", "score_items",
                                                              "outcomes", "problems", "measures")
                    for item in report[part]}
        by_id = {span["id"]: span for span in spans if span["label"] != "Report"}
        assert set(evidence) <= set(by_id)
        for node_id, quoted in evidence.items():
            span = by_id[node_id]
            assert text[span["start"] : span["end"]] == quoted and span["location"].startswith("line")
        assert [s["start"] for s in spans] == sorted(s["start"] for s in spans)


def test_the_execution_rate_and_self_score_have_their_own_sentence(http):
    ids = _report_ids(http)
    body = http.get(f"/reports/{ids['004_a0655f5b282921e2.txt']}/source").json()
    figures = {span["what"]: body["text"][span["start"] : span["end"]] for span in body["spans"]
               if span["label"] == "Report"}
    assert set(figures) == {"execution_rate 90.8", "self_score 88.51"}
    assert "预算完成率 90.8%" in figures["execution_rate 90.8"] and "2021 年度" not in figures["execution_rate 90.8"]
    assert "88.51 分" in figures["self_score 88.51"]
    report = http.get(f"/reports/{ids['002_cbf94105f3fe6078.txt']}").json()
    assert "预算完成率\t96.60%" in report["execution_rate_evidence"]
    assert report["execution_rate_evidence_location"] == "line 11"


def test_the_source_endpoint_is_documented_and_refuses_unknown_reports(http):
    assert http.get("/reports/report-nope/source").status_code == 404
    schema = http.get("/openapi.json").json()
    span = schema["components"]["schemas"]["Span"]["properties"]
    assert {"start", "end", "label", "id", "location"} <= set(span)
    assert "/reports/{report_id}/source" in schema["paths"]


def test_perfkg_show_prints_the_text_with_its_facts_and_where_they_are(loaded_store_path):
    from typer.testing import CliRunner

    from perfkg.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["show", "004_a0655f5b282921e2.txt", "--only", "Indicator", "--only", "Report",
                                 "--store", str(loaded_store_path)])
    assert result.exit_code == 0, result.output
    assert "部门绩效自评得分 88.51 分" in result.output
    assert "21 facts" in result.output and "self_score 88.51" in result.output
    assert "长者饭堂就餐人次" in result.output and "line 1" in result.output
    missing = runner.invoke(app, ["show", "nope.pdf", "--store", str(loaded_store_path)])
    assert missing.exit_code == 1 and "no report 'nope.pdf'" in missing.output
