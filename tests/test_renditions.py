"""The example reports as published (PDF, Word, web page, Markdown; the form
also as Excel .xlsx and .xls) read exactly as their .txt does: `perfkg eval`
gives the same numbers over the gold, and every indicator's evidence is its
document's text, located."""

from __future__ import annotations

import pytest

from perfkg.ingest.evaluate import evaluate_folder
from perfkg.ingest.pipeline import extract_file
from perfkg.ingest.readers import read_document
from renditions import FORMATS, SHEET_FORMATS, render_for_eval

from conftest import GOLD, SHARED_REPORTS


@pytest.fixture(scope="session")
def text_eval():
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD}")
    return evaluate_folder(GOLD, SHARED_REPORTS)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """format -> the folder of its gold files (naming the renditions); reports beside them."""
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD}")
    root = tmp_path_factory.mktemp("renditions")
    folders = {fmt: render_for_eval(SHARED_REPORTS, GOLD, root / fmt, fmt) for fmt in FORMATS}
    folders.update({fmt: render_for_eval(SHARED_REPORTS, GOLD, root / fmt, fmt, stems=("002",))
                    for fmt in SHEET_FORMATS})
    return folders


def _numbers(result: dict) -> dict:
    indicators = result["indicators"]
    return {key: indicators[key] for key in ("gold", "extracted", "matched", "status_correct", "target_correct",
                                             "actual_correct", "not_met_found", "topics_matched")} | {
        "facts": (result["facts"]["correct"], result["facts"]["total"])}


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_evaluates_exactly_as_the_text(rendered, text_eval, fmt):
    result = evaluate_folder(rendered[fmt], rendered[fmt].parent / "reports")
    overall = result["overall"]
    assert [e["problems"] for e in result["reports"]] == [e["problems"] for e in text_eval["reports"]]
    assert _numbers(overall) == _numbers(text_eval["overall"])
    assert overall["indicators"]["f1"] == 1.0 and overall["indicators"]["status_accuracy"] == 1.0
    assert overall["facts"]["correct"] == overall["facts"]["total"] == 173


@pytest.mark.parametrize("fmt", SHEET_FORMATS)
def test_the_form_as_a_spreadsheet_evaluates_exactly_as_the_text(rendered, text_eval, fmt):
    result = evaluate_folder(rendered[fmt], rendered[fmt].parent / "reports")
    text_entry = next(e for e in text_eval["reports"] if e["file"].startswith("002"))
    assert len(result["reports"]) == 1
    entry = result["reports"][0]
    assert entry["problems"] == text_entry["problems"]
    assert _numbers(entry["summary"]) == _numbers(text_entry["summary"])


@pytest.mark.parametrize("fmt", FORMATS + SHEET_FORMATS)
def test_every_indicator_has_its_documents_text_as_evidence_and_a_location(rendered, fmt):
    checked = 0
    for path in sorted((rendered[fmt].parent / "reports").iterdir()):
        document = read_document(path)
        extraction = extract_file(path)
        checked += len(extraction.indicators)
        for indicator in extraction.indicators:
            evidence = indicator.evidence
            assert document.text[evidence.start : evidence.end] == evidence.text, (path.name, indicator.name)
            assert evidence.location, (path.name, indicator.name)
    assert checked >= 90  # 002 alone has 93