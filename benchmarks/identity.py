"""What metric and department resolution add to ingest: N synthetic reports
ingested twice into fresh embedded stores, with resolution and with its
statements left out (every indicator then measures nothing), and the time
the resolver's own Python takes. Prints a markdown row for BENCHMARKS.md.

    python benchmarks/identity.py 1000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from perfkg.client import Client
from perfkg.config import Settings
from perfkg.corpus import generate
from perfkg.ingest import load, metric_store

ROOT = Path(__file__).resolve().parent.parent


def ingest(reports: Path, store: Path, resolve: bool) -> tuple[float, float, int]:
    """Seconds to ingest, CPU seconds the resolver's Python takes (its thread's
    CPU time: the wall time of a thread waits for the others), metrics made."""
    spent = [0.0]
    original = metric_store.batch_statements

    def timed(store_, rows):
        start = time.thread_time()
        try:
            return original(store_, rows) if resolve else []
        finally:
            spent[0] += time.thread_time() - start

    load.metric_store.batch_statements = timed
    try:
        with Client.open(settings=Settings(store=str(store)), create=True) as client:
            start = time.perf_counter()
            outcomes = client.ingest([reports], workers=1)
            seconds = time.perf_counter() - start
            assert all(o.status == "loaded" for o in outcomes), [o.error for o in outcomes if o.error]
            metrics = client.read("MATCH (m:Metric) RETURN count(m)").rows[0][0]
            client.close()
    finally:
        load.metric_store.batch_statements = original
    return seconds, spent[0], metrics


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("reports", type=int)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "reports"
        generate(args.reports, reports, ROOT / "examples" / "reports", seed=3)
        without, _, _ = ingest(reports, Path(folder) / "without.db", resolve=False)
        with_, python, metrics = ingest(reports, Path(folder) / "with.db", resolve=True)
    load_average = os.getloadavg()[0]
    print(f"| {args.reports:,} | {without:.1f} s | {with_:.1f} s | {100 * (with_ - without) / without:+.1f} % "
          f"| {python:.1f} s | {metrics} | {load_average:.1f} |")


if __name__ == "__main__":
    main()
