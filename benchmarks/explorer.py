"""Server time of the explorer's department and topic pages on a loaded store.

Starts `perfkg serve` on STORE (load it first, e.g. with `perfkg bench-corpus
10000 DIR` and `perfkg ingest DIR --store STORE`), then asks for the pages one
at a time: every topic's page and its flagship question (the indicators below
target, /explore/below-target?topic=…), and the pages of a spread of departments
(every k-th by id). Each page once to warm up, then --repeat times. Prints the time to
the last byte on loopback (p50, p95, max) per kind of page as markdown, with
the slowest pages.

    python benchmarks/explorer.py var/bench-10000.db --departments 100 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import time

import httpx2 as httpx

from load import percentile, served

LIMIT_MS = 300  # the explorer's target for a page, server time at 10,000 reports


def timed(http: httpx.Client, path: str, repeat: int) -> list[float]:
    assert http.get(path).status_code == 200, path
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = http.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="a loaded embedded store (path) or a bolt:// URI")
    parser.add_argument("--departments", type=int, default=100, help="how many departments' pages")
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per page, after one to warm up")
    args = parser.parse_args()

    with served({**os.environ, "PERFKG_STORE": args.store}) as base, httpx.Client(base_url=base, timeout=60) as http:
        reports = http.post("/cypher", json={"query": "MATCH (r:Report) RETURN count(r) AS n"}).json()["rows"][0]["n"]
        departments = sorted(d["id"] for d in http.get("/departments").json())
        step = max(1, len(departments) // args.departments)
        topics = [t["id"] for t in _topics(http.get("/topics").json())]
        pages = {
            "department": [f"/explore/departments/{d}" for d in departments[::step][: args.departments]],
            "topic": [f"/explore/topics/{t}" for t in topics],
            "below target": [f"/explore/below-target?topic={t}" for t in topics],
        }
        print(f"{reports:,} reports, {len(departments):,} departments; time to the last byte on loopback, ms, "
              f"{args.repeat} requests per page after one to warm up\n")
        print(f"| page | pages | p50 | p95 | max | pages over {LIMIT_MS} ms (p50) |\n|---|---|---|---|---|---|")
        slowest = []
        for kind, paths in pages.items():
            times, over = [], 0
            for path in paths:
                each = timed(http, path, args.repeat)
                times += each
                over += percentile(each, 0.5) > LIMIT_MS
                slowest.append((max(each), path))
            print(f"| {kind} | {len(paths)} | {percentile(times, 0.5):.0f} | {percentile(times, 0.95):.0f} | "
                  f"{max(times):.0f} | {over} |")
        print("\nSlowest pages:\n")
        for ms, path in sorted(slowest, reverse=True)[:5]:
            print(f"- `{path}`: {ms:.0f} ms")


def _topics(tree: list[dict]) -> list[dict]:
    return [t for topic in tree for t in (topic, *_topics(topic["narrower"]))]


if __name__ == "__main__":
    main()
