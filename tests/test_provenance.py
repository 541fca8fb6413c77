"""How each indicator was read and what the checks of its values found: set
by extraction on real inputs (the five reports, the corpus, a scan, a
spreadsheet, forms written here), stored on both stores, carried by the
named queries and the Parquet tables, and shown by the explorer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import CORPUS, EXAMPLES, ROOT
from perfkg import ontology
from perfkg.api.app import create_app
from perfkg.client import Client
from perfkg.config import Settings
from perfkg.ingest.model import EXPECTED_PARTS, PART_NAMES
from perfkg.ingest.pipeline import extract_document, extract_file, extract_text
from perfkg.ingest.readers import document_from_bytes
from perfkg.web import labels

READ_BY = ontology.schema().labels["Indicator"].properties["read_by"].allowed
FLAGS = ontology.schema().labels["Indicator"].properties["flags"].allowed

# A project's form as offices fill it: a target of 3 against an actual of 37,442 in the same unit,
# a row whose name cell is empty (its category is all there is to name it), and two sound rows.
FORM = ("项目支出绩效自评表\n（2021年度）\n项目名称 | 社区养老服务\n主管部门 | 某某县民政局\n"
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分\n"
        "产出指标 | 数量指标 | 培训护理人员 | 3人 | 37442人 | 10 | 10\n"
        "产出指标 | 质量指标 | 服务合格率 | ≥95% | 96% | 10 | 10\n"
        "产出指标 | 时效指标 |  | 2021年 | 2021年 | 10 | 10\n"
        "效益指标 | 社会效益指标 | 受益老人 | 500人 | 520人 | 10 | 10\n")


def by_name(extraction) -> dict:
    return {i.name: i for i in extraction.indicators}


def test_a_form_written_here_flags_the_implausible_rows_and_only_them():
    found = by_name(extract_text(FORM))
    assert found["培训护理人员"].flags == ["far_from_target"]
    assert found["时效指标"].flags == ["name_is_heading"]
    assert found["服务合格率"].flags == [] and found["受益老人"].flags == []
    assert {i.read_by for i in found.values()} == {"table_header"}


def test_a_thousandfold_gap_in_different_units_is_not_flagged():
    # 3万元 against 37442元: the same money in two units, the audit's ratio is not the whole story.
    text = FORM.replace("3人 | 37442人", "3万元 | 29800元")
    assert by_name(extract_text(text))["培训护理人员"].flags == []


def test_the_five_reports_say_how_every_indicator_was_read_and_flag_their_own_odd_figures():
    read: dict[str, int] = {}
    flagged = {}
    for path in sorted(EXAMPLES.glob("*.txt")):
        for indicator in extract_file(path).indicators:
            assert indicator.read_by in READ_BY, (path.name, indicator.name, indicator.read_by)
            assert set(indicator.flags) <= set(FLAGS)
            read[indicator.read_by] = read.get(indicator.read_by, 0) + 1
            if indicator.flags:
                flagged[(path.name[:3], indicator.name)] = indicator.flags
    assert set(read) == {"task_table", "narrative", "table_header"}
    # Report 003 writes a target of 310000 万平方米 for 310297 平方米 cleared: its own slip, flagged.
    assert flagged[("003", "清拆违法建设")] == ["far_from_target"]
    # 002 judges 无偿献血活动 met on 共319人, with no target stated.
    assert flagged[("002", "无偿献血活动")] == ["status_without_values"]
    assert len(flagged) <= 8  # a flag is for the odd few, not a wash over sound reports


@pytest.mark.parametrize("doc, read_by", [
    ("d17", "glued_cells"),  # GL: a docx preview's cells run together
    ("d34", "table_vertical"),  # CL: one cell per line
    ("d15", "table_header"),  # PR: pipe rows under their header
    ("d06", "narrative"),  # NT: target and result sentences
])
def test_corpus_documents_are_read_by_their_layout(doc, read_by):
    extraction = extract_file(CORPUS / "docs" / f"{doc}.txt")
    assert extraction.indicators
    assert {i.read_by for i in extraction.indicators} == {read_by}


def test_a_table_with_no_header_of_its_own_is_read_under_the_forms_columns_and_says_so():
    # d04: 项目完成指标 | 质量指标 | … rows with no header above them (a 部门决算's excerpt).
    found = by_name(extract_file(CORPUS / "docs" / "d04.txt"))
    assert found and {i.read_by for i in found.values()} == {"table_no_header"}
    assert found["时效指标"].flags == ["name_is_heading"] and found["成本指标"].flags == ["name_is_heading"]


def test_a_spreadsheet_row_is_read_as_one(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in [line.split(" | ") for line in FORM.strip().split("\n")]:
        sheet.append([cell.strip() or None for cell in row])
    path = tmp_path / "自评表.xlsx"
    book.save(path)
    found = by_name(extract_file(path))
    assert {i.read_by for i in found.values()} == {"spreadsheet"}
    assert found["培训护理人员"].flags == ["far_from_target"]


def test_text_recognised_from_a_scan_is_read_by_ocr():
    pytest.importorskip("rapidocr_onnxruntime")
    from scans import scanned_png

    report = ROOT / "tests" / "producers" / "libreoffice" / "004_a0655f5b282921e2.pdf"
    extraction = extract_document(document_from_bytes("page3.png", scanned_png(report, 3)))
    assert extraction.indicators
    assert {i.read_by for i in extraction.indicators} == {"ocr"}
    assert {i.origin for i in extraction.indicators} == {"narrative"}  # what the rule read stays said


# -- what was not read, said once ------------------------------------------------


def _corpus_kinds() -> dict[str, str]:
    """Each corpus document's kind as annotated (NOTES.md: 整体, 项目表, 项目报告, 目标表, 邻近)."""
    kinds = {}
    for line in (CORPUS / "NOTES.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| (d\d\d) \|(?:[^|]*\|){4} ([^|]+?) \|", line)
        if m:
            kinds[m.group(1)] = m.group(2)
    return kinds


def test_the_corpus_ingest_warns_under_once_a_document_and_never_of_a_part_its_kind_lacks():
    kinds = _corpus_kinds()
    assert len(kinds) == 35
    warnings = 0
    for path in sorted((CORPUS / "docs").glob("*.txt")):
        extraction = extract_file(path)
        warnings += len(extraction.warnings)
        parts = [w for w in extraction.warnings if w.startswith("not found, of what")]
        assert len(parts) <= 1, (path.name, parts)  # the parts missing, said in one warning
        # A department's own text (整体), or one a department's 决算 holds, which names its 部门整体 evaluation.
        if not kinds[path.stem].startswith("整体") and "部门决算" not in kinds[path.stem]:
            assert not parts, (path.name, kinds[path.stem], extraction.kind, parts)
    assert warnings <= 35, warnings


def test_a_department_report_missing_its_parts_says_so_in_one_warning_naming_them():
    extraction = extract_text("某某街道办事处2021年部门整体支出绩效自评报告\n今年全年共完成培训 120 人次。\n")
    assert extraction.kind == "department_report"
    (said,) = [w for w in extraction.warnings if w.startswith("not found, of what")]
    assert all(PART_NAMES[part] in said for part in EXPECTED_PARTS["department_report"]), said


# -- stored, queried, exported, shown ------------------------------------------------


def test_both_stores_keep_how_each_indicator_was_read_and_its_flags(loaded_client):
    rows = loaded_client.run("report_facts", {"report": "003_23aedd72f1b6404d"}).records()
    indicators = [r for r in rows if r["label"] == "Indicator"]
    assert indicators and all(r["read_by"] in READ_BY for r in indicators)
    flagged = {r["name"]: r["flags"] for r in indicators if r["flags"]}
    assert flagged == {"清拆违法建设": ["far_from_target"]}
    not_indicators = [r for r in rows if r["label"] != "Indicator"]
    assert all(r["read_by"] is None and r["flags"] is None for r in not_indicators)


def test_the_indicator_queries_and_tables_carry_the_fields(loaded_client):
    for name, params in [("department_indicators", {"department": "荔城"}),
                         ("indicators_by_topic", {}), ("indicators_below_target", {})]:
        result = loaded_client.run(name, params)
        assert {"read_by", "flags"} <= set(result.columns), name
        assert all(row["read_by"] in READ_BY for row in result.records()), name
    table = loaded_client.tables("indicators")["indicators"]
    assert set(table["read_by"]) <= set(READ_BY) and table["read_by"].notna().all()
    flagged = table[table["flags"].notna()]
    assert {flag for flags in flagged["flags"] for flag in flags} == {"far_from_target", "status_without_values"}


def test_a_form_loaded_on_either_store_keeps_its_flags(empty_settings, tmp_path):
    (tmp_path / "养老自评表.txt").write_text(FORM, encoding="utf-8")
    with Client.open(settings=empty_settings) as client:
        (outcome,) = client.ingest([tmp_path])
        assert outcome.status == "loaded", outcome.error
        rows = client.read("MATCH (i:Indicator) RETURN i.name AS name, i.read_by AS read_by, i.flags AS flags "
                           "ORDER BY i.ordinal").records()
    assert [(r["name"], r["read_by"], r["flags"]) for r in rows] == [
        ("培训护理人员", "table_header", ["far_from_target"]), ("服务合格率", "table_header", None),
        ("时效指标", "table_header", ["name_is_heading"]), ("受益老人", "table_header", None)]


@pytest.fixture(scope="module")
def http(loaded_store_path):
    with TestClient(create_app(Settings(store=str(loaded_store_path)))) as client:
        yield client


def test_the_report_page_marks_flagged_facts_with_the_flags_words(http):
    indicators = http.get("/indicators", params={"limit": 1000}).json()["items"]
    (report_id,) = {row["report_id"] for row in indicators if row["source_file"].startswith("003")}
    assert {row["read_by"] for row in indicators} <= set(READ_BY)  # the API's indicators carry both fields too
    assert [row["flags"] for row in indicators if row["name"] == "清拆违法建设"] == [["far_from_target"]]
    page = http.get(f"/explore/reports/{report_id}")
    assert page.status_code == 200
    rows = re.findall(r'<tr id="fact-[^"]+" class="([^"]*)"[^>]*>(.*?)</tr>', page.text, re.S)
    flagged = [(cls, body) for cls, body in rows if "flagged" in cls.split()]
    assert len(flagged) == 1 and "清拆违法建设" in flagged[0][1]
    words = labels.FLAGS["far_from_target"][0]
    assert f'<span class="flag" title="far_from_target">⚠ {words}' in flagged[0][1]
    # How each was read is a column a reader turns on, in words.
    assert 'id="show-read_by"' in page.text
    for read_by in {row["read_by"] for row in indicators if row["report_id"] == report_id}:
        assert f'<td class="c-read_by detail"><span class="value" title="{read_by}">{labels.READ_BY[read_by][0]}' \
            in page.text


def test_the_department_page_marks_a_flagged_indicator(http):
    flagged = []
    for department in http.get("/departments").json():
        text = http.get(f"/explore/departments/{department['id']}").text
        if 'class="flag"' in text:
            flagged.append(department["short_name"])
            assert re.search(r'<tr class="\w+ flagged">', text)
    # 000's (可比价增速增长 met on 0.14%, no target), 002's (无偿献血活动) and 003's (清拆违法建设)
    assert len(flagged) == 3, flagged


def test_an_ingest_ends_by_counting_the_flagged_indicators_in_the_flags_words(tmp_path):
    from typer.testing import CliRunner

    from perfkg.cli import app

    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "养老自评表.txt").write_text(FORM, encoding="utf-8")
    (folder / "另一表.txt").write_text(FORM.replace("社区养老服务", "居家养老服务"), encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", "--quiet", str(folder), "--store", str(tmp_path / "graph.db")],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    summary = result.output[result.output.index("flagged by a check"):].splitlines()[1:]
    assert [line.split() for line in summary if line.strip()] == [
        ["2", "actual", "a", "thousand", "times", "off", "its", "target", labels.FLAGS["far_from_target"][0],
         "(2", "files)"],
        ["2", "name", "is", "a", "heading", labels.FLAGS["name_is_heading"][0], "(2", "files)"]]


def test_a_task_whose_name_is_a_heading_or_a_figure_is_flagged_and_the_five_s_tasks_are_not():
    tasks = {t.name: t.flags for t in extract_file(CORPUS / "docs" / "d16.txt").tasks}
    assert tasks["时效指标"] == ["name_is_heading"] and tasks["8,827,620.53"] == ["name_is_value"]
    assert tasks["村组干部报酬"] == []  # the one real project of that declaration
    assert [t.flags for t in extract_file(CORPUS / "docs" / "d06.txt").tasks] == [["name_is_heading"]] * 2
    assert not [t.name for path in EXAMPLES.glob("*.txt") for t in extract_file(path).tasks if t.flags]
