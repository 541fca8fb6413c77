"""Each extractor on the five shared reports, checked against the gold (the
evaluation as a whole is in test_accuracy.py)."""

import re
from collections import Counter

import pytest

from conftest import gold

REPORTS = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("report", REPORTS)
def test_header(extractions, report):
    expected, got = gold(report), extractions[report]
    department = expected["department"]
    assert (got.department.name, got.department.short_name, got.department.district, got.department.city) == (
        department["name"], department["short_name"], department["district"], department["city"])
    assert got.year == expected["year"]
    assert got.execution_rate == pytest.approx(expected["execution_rate"])
    assert got.self_score == (pytest.approx(expected["self_score"]) if expected["self_score"] is not None else None)


@pytest.mark.parametrize("report", REPORTS)
def test_organisation_and_narrative_counts(extractions, report):
    expected, got = gold(report)["counts"], extractions[report].counts()
    assert {k: got[k] for k in expected} == expected


@pytest.mark.parametrize("report", REPORTS)
def test_tasks(extractions, report):
    got = [t.name for t in extractions[report].tasks if t.kind == "key_task"]
    assert got == gold(report)["tasks"]


@pytest.mark.parametrize("report", REPORTS)
def test_funds(extractions, report):
    extraction = extractions[report]

    def key(kind, source, amount, task):
        return kind, source, round(amount, 2), task

    got = Counter(key(f.kind, f.source, f.amount, extraction.tasks[f.task].name if f.task is not None else None)
                  for f in extraction.funds)
    expected = Counter(key(f["kind"], f["source"], f["amount"], f.get("task")) for f in gold(report)["funds"])
    assert got == expected


@pytest.mark.parametrize("report", REPORTS)
def test_score_items(extractions, report):
    extraction = extractions[report]
    parents = {i.parent for i in extraction.score_items if i.parent is not None}
    leaves = [(i.name, i.max_score, i.score) for n, i in enumerate(extraction.score_items) if n not in parents]
    assert leaves == [(s["name"], s["max_score"], s["score"]) for s in gold(report)["score_items"]]


def test_score_table_keeps_its_hierarchy(extractions):
    items = extractions["000"].score_items
    by_name = {i.name: i for i in items}
    assert by_name["采购内控制度建设"].level == 3  # the name cut by the page break is whole
    purchasing = items[by_name["采购内控制度建设"].parent]
    assert (purchasing.name, purchasing.level) == ("采购管理", 2)
    assert (items[purchasing.parent].name, items[purchasing.parent].level) == ("管理效率", 1)
    assert items[by_name["资产配置合规性"].parent].name == "资产管理"


@pytest.mark.parametrize("report", REPORTS)
def test_indicators_below_target(extractions, report):
    got = {i.name for i in extractions[report].indicators if i.status == "not_met"}
    expected = {i["name"] for i in gold(report)["indicators"] if i["status"] == "not_met"}
    assert len(got) == len(expected)


def test_the_form_yields_its_key_indicators_and_task_rows(extractions):
    indicators = extractions["002"].indicators
    assert sum(i.category == "关键指标" for i in indicators) == 16
    assert sum(i.origin == "table" for i in indicators) == 90
    tasks = extractions["002"].tasks
    task_of = Counter(tasks[i.task].name for i in indicators if i.task is not None)
    assert task_of["加强生态建设创建文明城市"] == 19  # its three row groups: 5 + 6 + 8


def test_every_fact_quotes_its_file_verbatim_at_the_line_it_names(extractions):
    from conftest import EXAMPLES

    checked = 0
    for path in EXAMPLES.glob("*.txt"):
        extraction = extractions[path.name[:3]]
        # The file as a researcher opens it, without the PDF-to-text markup the reader drops.
        lines = re.sub(r"</?p>|\*\*", "", path.read_text(encoding="utf-8")).split("\n")
        for field in ("duties", "offices", "tasks", "indicators", "funds", "score_items", "outcomes", "problems",
                      "measures"):
            for item in getattr(extraction, field):
                evidence = item.evidence
                first = int(re.match(r"lines? (\d+)", evidence.location).group(1))
                quoted = evidence.text.split("\n")
                assert quoted[0] in lines[first - 1], (field, evidence)
                assert "\n".join(lines[first - 1 : first - 1 + len(quoted)]).find(evidence.text) >= 0
                checked += 1
        # nothing had to be dropped for evidence that was not the source's
        assert not [w for w in extraction.warnings if w.startswith("dropped")]
    # duties 28, offices 16, tasks 40, indicators 125, funds 51, score items 38, outcomes 53, problems 16,
    # measures 23: the fact nodes `perfkg stats` counts for the five reports
    assert checked == 390


def test_missing_sections_are_warnings_not_errors():
    from perfkg.ingest.pipeline import extract_text

    extraction = extract_text("部门整体支出绩效自评报告\n二、综合评价分析\n\n服务企业数年度指标值为 203 家，实际完成 212 家。\n")
    assert len(extraction.indicators) == 1
    assert any("department not found" in w for w in extraction.warnings)
    assert any("key tasks" in w for w in extraction.warnings)
