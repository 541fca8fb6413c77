"""The perfkg command line, run as a user would, against each store."""

import json

from typer.testing import CliRunner

from perfkg.cli import app

from conftest import EXAMPLES, report_path

runner = CliRunner()


def run(*args, env=None):
    """perfkg with `args`, with the store that `env` names (PERFKG_STORE and its credentials)."""
    return runner.invoke(app, list(args), env=env)


def test_help_everywhere():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("ingest", "query", "queries", "serve", "stats", "export", "reset", "eval"):
        assert command in result.output
        assert runner.invoke(app, [command, "--help"]).exit_code == 0


def test_ingest_query_stats_export_reset(backend, empty_settings):
    store = backend.env(empty_settings)
    result = run("ingest", str(EXAMPLES), env=store)
    assert result.exit_code == 0, result.output
    assert "5 of 5 reports loaded" in result.output
    assert "荔城街道" in result.output

    stats = run("stats", "--format", "json", env=store)
    counts = json.loads(stats.output)
    assert counts["nodes"]["Report"] == 5 and counts["nodes"]["Department"] == 5
    assert counts["relationships"]["PUBLISHED"] == 5

    again = run("ingest", str(EXAMPLES), env=store)
    assert "5 replacing an earlier version" in again.output
    assert json.loads(run("stats", "--format", "json", env=store).output) == counts

    query = run("query", "MATCH (d:Department) RETURN d.short_name AS name ORDER BY name", "--format", "json",
                env=store)
    assert [row["name"] for row in json.loads(query.output)] == ["中南街道", "南洲街道", "夏港街道", "文冲街道", "荔城街道"]

    csv = run("query", "MATCH (r:Report) WHERE r.year = $year RETURN r.year AS year", "-p", "year=2021",
              "--format", "csv", env=store)
    assert csv.output.splitlines() == ["year", "2021", "2021"]

    refused = run("query", "MATCH (n) DETACH DELETE n", env=store)
    assert refused.exit_code == 1 and "error" in refused.output

    export = run("export", "--format", "jsonl", env=store)
    lines = [json.loads(line) for line in export.output.splitlines()]
    nodes = [l for l in lines if l["type"] == "node"]
    rels = [l for l in lines if l["type"] == "relationship"]
    assert len(nodes) == sum(counts["nodes"].values())
    assert len(rels) == sum(counts["relationships"].values())
    published = next(l for l in rels if l["label"] == "PUBLISHED")
    assert published["start"]["labels"] == ["Department"] and published["end"]["labels"] == ["Report"]

    assert run("reset", env=store).exit_code == 1  # asks; no answer means no
    assert run("reset", "--yes", env=store).exit_code == 0
    assert json.loads(run("stats", "--format", "json", env=store).output)["nodes"] == {}


def test_ingest_reports_failures_and_goes_on(tmp_path, backend, empty_settings):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text(report_path("004").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("ingest", str(empty), str(good), env=backend.env(empty_settings))
    assert result.exit_code == 1
    assert "1 of 2 reports loaded" in result.output
    assert "empty.txt" in result.output and "empty file" in result.output


def test_query_prints_a_table_by_default_and_says_when_rows_were_cut(backend, examples):
    cypher = ("MATCH (d:Department)-[:PUBLISHED]->(r:Report) RETURN d.short_name AS department, r.year AS year, "
              "[r.year, null] AS pair, null AS nothing ORDER BY department")
    whole = run("query", cypher, env=backend.env(examples))
    assert whole.exit_code == 0, whole.output
    lines = whole.output.splitlines()
    cells = [[cell.strip() for cell in line.strip("│┃").split("│" if "│" in line else "┃")] for line in lines
             if line.startswith(("│", "┃"))]
    assert cells[0] == ["department", "year", "pair", "nothing"]
    assert cells[1:] == [[name, str(year), f"[{year}, null]", ""] for name, year in (
        ("中南街道", 2022), ("南洲街道", 2022), ("夏港街道", 2022), ("文冲街道", 2021), ("荔城街道", 2021))]
    assert lines[-1] == "5 rows" and whole.stderr == ""
    cut = run("query", cypher, "--limit", "2", env=backend.env(examples))
    assert "2 rows" in cut.output.splitlines() and cut.stderr == "truncated at 2 rows\n"


def test_an_ingest_ends_with_what_was_not_read_counted_by_kind_the_serious_first(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    form = ("项目支出绩效自评表\n(2022年度)\n项目名称 | 农村公路养护{n}\n实施单位 | 某县交通运输局\n"
            "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值\n产出指标 | 数量指标 | 养护里程 | 100公里 | 98公里\n")
    for n in range(3):
        (folder / f"p{n}.txt").write_text(form.format(n=n), encoding="utf-8")
    (folder / "fragment.txt").write_text("绩效自评的一页：年度执行率为 303010100%。\n", encoding="utf-8")
    result = run("ingest", "--quiet", str(folder), "--store", str(tmp_path / "graph.db"))
    assert result.exit_code == 0, result.output
    summary = result.output[result.output.index("not read, by kind"):]
    lines = [line.strip() for line in summary.splitlines()[1:] if line.strip()]
    assert lines[0].endswith("department not found (1 file)"), lines
    # the fragment, a department's text by default, lacks its sections, said in one warning; the
    # project forms say nothing of the duties, tasks, problems and measures they never have
    assert [line for line in lines if "section" in line] == ["1 a section of the document's kind not found (1 file)"]
