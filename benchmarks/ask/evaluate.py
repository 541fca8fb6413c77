"""The routing benchmark: each question of questions.jsonl asked of a store, its
named query and parameters compared with the expected ones (exact), and its rows
with those of the expected query run as `perfkg query` runs it (same rows).

    python benchmarks/ask/evaluate.py --store var/ask.db [--questions FILE] [--json]

The store should hold the five example reports and ../shared/corpus/docs (make
eval-ask builds one). A question expected to be refused counts as exact when it
is refused. A department is named in a parameter by any part of its name, so two
values are the same when they name the same departments (夏港街道 and 广州市黄埔区
人民政府夏港街道办事处; the short name a report gives may change with the
extraction). Prints every miss, then the figures; exits 1 below --target.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from perfkg.ask import Unroutable, router
from perfkg.client import Client
from perfkg.cypher import catalogue

HERE = Path(__file__).resolve().parent


def load(path: Path) -> list[dict]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as error:
                sys.exit(f"{path}:{number}: not JSON: {error}")
    return items


def coverage(items: list[dict]) -> list[str]:
    """Parameters of named queries no expected answer gives."""
    given = {(i["query"], p) for i in items if i.get("query") for p in i.get("params", {})}
    return [f"{q.name}.{p.name}" for q in catalogue().values() for p in q.parameters if (q.name, p.name) not in given]


def same_parameters(client: Client, got: dict, expected: dict) -> bool:
    if got.keys() != expected.keys():
        return False

    def departments(value) -> set[str]:
        return {row[0] for row in client.read(
            "MATCH (d:Department) WHERE d.id = $v OR d.name CONTAINS $v RETURN d.id", {"v": value}).rows}

    return all(got[k] == expected[k] or (k == "department" and departments(got[k]) == departments(expected[k]))
               for k in got)


def evaluate(client: Client, items: list[dict]) -> dict:
    ask = router(client.store)  # built once, as a server keeps it
    exact = same_rows = 0
    misses = []
    timings = []
    for item in items:
        started = time.perf_counter()
        try:
            name, params, _ = ask.route(item["question"])
        except Unroutable as error:
            name, params, reason = None, None, error.reason
        timings.append(time.perf_counter() - started)
        expected = item.get("query")
        if expected is None:
            ok = name is None
            exact += ok
            same_rows += ok
            if not ok:
                misses.append((item, name, params, "routed, expected a refusal"))
            continue
        if name == expected and same_parameters(client, params, item.get("params", {})):
            exact += 1
            same_rows += 1
            continue
        rows_equal = False
        if name is not None:
            want = client.run(expected, item.get("params", {}))
            got = client.run(name, params)
            rows_equal = want.columns == got.columns and want.rows == got.rows
        same_rows += rows_equal
        misses.append((item, name, params, "same rows" if rows_equal else (reason if name is None else "")))
    timings.sort()
    return {"questions": len(items), "exact": exact, "same_rows": same_rows, "misses": misses,
            "route_ms_median": 1000 * timings[len(timings) // 2], "route_ms_max": 1000 * timings[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--questions", type=Path, default=HERE / "questions.jsonl")
    parser.add_argument("--target", type=float, default=0.95, help="Least share of exact routings.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    items = load(args.questions)
    with Client.open(args.store) as client:
        result = evaluate(client, items)
    n = result["questions"]
    if args.json:
        result["misses"] = [{"question": i["question"], "expected": [i.get("query"), i.get("params")],
                             "got": [name, params], "note": note} for i, name, params, note in result["misses"]]
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for item, name, params, note in result["misses"]:
            print(f"✗ {item['question']}\n    expected {item.get('query')} {item.get('params', {})}\n"
                  f"    got      {name} {params}  {note}")
        print(f"{n} questions ({args.questions.name})")
        print(f"exact query and parameters: {result['exact']}/{n} = {result['exact'] / n:.1%}")
        print(f"same query rows:            {result['same_rows']}/{n} = {result['same_rows'] / n:.1%}")
        print(f"routing time: median {result['route_ms_median']:.2f} ms, max {result['route_ms_max']:.2f} ms")
        for missing in coverage(items):
            print(f"no question gives {missing}")
    if result["exact"] / n < args.target:
        sys.exit(1)


if __name__ == "__main__":
    main()
