"""What asking costs on a store, beside the named query's own time: reading the
graph's names (every question), building the router (once per store content:
jieba's dictionary with those names), and routing. Prints a markdown table.

    python benchmarks/ask/speed.py --store var/eval-ask/graph.db [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from perfkg import ask as asking
from perfkg.client import Client
from perfkg.store import StoreError

HERE = Path(__file__).resolve().parent


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--questions", type=Path, default=HERE / "questions.jsonl")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import json

    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    with Client.open(args.store) as client:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        started = time.perf_counter()
        jieba.dt.check_initialized()
        load = time.perf_counter() - started
        started = time.perf_counter()
        router = asking.router(client.store)  # kept under the store's fingerprint
        build = time.perf_counter() - started
        vocabulary = router.vocabulary
        reads, routes, overheads, queries = [], [], [], []
        failed = 0
        for _ in range(args.repeat):
            for question in questions:
                t0 = time.perf_counter()
                found = asking.router(client.store)  # the store's fingerprint read, its router found
                t1 = time.perf_counter()
                try:
                    name, params, _ = found.route(question)
                except asking.Unroutable:
                    name = None
                t2 = time.perf_counter()
                reads.append(t1 - t0)
                routes.append(t2 - t1)
                overheads.append(t2 - t0)
                if name:
                    try:
                        client.run(name, params)
                        queries.append(time.perf_counter() - t2)
                    except StoreError:  # over the store's time limit: said below, not timed
                        failed += 1
    p95 = lambda values: sorted(values)[int(0.95 * (len(values) - 1))]  # noqa: E731
    print(f"store {args.store}: {len(vocabulary.departments):,} departments, {len(vocabulary.districts):,} districts, "
          f"{len(vocabulary.projects):,} projects; {len(router.lexicon.words):,} words in the lexicon")
    print()
    print("| step | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|")
    print(f"| load jieba's dictionary (once per process) | {ms(load)} | | |")
    print(f"| read the names and build the router (once per store content) | {ms(build)} | | |")
    for label, values in (("read the fingerprint and find the router (each question)", reads),
                          ("route the question", routes),
                          ("**asking's own time** (both)", overheads),
                          ("the named query itself", queries)):
        print(f"| {label} | {ms(statistics.median(values))} | {ms(p95(values))} | {ms(max(values))} |")
    print()
    print(f"{len(questions)} questions × {args.repeat}"
          + (f"; {failed} named queries stopped at the store's time limit (not in their row)" if failed else ""))


if __name__ == "__main__":
    main()
