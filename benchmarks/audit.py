"""What the checks of a report's own arithmetic (ingest/audit.py) add to ingest.

Over the files given (the five reports and the corpus, say): the audit stage's
share of extraction, as the pipeline clocks its stages (best of --rounds), then
the whole ingest of the files into an empty embedded store, in this process,
with the checks and with them left out (the audit step replaced by one that
finds nothing), alternating, best of --rounds each. Prints markdown.

    python benchmarks/audit.py ../shared/reports ../shared/corpus/docs
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from perfkg.client import Client
from perfkg.ingest import pipeline, runner
from perfkg.ingest.readers import read_document


def extraction(files: list[Path], rounds: int) -> tuple[float, float]:
    """(seconds extracting every file, of which the audit step), the round with the least in all."""
    best = None
    for _ in range(rounds):
        timings: dict[str, float] = {}
        for path in files:
            pipeline.extract_document(read_document(path), timings=timings)
        total = sum(timings.values())
        if best is None or total < best[0]:
            best = (total, timings["audit"])
    return best


def ingest_seconds(folders: list[Path], with_checks: bool) -> tuple[float, int]:
    checks = pipeline.audit
    pipeline.audit = checks if with_checks else (lambda out: [])
    scratch = tempfile.mkdtemp()
    try:
        client = Client.open(os.path.join(scratch, "store.db"), create=True)
        started = time.perf_counter()
        runner.ingest(client.store, folders, workers=1)
        seconds = time.perf_counter() - started
        findings = int(client.read("MATCH (f:Finding) RETURN count(f)").rows[0][0])
        client.close()
    finally:
        pipeline.audit = checks
        shutil.rmtree(scratch, ignore_errors=True)
    return seconds, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = runner.ordered_files(args.folders)
    total, audit = extraction(files, args.rounds)
    runs = {True: [], False: []}
    for _ in range(args.rounds):
        for with_checks in (False, True):
            runs[with_checks].append(ingest_seconds(args.folders, with_checks))
    findings = runs[True][0][1]
    print(f"- Extraction of {len(files)} files: {total * 1000:,.0f} ms, of which the checks {audit * 1000:.1f} ms "
          f"({100 * audit / total:.1f} %), best of {args.rounds} rounds.")
    print(f"- Ingest into an empty embedded store: {min(s for s, _ in runs[True]):.2f} s with the checks "
          f"({findings} findings), {min(s for s, _ in runs[False]):.2f} s without, best of {args.rounds} each; "
          f"load average {os.getloadavg()[0]:.1f}.")


if __name__ == "__main__":
    main()
