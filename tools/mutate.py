"""`make mutate`: mutation testing of the code that decides correctness.

The Python modules (the status rules, the number reader, validation, the
scorer, the query catalogue, the API's body limit) are mutated by mutmut,
each mutant run against the tests that reach the mutated function. mutmut
mutates a copy of the tree and imports it from there; perfkg's folders install
under perfkg.* through a package-dir mapping that the editable install
resolves to the original folders, so the copy (var/mutate) is laid out as the
installed package is, perfkg/ingest/status.py and so on, where no mapping
applies.

mutmut mutates Python only. The named queries' Cypher is mutated here, one
change at a time: each comparison with a parameter made true and made
false, each `$p IS NULL` made false, each comparison operator and status literal swapped, each
DESC dropped; the query tests are run against each mutant.

Prints a summary (killed, survived, by module, and each survivor) and writes
it to var/mutate/summary.md. With --survivors, after tests were added, only
the last run's surviving Python mutants are tested again (with the current
tests; the code must not have changed since), and the Cypher mutants anew.
With --modules M..., only those Python modules are mutated (no Cypher): a part
of the run, for a module whose code or tests changed; with --cypher, only the
named queries' Cypher.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / "var" / "mutate"
BIN = Path(sys.executable).parent

MODULES = ["ingest/status.py", "ingest/numbers.py", "ingest/validate.py", "ingest/evaluate.py",
           "cypher/__init__.py", "api/limits.py"]
# The tests that may kill them; mutmut runs, for each mutant, those of them that reach its function, fastest first.
# The corpus's floor (35 documents through the whole pipeline, a minute a mutant on these machines) is left out.
TESTS = ["tests/test_status.py", "tests/test_numbers.py", "tests/test_validate.py", "tests/test_evaluate.py",
         "tests/test_phrasings.py", "tests/test_extract.py",
         "tests/test_accuracy.py::test_the_five_reports_are_extracted_exactly_as_the_gold_has_them_and_their_topics"
         "_hold_the_floor",
         "tests/test_accuracy.py::test_the_variants_are_extracted_exactly_as_their_gold_has_them",
         "tests/test_query_catalogue.py", "tests/test_queries.py", "tests/test_query_parameters.py",
         "tests/test_api_bodies_and_errors.py", "tests/test_api_hardening.py",
         "tests/test_exports.py"]  # the API's export, read through the export's deadline
CYPHER_TESTS = ["tests/test_query_parameters.py", "tests/test_queries.py"]
# Mutants are run on the embedded store alone: the Neo4j half would start a Neo4j server for
# every mutant's test run, and what it adds (the stores agree) is make test's to check.
EMBEDDED_ONLY = ["-m", "not neo4j"]

# mutmut's exit codes of a mutant's test run (mutmut.stats.status_by_exit_code)
KILLED, SURVIVED, NO_TESTS, TIMEOUT = {1, 3}, {0}, {5, 33}, {24, -24, 36, 152, 255}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def staged(module: str) -> str:
    """Where a module of the source tree is in the copy: ingest/status.py -> perfkg/ingest/status.py."""
    mapping = _pyproject()["tool"]["setuptools"]["package-dir"]
    folder, _, rest = module.partition("/")
    package = next(p for p, f in mapping.items() if f == folder)
    return "/".join([*package.split("."), rest])


def stage(modules: list[str]) -> None:
    shutil.rmtree(STAGE, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package, folder in sorted(_pyproject()["tool"]["setuptools"]["package-dir"].items()):
        shutil.copytree(ROOT / folder, STAGE / package.replace(".", "/"), ignore=ignore, dirs_exist_ok=True)
    for folder in ("tests", "examples", "scripts"):  # scripts: the tests' conftest imports neo4j_server
        shutil.copytree(ROOT / folder, STAGE / folder, ignore=ignore)
    pytest_options = _pyproject()["tool"]["pytest"]["ini_options"]
    lines = ["[tool.mutmut]", 'source_paths = ["perfkg"]', f"only_mutate = {json.dumps([staged(m) for m in modules])}",
             f"pytest_add_cli_args_test_selection = {json.dumps(TESTS)}",
             f"pytest_add_cli_args = {json.dumps(EMBEDDED_ONLY)}", 'also_copy = ["examples", "scripts"]', "",
             "[tool.pytest.ini_options]"]
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in pytest_options.items()]
    (STAGE / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- Python, by mutmut --------------------------------------------------------------


def run_mutmut(*mutants: str) -> None:
    # mutmut collects which tests reach what in its own process, then waits for any child of
    # it to end: an embedded store's server that a test left running for the next command
    # (PERFKG_SERVER_IDLE_S) would end later as a child it does not know, and mutmut stops
    # on it (KeyError). Stopped when each test's store closes, the servers are gone by then.
    subprocess.run([str(BIN / "mutmut"), "run", "--max-children", str(os.cpu_count() or 2), *mutants], cwd=STAGE,
                   check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PERFKG_SERVER_IDLE_S": "0"})


def survivors_again(modules: list[str]) -> None:
    """The current tests into the last run's copy, which tests reach what collected anew, then its survivors run."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for copy in (STAGE / "tests", STAGE / "mutants" / "tests"):
        shutil.rmtree(copy)
        shutil.copytree(ROOT / "tests", copy, ignore=ignore)
    (STAGE / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    run_mutmut(*[name for module in modules for name in _survivors(_exit_codes(module))])


def _exit_codes(module: str) -> dict[str, int]:
    """mutmut's exit code of each mutant of the module, from its results file."""
    meta = json.loads((STAGE / "mutants" / (staged(module) + ".meta")).read_text(encoding="utf-8"))
    return meta["exit_code_by_key"]


def _survivors(codes: dict[str, int]) -> list[str]:
    return [name for name, code in codes.items() if code in SURVIVED | NO_TESTS]


def mutmut_results(modules: list[str]) -> dict[str, dict]:
    results = {}
    for module in modules:
        codes = _exit_codes(module)
        results[module] = {
            "total": len(codes),
            "killed": sum(code in KILLED | TIMEOUT for code in codes.values()),
            "survivors": [_mutmut_change(name) for name in sorted(_survivors(codes), key=_mutant_order)],
        }
    return results


def _mutant_order(name: str) -> tuple[str, int]:
    function, _, number = name.rpartition("__mutmut_")
    return function, int(number)


def _mutmut_change(name: str) -> str:
    """`function: - old line / + new line`, from mutmut's diff of the mutant."""
    diff = subprocess.run([str(BIN / "mutmut"), "show", name], cwd=STAGE, capture_output=True, text=True).stdout
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    function = name.rpartition("__mutmut_")[0].rpartition(".")[2].removeprefix("x_").replace("ǁ", ".")
    return f"{function}: `{' '.join(removed)}` → `{' '.join(added)}`"


# -- Cypher, here ---------------------------------------------------------------------

_COMPARISON_WITH_PARAMETER = re.compile(r"[\w.]+\s*(?:=|<>|CONTAINS|IN)\s*\$\w+")
_IS_NULL = re.compile(r"\$\w+ IS NULL")
_OPERATOR = re.compile(r"(?<=\s)(<=|>=|<|>)(?=\s)")
_SWAPPED = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
_STATUS = re.compile(r"'(met|not_met|unknown)'")
_DESC = re.compile(r"\s+DESC\b")


def cypher_mutants(text: str) -> list[tuple[int, str, str]]:
    """(line, change, mutated text) for each single change to the query's body (its header left alone)."""
    body_start = next(m.start() for m in re.finditer(r"^(?!//).*$", text, re.M) if m.group(0).strip())
    found = []

    def each(pattern, replace):
        for m in pattern.finditer(text, body_start):
            new = replace(m)
            if new is not None:
                line = text.count("\n", 0, m.start()) + 1
                found.append((line, f"`{m.group(0).strip()}` → `{new.strip() or '(nothing)'}`",
                              text[: m.start()] + new + text[m.end() :]))

    each(_COMPARISON_WITH_PARAMETER, lambda m: "true")
    each(_COMPARISON_WITH_PARAMETER, lambda m: "false")
    each(_IS_NULL, lambda m: "false")
    each(_OPERATOR, lambda m: _SWAPPED[m.group(1)])
    each(_STATUS, lambda m: "'met'" if m.group(1) != "met" else "'not_met'")
    each(_DESC, lambda m: "")
    return found


def run_cypher() -> dict[str, dict]:
    results = {}
    for path in sorted((STAGE / "perfkg" / "cypher").glob("*.cypher")):
        original = path.read_text(encoding="utf-8")
        mutants = cypher_mutants(original)
        survivors = []
        try:
            for line, change, mutated in mutants:
                path.write_text(mutated, encoding="utf-8")
                tests = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                                        *EMBEDDED_ONLY, *CYPHER_TESTS], cwd=STAGE, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
                if tests.returncode == 0:
                    survivors.append(f"line {line}: {change}")
        finally:
            path.write_text(original, encoding="utf-8")
        results[f"cypher/{path.name}"] = {"total": len(mutants), "killed": len(mutants) - len(survivors),
                                          "survivors": survivors}
    return results


# -- the summary -------------------------------------------------------------------------


def summary(results: dict[str, dict]) -> str:
    total = sum(r["total"] for r in results.values())
    killed = sum(r["killed"] for r in results.values())
    lines = [f"# Mutation run: {killed} of {total} mutants killed ({100 * killed / total:.1f} %)", "",
             "| module | mutants | killed | rate |", "|---|---:|---:|---:|"]
    for module, r in results.items():
        lines.append(f"| {module} | {r['total']} | {r['killed']} | {100 * r['killed'] / max(r['total'], 1):.1f} % |")
    for module, r in results.items():
        if r["survivors"]:
            lines += ["", f"## Survivors in {module}", ""] + [f"- {s}" for s in r["survivors"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = sys.argv[1:]
    # The tests read the gold from ../shared beside the tree they run in, which the copy is not:
    # without it they skip, and every mutant would survive.
    shared = Path(os.environ.get("PERFKG_SHARED") or ROOT.parent / "shared").resolve()
    if not (shared / "gold").is_dir():
        sys.exit(f"no gold annotations at {shared / 'gold'}: set PERFKG_SHARED to the shared folder")
    os.environ["PERFKG_SHARED"] = str(shared)
    modules = MODULES
    if "--modules" in args:  # a part of the run: these Python modules, and no Cypher
        modules = args[args.index("--modules") + 1 :]
        unknown = set(modules) - set(MODULES)
        if not modules or unknown:
            sys.exit(f"--modules takes some of {MODULES}, got {sorted(unknown) or 'none'}")
    if "--cypher" in args:  # a part of the run: the named queries' Cypher alone
        modules = []
        stage(modules)
    elif "--survivors" in args:
        survivors_again(modules)
    else:
        stage(modules)
        run_mutmut()
    results = mutmut_results(modules)
    if "--modules" not in args:
        results.update(run_cypher())
    text = summary(results)
    (STAGE / "summary.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
