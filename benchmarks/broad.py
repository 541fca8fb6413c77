"""Broad answers side by side: the named query on the graph, the same question
in DuckDB over the graph's Parquet tables (`perfkg export --format parquet`),
and in pandas over the same tables (`Client.tables()`), on one store.

For each question of bench.COMPARED it measures, end to end into Python values:

- the graph through the Python client (`Client.run`), and beside it the
  database's own execution time and, on the embedded store, the same query read
  through falkordb-py's own result parser (what perfkg did before it read the
  compact reply itself);
- DuckDB: the SQL of docs/analysis.md over the Parquet files, rows fetched;
- pandas: the same joins over DataFrames already in memory;
- the API's first page (GET /queries/NAME, 500 rows) from `perfkg serve`.

The three answers must hold the same indicators; a difference stops the run.

    python benchmarks/broad.py var/bench/graph.db             # markdown on stdout
    python benchmarks/broad.py STORE --out BENCHMARKS.md      # into its <!-- broad --> section
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import COMPARED, bench_settings, latencies, machine  # noqa: E402
from load import served  # noqa: E402

# The questions of indicators_below_target (with each indicator's district and
# the task it measures) and indicators_by_topic over the exported tables, as
# docs/analysis.md shows them. $topic: a topic's slug (its narrower topics
# included) or NULL; $year: a year or NULL.
_TOPICS = """
WITH RECURSIVE wanted(topic_id) AS (
    SELECT id FROM topics WHERE id = $topic
    UNION
    SELECT b.topic_id FROM topic_broader_topic b JOIN wanted w ON b.broader_topic_id = w.topic_id
)"""
_FROM = """
FROM indicators i
JOIN reports r ON r.id = i.report_id
JOIN department_published_report pr ON pr.report_id = r.id
JOIN departments d ON d.id = pr.department_id
LEFT JOIN project_measured_by_indicator pm ON pm.indicator_id = i.id
LEFT JOIN projects p ON p.id = pm.project_id"""
_WHERE = """
WHERE ($year IS NULL OR r.year = $year)
  AND ($topic IS NULL OR i.id IN (SELECT a.indicator_id FROM indicator_about_topic a JOIN wanted USING (topic_id)))"""
_TOPIC_LIST = "(SELECT list(a.topic_id ORDER BY a.topic_id) FROM indicator_about_topic a WHERE a.indicator_id = i.id)"
SQL = {
    "indicators_below_target": _TOPICS + f"""
SELECT d.short_name AS department, x.name AS district, r.year, i.name AS indicator, i.category,
       i.target_text AS target, i.actual_text AS actual, i.unit, i.completion_rate, t.name AS task,
       p.name AS project, r.kind AS report_kind, {_TOPIC_LIST} AS topics, i.read_by, i.flags,
       r.source_file, i.evidence, r.id AS report_id, i.id AS indicator_id, d.id AS department_id""" + _FROM + """
LEFT JOIN department_in_district dd ON dd.department_id = d.id
LEFT JOIN districts x ON x.id = dd.district_id
LEFT JOIN task_measured_by_indicator tm ON tm.indicator_id = i.id
LEFT JOIN tasks t ON t.id = tm.task_id""" + _WHERE + """
  AND i.status = 'not_met'
ORDER BY r.year DESC, department, indicator, r.source_file, indicator_id, task
""",
    "indicators_by_topic": _TOPICS + f"""
SELECT d.short_name AS department, r.year, i.name AS indicator, i.category, i.target_text AS target,
       i.actual_text AS actual, i.status, p.name AS project, r.kind AS report_kind, {_TOPIC_LIST} AS topics,
       i.read_by, i.flags, r.source_file, i.evidence, i.id AS indicator_id""" + _FROM + _WHERE + """
ORDER BY r.year DESC, department, indicator, r.source_file, indicator_id
""",
}


def duckdb_connection(folder: Path):
    import duckdb

    connection = duckdb.connect()
    for path in sorted(folder.glob("*.parquet")):
        connection.execute(f"CREATE VIEW {path.stem} AS SELECT * FROM read_parquet('{path}')")
    return connection


def duckdb_answer(connection, name: str, params: dict[str, Any]) -> list[tuple]:
    return connection.execute(SQL[name], {"topic": params.get("topic"), "year": params.get("year")}).fetchall()


def pandas_answer(frames: dict, name: str, params: dict[str, Any]):
    """The same question with pandas over Client.tables()'s frames."""
    from perfkg import ontology

    hits = frames["indicators"]
    if name == "indicators_below_target":
        hits = hits[hits.status == "not_met"]
    about = frames["indicator_about_topic"]
    if params.get("topic"):
        closure = ontology.topics().narrower_closure(params["topic"])
        hits = hits[hits.id.isin(about.loc[about.topic_id.isin(closure), "indicator_id"])]
    reports = frames["reports"].rename(columns={"id": "report_id"})
    out = hits.merge(reports[["report_id", "year", "kind", "source_file"]], on="report_id")
    if params.get("year") is not None:
        out = out[out.year == params["year"]]
    out = out.merge(frames["department_published_report"], on="report_id")
    departments = frames["departments"].rename(columns={"id": "department_id", "short_name": "department"})
    out = out.merge(departments[["department_id", "department"]], on="department_id")
    districts = frames["department_in_district"].merge(
        frames["districts"].rename(columns={"id": "district_id", "name": "district"}), on="district_id")
    out = out.merge(districts[["department_id", "district"]], on="department_id", how="left")
    tasks = frames["task_measured_by_indicator"].merge(
        frames["tasks"].rename(columns={"id": "task_id", "name": "task"})[["task_id", "task"]], on="task_id")
    out = out.merge(tasks[["indicator_id", "task"]], left_on="id", right_on="indicator_id", how="left")
    topics = about[about.indicator_id.isin(out.id)].sort_values("topic_id").groupby("indicator_id")["topic_id"].agg(list)
    out["topics"] = out["id"].map(topics)
    return out.sort_values(["year", "department", "name"], ascending=[False, True, True])


def falkordb_py_read(client, name: str, params: dict[str, Any]):
    """The named query read through falkordb-py (over redis-py) and its QueryResult,
    made plain values, as perfkg read every answer before it read the compact
    reply itself. (falkordb is in the test extra; perfkg does not need it.)"""
    from perfkg.store.falkor import _params_header

    query = client.named(name)
    result = _falkordb_py_graph(client.store).ro_query(_params_header(query.bind(params)) + query.cypher)
    return [[v if type(v) in _SCALARS else _plain(v) for v in row] for row in result.result_set]


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FALKORDB_PY: dict[str, Any] = {}


def _falkordb_py_graph(store):
    """One falkordb-py client per store, on the store's own server."""
    if store.location not in _FALKORDB_PY:
        from falkordb import FalkorDB

        _FALKORDB_PY[store.location] = FalkorDB(unix_socket_path=store._socket).select_graph(store.graph_name)
    return _FALKORDB_PY[store.location]


def _plain(value: Any) -> Any:
    """A falkordb-py value as perfkg made it plain then (the questions give scalars and lists)."""
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value if type(value) in _SCALARS else str(value)


def measure(store: str, parquet: Path, repeats: int, budget_s: float, http: bool) -> dict[str, Any]:
    from perfkg.client import Client
    from perfkg.tables import write_parquet

    results: dict[str, Any] = {"questions": {}}
    with Client.open(settings=bench_settings(store)) as client:
        if not parquet.is_dir():
            started = time.perf_counter()
            write_parquet(client.store, parquet)
            results["export_s"] = time.perf_counter() - started
        started = time.perf_counter()
        frames = client.tables("indicators", "indicator_about_topic", "reports", "department_published_report",
                               "departments", "department_in_district", "districts", "task_measured_by_indicator",
                               "tasks")
        results["tables_s"] = time.perf_counter() - started
        connection = duckdb_connection(parquet)
        for label, name, params in COMPARED:
            graph = client.run(name, params)
            column = graph.columns.index("indicator_id")
            ids = sorted(row[column] for row in graph.rows)
            in_duckdb = sorted(row[column] for row in duckdb_answer(connection, name, params))
            in_pandas = sorted(pandas_answer(frames, name, params)["id"])
            if not ids == in_duckdb == in_pandas:
                raise SystemExit(f"{label}: the graph answers {len(ids)} rows, DuckDB {len(in_duckdb)}, pandas "
                                 f"{len(in_pandas)}; they must agree")
            server: list[float] = []

            def on_graph() -> None:
                server.append(client.run(name, params).server_ms or 0.0)

            row = {"rows": len(ids), "graph": latencies(on_graph, repeats, budget_s),
                   "duckdb": latencies(lambda: duckdb_answer(connection, name, params), repeats, budget_s),
                   "pandas": latencies(lambda: pandas_answer(frames, name, params), repeats, budget_s)}
            row["server_p50_ms"] = sorted(server)[len(server) // 2]
            if client.store.kind == "falkordb":
                row["falkordb_py"] = latencies(lambda: falkordb_py_read(client, name, params), repeats, budget_s)
            results["questions"][label] = row
    if http:
        import httpx2 as httpx

        with served({**os.environ, "PERFKG_STORE": store}) as base, httpx.Client(base_url=base, timeout=600) as api:
            for label, name, params in COMPARED:
                def page() -> None:
                    response = api.get(f"/queries/{name}", params=params)
                    response.raise_for_status()

                results["questions"][label]["api_first_page"] = latencies(page, repeats, budget_s)
    return results


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def markdown(results: dict[str, Any], store: str, load: tuple[tuple, tuple]) -> str:
    facts = machine()
    lines = [
        "<!-- broad -->",
        "## Broad answers: the graph beside DuckDB and pandas over its tables",
        "",
        f"One run of `python benchmarks/broad.py {store}` on {time.strftime('%Y-%m-%d')}: {facts['cpu']}, "
        f"{facts['cores']} cores; load average {' / '.join(f'{x:.1f}' for x in load[0])} (1 / 5 / 15 min) at its "
        f"start and {' / '.join(f'{x:.1f}' for x in load[1])} at its end. Each answer end to end into Python "
        "values, p50 / p95 in ms: the named query through `Client.run` (and the database's own execution time at "
        "p50); the same query read through falkordb-py's result parser, as perfkg read answers before; DuckDB "
        "running the SQL of docs/analysis.md over the Parquet files of `perfkg export --format parquet` (rows "
        "fetched); pandas joining `Client.tables()`' frames held in memory; and the API's first page "
        "(`GET /queries/NAME`, up to 500 rows, from `perfkg serve`). The three answers were checked to hold the "
        "same indicators.",
        "",
    ]
    if "export_s" in results:
        lines += [f"The Parquet export took {results['export_s']:.1f} s; reading the nine tables the pandas answer "
                  f"joins into DataFrames {results['tables_s']:.1f} s.", ""]
    lines += ["| question | rows | graph | its own execution | falkordb-py's parser | DuckDB | pandas | graph / DuckDB "
              "(p50) | API first page |",
              "|---|---|---|---|---|---|---|---|---|"]
    for label, row in results["questions"].items():
        def pair(key: str) -> str:
            return f"{_ms(row[key]['p50_ms'])} / {_ms(row[key]['p95_ms'])}" if key in row else "—"

        ratio = row["graph"]["p50_ms"] / row["duckdb"]["p50_ms"]
        lines.append(f"| `{label}` | {row['rows']:,} | {pair('graph')} | {_ms(row['server_p50_ms'])} | "
                     f"{pair('falkordb_py')} | {pair('duckdb')} | {pair('pandas')} | {ratio:.1f}× | "
                     f"{pair('api_first_page')} |")
    lines.append("<!-- /broad -->")
    return "\n".join(lines) + "\n"


def into(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if "<!-- broad -->" in text:
        start, end = text.index("<!-- broad -->"), text.index("<!-- /broad -->") + len("<!-- /broad -->\n")
        text = text[:start] + section + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="an embedded store folder or a bolt:// URI")
    parser.add_argument("--parquet", type=Path, help="its Parquet export (made there when missing; default: "
                        "beside an embedded store)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds a measurement may take at most")
    parser.add_argument("--no-http", dest="http", action="store_false", help="leave the API out")
    parser.add_argument("--out", type=Path, help="write the section into this markdown file")
    args = parser.parse_args(argv)
    parquet = args.parquet or Path(args.store).parent / "parquet"
    load_before = os.getloadavg()
    results = measure(args.store, parquet, args.repeats, args.budget, args.http)
    section = markdown(results, args.store, (load_before, os.getloadavg()))
    if args.out:
        into(args.out, section)
    else:
        sys.stdout.write(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
