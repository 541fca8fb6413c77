"""The command line as a person meets it: every command refuses a missing
store, a wrong name or a bad file with a message and an exit status, never a
traceback, and writes nothing before a file is accepted; wide answers print
as records; `perfkg show` marks facts in plain text; `perfkg eval` reads the
gold formats people write. And the module starts light: importing it loads
none of the heavy libraries a command needs only when it runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from perfkg.cli import app

from conftest import report_path

runner = CliRunner()


def run(*args, store=None, columns=80):
    env = {"COLUMNS": str(columns), **({"PERFKG_STORE": str(store)} if store else {})}
    result = runner.invoke(app, [str(a) for a in args], env=env)
    # An uncaught exception would be the result's exception (typer prints it as a traceback).
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    assert "Traceback" not in result.output, (args, result.output)
    return result


def test_importing_the_command_line_loads_no_heavy_library():
    code = ("import sys, perfkg.cli; heavy = ('pandas', 'rdflib', 'fastapi', 'uvicorn', 'neo4j', 'falkordb', "
            "'redis', 'pyshacl', 'jieba', 'numpy'); print([m for m in heavy if m in sys.modules])")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_a_read_on_the_embedded_store_loads_no_redis_client(loaded_store_path):
    # The embedded store speaks to its server itself (perfkg/store/resp.py): importing
    # redis 8 (asyncio, ssl, OpenTelemetry) took a third of a command's start.
    for command in (["stats"], ["query", "indicators_below_target", "-p", "topic=城市更新"]):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "perfkg.cli", *command,
                               "--store", str(loaded_store_path)], capture_output=True, text=True, check=True)
        loaded = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
        assert {name for name in loaded if name.split(".")[0] in ("redis", "falkordb", "neo4j")} == set(), command


@pytest.mark.parametrize("command", [
    ["query", "indicators_below_target"], ["query", "MATCH (n) RETURN n"], ["show", "x.txt"], ["stats"],
    ["export"], ["validate"], ["reset", "--yes"], ["serve"],
])
def test_every_command_on_a_missing_store_says_so(tmp_path, command):
    missing = tmp_path / "none.db"
    result = run(*command, store=missing)
    assert result.exit_code == 2 and "error" in result.output and str(missing) in result.output, result.output
    assert not missing.exists()  # nothing created


def test_backup_of_a_missing_store_says_so(tmp_path):
    result = run("backup", tmp_path / "copy", store=tmp_path / "none.db")
    assert result.exit_code == 2 and "error" in result.output
    assert not (tmp_path / "copy").exists()


def test_a_file_perfkg_does_not_read_is_refused_before_anything_is_written(tmp_path):
    picture = tmp_path / "slides.pptx"  # images are read (by OCR); a slide deck is not
    picture.write_bytes(b"PK\x03\x04")
    store = tmp_path / "graph.db"
    for path in (picture, tmp_path / "nowhere.txt"):
        result = run("ingest", path, store=store)
        assert result.exit_code == 2 and str(path) in result.output
        assert not store.exists()  # no store made, so no server started for it
    assert "not a report file" in run("ingest", picture, store=store).output


def test_a_mistyped_query_name_is_not_run_as_cypher(loaded_store_path):
    result = run("query", "indicators_below_targt", store=loaded_store_path)
    assert result.exit_code == 2
    assert "no named query 'indicators_below_targt'; did you mean 'indicators_below_target'" in result.output
    assert "errMsg" not in result.output and "Invalid input" not in result.output
    nothing_close = run("query", "zzz", store=loaded_store_path)
    assert nothing_close.exit_code == 2 and "did you mean" not in nothing_close.output


def test_wrong_names_and_bad_values_are_said_in_a_line(loaded_store_path, tmp_path):
    cases = [
        (["show", "no-such-report.txt"], 1, "no report 'no-such-report.txt'"),
        (["query", "funds", "--columns", "amount,nope"], 2, "no column 'nope'"),
        (["query", "funds", "--format", "xml"], 2, "--format must be one of"),
        (["query", "funds", "-p", "novalue"], 2, "is not key=value"),
        (["query", "indicators_below_target", "-p", "year=twenty"], 1, "year"),
        (["export", "-o", tmp_path / "no" / "such" / "x.jsonl"], 2, "no such folder"),
        (["eval", "--gold", tmp_path / "no-gold"], 2, "is not a folder"),
        (["bench-corpus", "3", tmp_path / "out", "--examples", tmp_path], 2, "no usable template reports"),
    ]
    for args, code, message in cases:
        result = run(*args, store=loaded_store_path)
        assert result.exit_code == code and message in result.output, (args, result.output)


def test_a_wide_answer_prints_as_records_and_columns_can_be_chosen(loaded_store_path):
    wide = run("query", "indicators_below_target", "-p", "topic=城市更新", store=loaded_store_path)
    assert wide.exit_code == 0
    assert "-[ 1 ]" in wide.output and re.search(r"^indicator\s+│ 房屋拆卸$", wide.output, re.M)
    assert "┃" not in wide.output  # no table squeezed into the terminal
    narrow = run("query", "indicators_below_target", "-p", "topic=城市更新", "--columns", "department,indicator",
                 store=loaded_store_path)
    lines = [line for line in narrow.output.splitlines() if "│" in line or "┃" in line]
    assert [c.strip() for c in lines[0].strip("┃").split("┃")] == ["department", "indicator"]
    assert [c.strip() for c in lines[1].strip("│").split("│")] == ["南洲街道", "房屋拆卸"]
    forced = run("query", "indicators_below_target", "-p", "topic=城市更新", "--format", "records", "--columns",
                 "indicator", store=loaded_store_path)
    assert forced.output.splitlines()[1] == "indicator │ 房屋拆卸"


def test_a_text_and_its_evidence_are_printed_once(loaded_store_path):
    profile = run("query", "department_profile", "-p", "department=夏港", "-p", "year=2022", "--format", "records",
                  store=loaded_store_path)
    first_duty = "宣传贯彻落实党和国家各项方针政策和法律法规"
    assert profile.output.count(first_duty) == 1 and "(= text)" in profile.output
    as_json = json.loads(run("query", "department_profile", "-p", "department=夏港", "-p", "year=2022", "--format",
                             "json", store=loaded_store_path).output)
    assert any(first_duty in (row["evidence"] or "") for row in as_json)  # the data keeps both


def test_a_long_value_in_a_record_wraps_beside_its_name(loaded_store_path):
    profile = run("query", "department_profile", "-p", "department=夏港", "-p", "year=2022", "--format", "records",
                  "--columns", "part,text", store=loaded_store_path, columns=60)
    lines = profile.output.splitlines()[:-1]  # the last says how many rows
    assert len(lines) > 3 * len([line for line in lines if line.startswith("-[ ")])  # some values wrapped
    from rich.cells import cell_len

    for line in lines:
        assert line.startswith("-[ ") or re.match(r"^(part|text| {4}) │ ", line), line
        assert cell_len(line) <= 60, line


def test_an_ingest_in_a_narrow_terminal_names_each_count_whole(tmp_path):
    result = run("ingest", report_path("004"), "--store", tmp_path / "graph.db", columns=80)
    assert result.exit_code == 0 and "…" not in result.output, result.output
    assert "indicators 19" in result.output and "score_items 2" in result.output


def test_queries_never_cuts_a_name():
    listed = run("queries").output
    from perfkg.cypher import catalogue

    for name in catalogue():
        assert re.search(rf"│ {name}\s+│", listed), name


def test_show_marks_facts_in_brackets_and_lists_what_each_states(loaded_store_path):
    shown = run("show", report_path("004").name, store=loaded_store_path, columns=250).output
    numbered = dict(re.findall(r"^│ (\d+)\s+│ (\w+)", shown, re.M))
    marks = re.findall(r"\|#(\d+)\]", shown)
    assert marks and set(marks) == set(numbered)
    missed = re.search(r"│ (\d+)\s+│ Indicator\s+│[^│]*│ 外出招商活动次数\s+│ ([^│]+)│", shown)
    assert missed and "未达标 (not_met)" in missed.group(2) and "目标" in missed.group(2)
    assert f"|#{missed.group(1)}]" in shown  # its evidence is bracketed in the text
    assert re.search(r"│ Fund\s+│[^│]*│[^│]*│ [^│]*/[^│]*\d[^│]*万元", shown)


def test_eval_reads_a_department_given_by_name_and_gold_without_a_file_name(tmp_path):
    folder = tmp_path / "gold"
    folder.mkdir()
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "lc.txt").write_text(report_path("004").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "lc.json").write_text(json.dumps({
        "department": "广州市增城区人民政府荔城街道办事处", "year": 2021,
        "indicators": [{"name": "外出招商活动次数", "status": "not_met"}]}, ensure_ascii=False), encoding="utf-8")
    result = run("eval", "--gold", folder, "--json")
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.output)["reports"]
    assert entry["file"] == "lc.txt" and entry["indicators"]["matched"] == 1
    assert entry["facts"]["department"] == {"correct": 1, "total": 1}  # the name given, nothing else
    printed = run("eval", "--gold", folder).output
    assert "issue" not in printed


@pytest.mark.parametrize("content, field", [
    ("{not json", "not a JSON file"),
    ('{"indicators": "none"}', "'indicators'"),
    ('{"indicators": [{"name": "x", "status": "done"}]}', "'indicators[0].status'"),
    ('{"department": 12, "indicators": []}', "'department'"),
    ('{"file": 3, "indicators": []}', "'file'"),
])
def test_eval_refuses_a_malformed_gold_file_naming_it_and_the_field(tmp_path, content, field):
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")
    result = run("eval", "--gold", tmp_path)
    assert result.exit_code == 2 and "bad.json" in result.output and field in result.output, result.output
