"""Scale on record: N synthetic reports (100,000 by default) into Neo4j, then
the ingest rate, the store's size on disk, and the flagship question, a
department page's queries and the broad listing at p50 / p95.

Outside CI and `make bench`: it takes hours (the corpus alone is about 2.4 GB
of text at 100,000 reports) and a Neo4j with room for it (heap and page cache
below). The server is PERFKG_NEO4J_URI's (EMPTIED first), else one started
here from Maven's jars in WORK/neo4j and stopped at the end.

    python benchmarks/scale.py --reports 100000 --out var/scale/scale.md
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import (COMPARED, ROOT, bench_settings, latencies, machine, measure_ingest, neo4j_beside,  # noqa: E402
                   neo4j_server, say)

# The department pages' queries (perfkg/web: a department's page runs these).
DEPARTMENT_QUERIES = ("department_reports", "department_indicators", "department_profile", "funds",
                      "score_deductions")


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "scale")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--neo4j-heap", default="4g")
    parser.add_argument("--neo4j-pagecache", default="4g")
    parser.add_argument("--out", type=Path, help="the markdown (standard output when left out)")
    args = parser.parse_args(argv)
    corpus = args.work / f"reports-{args.reports}"
    if not corpus.is_dir():
        say(f"writing {args.reports:,} synthetic reports")
        subprocess.run([sys.executable, "-m", "perfkg.cli", "bench-corpus", str(args.reports), str(corpus),
                        "--seed", str(args.seed)], check=True)
    files = sorted(corpus.glob("*.txt"))
    load_before = os.getloadavg()
    uri, server = neo4j_beside(args)
    from perfkg.client import Client

    try:
        with Client.open(settings=bench_settings(uri)) as client:
            client.reset()
        say("ingest")
        ingest = measure_ingest(uri, files)
        with Client.open(settings=bench_settings(uri)) as client:
            department = client.read("MATCH (d:Department)-[:PUBLISHED]->(:Report)-[:HAS_INDICATOR]->(i) "
                                     "RETURN d.name, count(i) AS n ORDER BY n DESC LIMIT 1").rows[0][0]
            asked = [(label, name, params) for label, name, params in COMPARED[:2]]
            asked += [(f"{name} department=…", name, {"department": department}) for name in DEPARTMENT_QUERIES]
            queries = {}
            for label, name, params in asked:
                say(label)
                rows = len(client.run(name, params).rows)
                queries[label] = {**latencies(lambda: client.run(name, params), args.repeats, args.budget),
                                  "rows": rows}
    finally:
        size = folder_bytes(args.work / "neo4j" / "data") if server.get("started") else None
        if server.get("started"):
            neo4j_server.stop(args.work / "neo4j")
    facts = machine()
    lines = [f"## {args.reports:,} reports on Neo4j", "",
             f"`python benchmarks/scale.py --reports {args.reports}` on {facts['date']}: {facts['cpu']}, "
             f"{facts['cores']} cores, {facts['memory_gb']} GB; Neo4j heap {args.neo4j_heap}, page cache "
             f"{args.neo4j_pagecache}; load average {load_before[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at "
             "the end.", "",
             f"- ingest: {ingest['wall_seconds']:,.0f} s, {ingest['reports_per_s']:.1f} reports/s, "
             f"{ingest['nodes']:,} nodes and {ingest['relationships']:,} relationships"
             + (f"; the database on disk {size / 2**30:.2f} GiB" if size else ""), "",
             "| query | rows | p50 (ms) | p95 (ms) |", "|---|---|---|---|"]
    lines += [f"| `{label}` | {q['rows']:,} | {q['p50_ms']:,.1f} | {q['p95_ms']:,.1f} |" for label, q in queries.items()]
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        (args.out.with_suffix(".json")).write_text(json.dumps({"ingest": ingest, "queries": queries,
                                                               "disk_bytes": size}, indent=2), encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
