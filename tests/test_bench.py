"""The benchmark itself, at N = 5 (the example reports): `make bench` runs it
at N up to 10,000. A real run, short: every measurement on both stores (Neo4j:
the tests' own server), the graph and pandas answers compared, the markdown
report and its plot."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT


# Of the session, not the module: the tests of both stores are ordered store by store
# across modules, so a module's fixture would be torn down between this module's tests
# and the benchmark run again (three times in a full run).
@pytest.fixture(scope="session")
def bench_run(tmp_path_factory, neo4j_backend):
    out = tmp_path_factory.mktemp("bench")
    neo4j = neo4j_backend.empty()  # the benchmark empties the database it measures
    env = {**os.environ, **neo4j_backend.env(neo4j), "PERFKG_NEO4J_URI": neo4j.store}
    command = [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--sizes", "5", "--repeats", "3",
               "--budget", "1", "--rounds", "2", "--work", str(out / "work"), "--out", str(out / "BENCHMARKS.md"),
               "--json", str(out / "results.json")]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return out, json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_the_ingest_is_measured_and_split_into_its_stages(bench_run, loaded_client):
    _, results = bench_run
    run = results["sizes"][0]
    assert run["n"] == run["files"] == 5
    ingest = run["ingest"]
    assert ingest["statuses"] == {"loaded": 5}
    stats = loaded_client.stats()  # the same five reports, ingested by the test suite
    assert ingest["nodes"] == sum(stats["nodes"].values())
    assert ingest["relationships"] == sum(stats["relationships"].values())
    assert all(ingest["stage_seconds"][stage] > 0 for stage in ("read", "extract", "load"))
    assert ingest["reports_per_s"] == pytest.approx(5 / ingest["wall_seconds"])
    assert ingest["peak_rss_bytes"] > 10 * 2**20 and ingest["server_peak_bytes"] > 0
    assert run["floor"]["bytes"] == sum(p.stat().st_size for p in (ROOT / "examples" / "reports").glob("*.txt"))
    assert results["extraction_per_core"]["reports"] == 10


def test_every_named_query_and_the_http_endpoint_are_timed(bench_run):
    from perfkg.cypher import catalogue

    _, results = bench_run
    run = results["sizes"][0]
    assert set(catalogue()) <= set(run["queries"]) and set(run["queries"]) == set(run["neo4j"]["queries"])
    for timing in [*run["queries"].values(), *run["neo4j"]["queries"].values()]:
        assert 0 < timing["p50_ms"] <= timing["p95_ms"] and timing["runs"] >= 3
    assert run["neo4j"]["queries"]["indicators_below_target"]["rows"] == 4
    # Every query that needs a department was given one that has indicators.
    assert run["queries"]["department_over_years"]["rows"] > 0
    assert run["queries"]["indicators_below_target"]["rows"] == 4  # the gold's four not-met indicators
    assert run["http"]["p50_ms"] > 0 and "status=not_met" in run["http"]["request"]


def test_pandas_answers_the_same_questions_with_the_same_rows(bench_run):
    _, results = bench_run
    run = results["sizes"][0]
    for label, count in run["agreement"].items():
        assert run["pandas"][label]["rows"] == count == run["queries"][label]["rows"]
    assert run["agreement"]["indicators_below_target"] == 4


def test_the_report_has_its_tables_plot_and_verdicts(bench_run):
    out, _ = bench_run
    report = (out / "BENCHMARKS.md").read_text(encoding="utf-8")
    for heading in ("## Ingest", "## Query latency", "## The same questions with pandas", "## Neo4j",
                    "## Against the targets"):
        assert heading in report
    assert "Neo4j 5." in report and "PROFILE" in report and "GRAPH.PROFILE" in report
    assert "![time against N](BENCHMARKS.png)" in report
    assert (out / "BENCHMARKS.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Extraction" in report and "reports/s per core" in report


@pytest.fixture(scope="module")
def bench_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name, params", [
    ("indicators_below_target", {"year": 2021}),
    ("indicators_below_target", {"year": 2022}),
    ("indicators_below_target", {"district": "增城"}),
    ("indicators_below_target", {"department": "荔城", "year": 2021}),
    ("indicators_below_target", {"topic": "public_safety"}),  # through its narrower topics
    ("indicators_by_topic", {"topic": "waste_sorting"}),
    ("indicators_by_topic", {"topic": "urban_management", "year": 2022}),
])
def test_pandas_filters_as_the_named_query_does(bench_module, extractions, loaded_client, name, params):
    """Every filter of a compared question, on the five reports: the pandas
    answer holds exactly the indicators the graph's answer holds."""
    from perfkg.ingest.load import to_rows

    tables, _ = bench_module.build_tables([to_rows(report) for report in extractions.values()])
    graph_ids = sorted(row["indicator_id"] for row in loaded_client.run(name, params).records())
    assert graph_ids, "a filter that matches nothing proves nothing"
    assert sorted(bench_module.pandas_answer(tables, name, params)["id"]) == graph_ids


def test_where_the_time_goes_is_measured(bench_run):
    out, results = bench_run
    shares = results["extraction_per_core"]["stage_shares"]
    # Every pipeline stage was found in the profile, and the shares are of one whole.
    assert all(shares[stage] > 0 for stage in ("normalise text", "outline", "indicators", "topics", "validate"))
    assert sum(shares.values()) == pytest.approx(1.0, abs=0.02)
    run = results["sizes"][0]
    for timing in run["queries"].values():
        # The embedded store reports its own execution time, which is part of the whole.
        assert 0 < timing["server_p50_ms"] < timing["p50_ms"]
    assert "Where its time goes, by pipeline stage" in (out / "BENCHMARKS.md").read_text(encoding="utf-8")
