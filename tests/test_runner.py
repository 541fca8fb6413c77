"""A folder ingest where one file goes wrong: what goes wrong stays with that
file (ingest/runner.py), in the ingesting process and in its workers."""

import pytest

from perfkg.ingest import pipeline
from perfkg.ingest.runner import ingest

from conftest import report_path

REPORT = report_path("004").read_text(encoding="utf-8")
MARK = "（本段用于测试）"


def a_bug(ctx) -> None:
    """An extraction step with a bug that only one text triggers."""
    if MARK in ctx.out.text:
        raise RuntimeError("an extractor bug")


@pytest.fixture
def folder(tmp_path):
    """Three reports of three departments; the middle one trips the bug."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(report_path("000").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.txt").write_text(REPORT.replace("荔城", "荔湾").replace("二、", MARK + "\n二、", 1), encoding="utf-8")
    (folder / "c.txt").write_text(REPORT, encoding="utf-8")
    return folder


# No real text crashes today's extractors, so the step with the bug is added
# to the real pipeline: what is tested is the runner keeping it to one file.
@pytest.mark.parametrize("workers", [1, 2], ids=["in process", "in workers"])
def test_an_extractor_crash_on_one_file_fails_that_file_alone(store, folder, monkeypatch, workers):
    monkeypatch.setattr(pipeline, "STEPS", (*pipeline.STEPS, a_bug))
    outcomes = {o.path.rsplit("/", 1)[-1]: o for o in ingest(store, [folder], workers=workers)}
    assert {name: o.status for name, o in outcomes.items()} == {"a.txt": "loaded", "b.txt": "failed", "c.txt": "loaded"}
    assert outcomes["b.txt"].error == "extraction failed: RuntimeError: an extractor bug"
    departments = store.read("MATCH (d:Department) RETURN d.short_name ORDER BY d.short_name").rows
    assert departments == [["夏港街道"], ["荔城街道"]]  # nothing of 荔湾


def test_an_amount_no_number_holds_costs_that_fund_not_the_report(store, tmp_path):
    huge = tmp_path / "huge.txt"
    huge.write_text(REPORT.replace("二、", "全年预算数 " + "9" * 400 + " 万元。\n二、", 1), encoding="utf-8")
    [outcome] = ingest(store, [huge])
    assert outcome.status == "loaded", outcome.error
    assert any(w.startswith("dropped a fund whose amount is not a number") for w in outcome.warnings)
    assert store.read("MATCH (i:Indicator) RETURN count(i)").rows == [[19]]


def test_a_file_name_that_is_not_utf8_goes_wrong_alone(store, tmp_path):
    import os

    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "good.txt").write_text(REPORT, encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), "wb") as handle:
        handle.write(REPORT.replace("荔城", "荔湾").encode("utf-8"))
    outcomes = {o.path.rsplit("/", 1)[-1]: o for o in ingest(store, [folder])}
    assert {name: o.status for name, o in outcomes.items()} == {"good.txt": "loaded", "bad\udcff.txt": "failed"}
    assert "not valid Unicode" in outcomes["bad\udcff.txt"].error
    assert store.read("MATCH (r:Report) RETURN r.source_file").rows == [["good.txt"]]
