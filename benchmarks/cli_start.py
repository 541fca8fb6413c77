"""How long `perfkg` takes to answer from the shell: each command run N times
as a user runs it (a new process each time) against a store whose server is
already up, as it is after any command. Prints markdown: the median and 90th
percentile wall time, the median CPU time (user + system, what the machine's
load does not stretch), the load average, and the libraries the slowest command
spends its import time in (python -X importtime).

    python benchmarks/cli_start.py STORE [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

PERFKG = str(Path(sys.executable).with_name("perfkg"))


def commands(store: str) -> dict[str, list[str]]:
    return {
        "perfkg --help": [PERFKG, "--help"],
        "perfkg queries": [PERFKG, "queries"],
        "perfkg stats": [PERFKG, "stats", "--store", store],
        "perfkg query indicators_below_target -p topic=城市更新": [
            PERFKG, "query", "indicators_below_target", "-p", "topic=城市更新", "--store", store],
    }


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imports(argv: list[str], top: int = 8) -> list[tuple[str, float]]:
    """The top-level imports of one run and their cumulative time (s), largest first."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "perfkg.cli", *argv[1:]],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    found = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if match and len(match.group(2)) <= 2:  # imported by perfkg's own modules or the interpreter
            found.append((match.group(3), int(match.group(1)) / 1e6))
    return sorted(found, key=lambda item: -item[1])[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", help="an embedded store (a folder) or a bolt:// URI")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    runs = commands(args.store)
    for argv_ in runs.values():  # the store's server up, the ontology's cache written
        timed(argv_)
    load_before = os.getloadavg()[0]
    print("| command | wall p50 | wall p90 | CPU p50 |\n|---|---:|---:|---:|")
    for name, argv_ in runs.items():
        walls, cpus = zip(*(timed(argv_) for _ in range(args.repeat)))
        p90 = statistics.quantiles(walls, n=10)[-1]
        print(f"| `{name}` | {statistics.median(walls):.2f} s | {p90:.2f} s | {statistics.median(cpus):.2f} s |")
    print(f"\n{args.repeat} runs each; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"({os.cpu_count()} cores).\n")
    slowest = list(runs.values())[-1]
    print("Import time of `perfkg query` by top-level module (`python -X importtime`, cumulative):\n")
    print(", ".join(f"{name} {seconds:.2f} s" for name, seconds in imports(slowest)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
