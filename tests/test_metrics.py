"""Metrics: indicator names grouped by meaning, on the gold's real names and in
real stores; the curated scheme; the queries that compare across reports."""

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from perfkg.client import Client
from perfkg.corpus import vary_name
from perfkg.export import rdf
from perfkg.ingest import metrics as resolver
from perfkg.identity_eval import _gold_names, evaluate_metrics, pair_scores
from perfkg.ingest.metric_store import METRICS_SETTING

from conftest import CORPUS, EXAMPLES, GOLD, ROOT

GROUPS = ROOT / "tests" / "gold" / "metric-groups.json"


@pytest.fixture(scope="module")
def gold_names() -> list[str]:
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD} (set PERFKG_SHARED)")
    return sorted({name for folder in (GOLD, CORPUS / "gold") for _, name in _gold_names(folder)})


def grouping(keys, **kwargs) -> set[frozenset[str]]:
    return {frozenset(g.keys) for g in resolver.group(keys, **kwargs)}


def same_metric(a: str, b: str) -> bool:
    metric_of = {k: g.id for g in resolver.group({resolver.metric_key(a), resolver.metric_key(b)}) for k in g.keys}
    return metric_of[resolver.metric_key(a)] == metric_of[resolver.metric_key(b)]


@pytest.mark.parametrize("a, b", [
    ("群众满意度", "辖区内群众满意度"), ("群众满意度", "人民群众满意度"), ("群众满意度", "羣衆滿意度"),
    ("群众满意度", "周围群众满意度"), ("时效指标", "时效指标(部分项目)"), ("项目完成时间", "任务完成时间"),
    ("全年拆除违法建设", "清拆违法建设面积（全年拆违任务量）"), ("化妆品抽验完成率", "化妆品抽检完成率"),
    ("行政村数量", "行政村数"), ("出租屋登记率（%）", "出租屋登记率"),
])
def test_names_of_one_metric_are_joined(a, b):
    assert same_metric(a, b)


@pytest.mark.parametrize("a, b", [
    ("药品抽检完成率", "化妆品抽验完成率"), ("化妆品监管企业数", "药品监管企业数"), ("孕产妇7天访视数", "孕产妇42天访视数"),
    ("高标准农田2019年度建设任务", "成县高标准农田2019年度建设任务"), ("学生满意度", "家长满意度"),
    ("群众满意度", "老年人日间照料中心群众满意度"), ("失业人员再就业率", "失业人员再就业人数"), ("婚检率", "婚检人数"),
    ("出租屋建档率", "出租屋登记率"), ("满意度", "学生满意度"),
])
def test_look_alike_names_stay_apart_and_say_why(a, b):
    assert not same_metric(a, b)
    comparison = resolver.compare(*sorted((resolver.metric_key(a), resolver.metric_key(b))))
    assert "apart:" in comparison.explain() and 0 <= comparison.score < 1


def test_every_merge_is_explained_with_its_score_and_comparisons():
    keys = {resolver.metric_key(n) for n in ("群众满意度", "周围群众满意度", "维持时效", "项目维持时效")}
    groups = [g for g in resolver.group(keys) if len(g.keys) > 1]
    assert len(groups) == 2
    for g in groups:
        assert len(g.merges) == 1 and "bigrams" in g.merges[0] and "words" in g.merges[0]
        assert g.scores[g.representative] == 1.0 and 0.6 <= min(g.scores.values()) < 1


def test_the_gold_groups_are_found_at_the_targets(gold_names):
    result = evaluate_metrics(GROUPS, [GOLD, CORPUS / "gold"], GOLD)
    assert result["all"]["precision"] >= 0.95 and result["all"]["recall"] >= 0.85, result["all"]
    assert result["reports"]["precision"] >= 0.95 and result["reports"]["true_pairs"] >= 16


def test_pair_scores_count_pairs():
    assert pair_scores(["a", "a", "b"], [1, 1, 1]) == {
        "items": 3, "true_pairs": 1, "predicted_pairs": 3, "correct": 1, "precision": 1 / 3, "recall": 1.0}


@settings(max_examples=8, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=6))
def test_the_grouping_does_not_depend_on_the_order_names_arrive_in(gold_names, rng, batches):
    """Names added a batch at a time, in any order, group as all at once."""
    names = gold_names + [vary_name(n, random.Random(i)) for i, n in enumerate(gold_names[:80])]
    keys = [resolver.metric_key(n) for n in names]
    whole = grouping(set(keys))
    rng.shuffle(keys)
    known: dict[str, list[str]] = {}
    size = len(keys) // batches + 1
    for start in range(0, len(keys), size):
        groups = resolver.group(set(keys[start:start + size]), known=known)
        known = {g.id: g.keys for g in groups}
    assert {frozenset(ks) for ks in known.values()} == whole
    assert set(known) == {g.id for g in resolver.group(set(keys))}


@settings(max_examples=4, deadline=None)
@given(st.randoms(use_true_random=False))
def test_a_batch_regroups_only_the_groups_it_touches_as_the_whole_grouping_would(gold_names, rng):
    """With `touching` and an index kept between batches, as the ingest groups
    a batch's names: the groups that hold the batch's keys, each as grouping
    every name at once has it."""
    names = gold_names + [vary_name(n, random.Random(i)) for i, n in enumerate(gold_names[:80])]
    keys = sorted({resolver.metric_key(n) for n in names})
    rng.shuffle(keys)
    known: dict[str, list[str]] = {}
    index = resolver.KeyIndex()
    for start in range(0, len(keys), 150):
        batch = set(keys[start:start + 150])
        whole = resolver.group(batch, known=known)
        touched = resolver.group(batch, known=known, index=index, touching=batch)
        assert [(g.id, g.keys) for g in touched] == [(g.id, g.keys) for g in whole if batch & set(g.keys)]
        known = {g.id: g.keys for g in whole}


@pytest.mark.parametrize("names", [
    [f"第{i}批次培训人数" for i in range(1, 5001)],  # a generated form's rows, numbered
    [f"{i}号楼改造完成率（{i % 7 + 1}期）" for i in range(1, 5001)],
], ids=["numbered", "two numbers"])
def test_thousands_of_names_that_differ_only_in_a_number_are_not_compared_with_each_other(names):
    """A name is looked for only among the names of its own numbers (which
    two names of one metric share): grouping thousands of names that differ
    only in a number compares none of them, where comparing every pair was
    minutes."""
    keys = {resolver.metric_key(n) for n in names}
    index = resolver.KeyIndex(keys)
    assert not any(index.candidates(key) for key in keys)
    resolver.compare.cache_clear()
    assert len(resolver.group(keys)) == len(keys)
    assert resolver.compare.cache_info().misses == 0


def test_names_that_differ_by_a_character_are_compared_with_the_few_that_hold_them():
    """Thousands of names sharing all but their first characters: each is
    compared only with the names it holds, or that hold it, with at most
    MAX_EXTRA characters more (two, or 140), not with all 5,000."""
    first = [chr(0x4E00 + i) for i in range(70)]
    pairs = {resolver.metric_key(a + b + "社区居民满意度") for a in first for b in first}  # 4,900 of one length
    singles = {resolver.metric_key(a + "社区居民满意度") for a in first}  # each held in 140 of them
    index = resolver.KeyIndex(pairs | singles)
    assert max(len(index.candidates(key)) for key in pairs) <= 2
    assert max(len(index.candidates(key)) for key in singles) <= 2 * len(first)
    resolver.compare.cache_clear()
    resolver.group(pairs | singles)
    assert resolver.compare.cache_info().misses <= 2 * len(pairs)


def test_why_a_grown_metric_joined_is_said_as_anew_and_a_metric_named_again_is_not_compared_again():
    """Group.merges of a metric that grew batch by batch (brought up from
    what it was) says what working it out anew says; asked again, it compares nothing."""
    rng = random.Random(3)
    first = [chr(0x4E00 + 200 + i) for i in range(80)]
    keys = sorted({resolver.metric_key(n) for n in ["群众满意度", "居民群众满意度"] + [c + "群众满意度" for c in first]
                   + [rng.choice(first) + rng.choice(first) + "群众满意度" for _ in range(80)]})
    rng.shuffle(keys)
    known: dict[str, list[str]] = {}
    for start in range(0, len(keys), 20):
        groups = resolver.group(set(keys[start:start + 20]), known=known)
        for g in groups:
            g.merges
        known = {g.id: g.keys for g in groups}
    largest = max(groups, key=lambda g: len(g.keys))
    assert len(largest.keys) > 100
    grown = largest.merges
    resolver.compare.cache_clear()
    assert largest.merges == grown and resolver.compare.cache_info().misses == 0
    resolver._closest.clear()
    assert largest.merges == grown


def _closest_by_comparing_all(keys: list[str]) -> dict[str, resolver.Comparison]:
    """The definition: each key's greatest comparison with every other key."""
    return {key: max((resolver.compare(*sorted((key, other))) for other in keys if other != key),
                     key=resolver._closeness) for key in keys}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_each_key_s_closest_is_the_greatest_of_all_its_comparisons(gold_names, data):
    """`closest` compares only the pairs that may be the same metric, in order of
    score, and when a group grew, only the new keys: what it finds is what
    comparing every pair finds, for groups of look-alikes, of strangers, and
    grown from a smaller one."""
    rng = random.Random(data.draw(st.integers(0, 10**6)))
    base = resolver.metric_key(rng.choice(gold_names))

    def added(key: str, count: int) -> str:  # characters put in, some the same metric's, some not
        for _ in range(count):
            at = rng.randrange(len(key) + 1)
            key = key[:at] + rng.choice("内全区街年度2") + key[at:]
        return key

    look_alikes = [resolver.metric_key(vary_name(base, rng)) for _ in range(4)] + \
                  [added(base, rng.choice([1, 1, 2, 2, 3])) for _ in range(10)]
    strangers = [resolver.metric_key(name) for name in rng.sample(gold_names, 6)]
    keys = sorted(set(data.draw(st.lists(st.sampled_from(look_alikes + strangers), min_size=2, max_size=14))))
    if len(keys) < 2:
        return
    resolver._closest.clear()
    smaller = keys[:max(2, len(keys) // 2)]
    if len(smaller) < len(keys):
        assert resolver.closest(smaller) == _closest_by_comparing_all(smaller)
    assert resolver.closest(keys) == _closest_by_comparing_all(keys)


def _curated(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "metrics.ttl"
    path.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                    "@prefix m: <https://w3id.org/perfkg/id/> .\n" + body, encoding="utf-8")
    return path


def test_a_curated_scheme_overrides_the_resolver(tmp_path):
    path = _curated(tmp_path, """
        m:rental-records a skos:Concept ; skos:prefLabel "出租屋登记建档率"@zh ;
            skos:altLabel "出租屋建档率"@zh , "出租屋登记率"@zh .
        m:residents a skos:Concept ; skos:prefLabel "群众满意度"@zh .
        m:nearby a skos:Concept ; skos:prefLabel "周围群众满意度"@zh .
    """)
    curated = resolver.Curated.read(path)
    keys = {resolver.metric_key(n) for n in ("出租屋建档率", "出租屋登记率", "群众满意度", "周围群众满意度", "辖区群众满意度")}
    groups = {g.id: set(g.keys) for g in resolver.group(keys, curated)}
    assert groups["rental-records"] == {"出租屋建档率", "出租屋登记率"}  # apart by the resolver alone
    assert groups["residents"] == {"群众满意度"} and groups["nearby"] == {"周围群众满意度"}  # joined by it alone


def test_a_bad_curated_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="metrics.ttl.*not a Turtle"):
        resolver.Curated.read(_curated(tmp_path, "this is not turtle"))
    twice = _curated(tmp_path, 'm:a a skos:Concept ; skos:prefLabel "群众满意度"@zh .\n'
                               'm:b a skos:Concept ; skos:prefLabel "b"@zh ; skos:altLabel "辖区群众满意度"@zh .')
    with pytest.raises(ValueError, match="both a and b"):
        resolver.Curated.read(twice)


# -- in the stores --------------------------------------------------------------------------------


def _varied_copy(folder: Path, source: Path, renames: dict[str, str]) -> None:
    text = source.read_text(encoding="utf-8")
    for old, new in renames.items():
        assert old in text
        text = text.replace(old, new)
    (folder / ("varied_" + source.name)).write_text(text.replace("2021", "2022"), encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The five examples and the next year's report of 荔城街道 naming its indicators another way."""
    folder = tmp_path_factory.mktemp("metrics-corpus")
    for report in EXAMPLES.glob("*.txt"):
        (folder / report.name).write_bytes(report.read_bytes())
    _varied_copy(folder, EXAMPLES / "004_a0655f5b282921e2.txt",
                 {"出租屋建档率": "辖区出租屋建档率", "失业人员再就业率": "全年失业人员再就业比例"})
    return folder


def _metrics(client) -> dict[str, tuple]:
    return {row[0]: (tuple(row[1]), tuple(row[2])) for row in client.read(
        "MATCH (m:Metric) RETURN m.id, m.keys, m.aliases ORDER BY m.id").rows}


def test_every_indicator_measures_one_metric_whatever_the_order_of_ingest(corpus, backend):
    files = sorted(corpus.glob("*.txt"))
    graphs = []
    for order in (files, files[::-1]):
        with Client.open(settings=backend.empty()) as client:
            for path in order:
                client.ingest([path])
            counts = client.read("MATCH (i:Indicator) OPTIONAL MATCH (i)-[:MEASURES]->(m:Metric) "
                                 "RETURN count(DISTINCT i), count(m), min(i.metric_score)").rows[0]
            graphs.append((_metrics(client), counts))
    assert graphs[0] == graphs[1]
    indicators, measured, lowest = graphs[0][1]
    assert indicators == measured and lowest >= 0.6


def test_metrics_another_hand_changed_between_batches_are_read_again(corpus, backend):
    """A process keeps the metrics its batches wrote rather than reading them all at
    every batch; when the graph's count of metrics or of their names says someone
    else changed them (here: every metric deleted), it reads them again, and its
    next batch leaves the graph as one ingest of everything would."""
    files = sorted(corpus.glob("*.txt"))
    with Client.open(settings=backend.empty()) as client:
        client.ingest(files)
        expected = _metrics(client)
    with Client.open(settings=backend.empty()) as client:
        client.ingest(files[:3])
        with Client.open(settings=client.settings) as other:
            other.store.write("MATCH (m:Metric) DETACH DELETE m")
        client.ingest(files[3:])
        # The later reports' indicators each measure a metric the graph holds (some of
        # the first three's lost theirs with the deleted metrics).
        unmeasured = client.read(
            "MATCH (r:Report)-[:HAS_INDICATOR]->(i:Indicator) WHERE NOT (i)-[:MEASURES]->(:Metric) "
            "RETURN DISTINCT r.source_file").rows
        assert unmeasured and {Path(f).name for (f,) in unmeasured} <= {f.name for f in files[:3]}
        client.ingest(files[:3])  # the same reports again: replaced, then every metric resolved anew
        assert _metrics(client) == expected


def test_a_metric_is_followed_across_reports_that_name_it_differently(corpus, backend):
    with Client.open(settings=backend.empty()) as client:
        client.ingest([corpus])
        rows = client.run("metric_over_years", {"metric": "辖区出租屋建档率"})
        frame = dict(zip(rows.columns, zip(*rows.rows)))
        assert set(frame["indicator"]) == {"出租屋建档率", "辖区出租屋建档率"}
        assert list(frame["year"]) == [2021, 2022] and set(frame["department"]) == {"荔城街道"}
        assert all(frame["evidence"]) and len(set(frame["metric_id"])) == 1
        # Every label reaches the same metric; the department filter keeps to it.
        assert client.run("metric_over_years", {"metric": "出租屋建档率"}).rows == rows.rows
        assert client.run("metric_over_years", {"metric": "出租屋建档率", "department": "南洲"}).rows == []
        over_years = client.query("department_over_years", department="荔城")
        followed = over_years[over_years.metric == "出租屋建档率"]
        assert list(followed.year) == [2021, 2022] and set(followed.indicator) == {"出租屋建档率", "辖区出租屋建档率"}
        listed = client.query("metrics", search="辖区出租屋")
        assert list(listed.metric) == ["出租屋建档率"] and list(listed.reports) == [2]


def test_compare_on_metric_ranks_departments_by_completion(backend):
    with Client.open(settings=backend.empty()) as client:
        client.ingest([EXAMPLES])
        # Illegal construction demolished: 荔城 (2021) states 106.01% of its year's task, 南洲 (2022) 100.1%
        # as 清拆违法建设; 夏港's 依法拆除违法建设及征收土地上建筑物 counts more than illegal construction.
        frame = client.query("compare_on_metric", metric="清拆违法建设")
        assert list(zip(frame.department, frame.year, frame.completion)) == [("荔城街道", 2021, 106.01),
                                                                          ("南洲街道", 2022, 100.1)]
        assert list(frame.names) == [["拆除违法建设"], ["清拆违法建设"]] and all(frame.evidence)
        assert list(client.query("compare_on_metric", metric="拆除违法建设", year=2022).department) == ["南洲街道"]
        assert set(client.query("metrics", framework="satisfaction").framework) == {"satisfaction"}


def test_replacing_a_report_resolves_its_metrics_again(corpus, backend, tmp_path):
    with Client.open(settings=backend.empty()) as client:
        client.ingest([corpus])
        varied = corpus / "varied_004_a0655f5b282921e2.txt"
        again = tmp_path / varied.name
        again.write_text(varied.read_text(encoding="utf-8").replace("辖区出租屋建档率", "出租屋建档完成率"),
                         encoding="utf-8")
        assert [o.status for o in client.ingest([again])] == ["replaced"]
        aliases = {a for row in client.read("MATCH (m:Metric) RETURN m.aliases").rows for a in row[0]}
        assert "出租屋建档完成率" in aliases and "辖区出租屋建档率" not in aliases  # the old version's name went
        orphans = client.read("MATCH (m:Metric) WHERE NOT (m)<-[:MEASURES]-() RETURN count(m)").rows[0][0]
        assert orphans == 0


def test_the_scheme_exported_as_skos_reads_back_as_the_curated_scheme(corpus, backend, tmp_path, monkeypatch):
    with Client.open(settings=backend.empty()) as client:
        client.ingest([corpus])
        before = _metrics(client)
        exported = tmp_path / "graph.ttl"
        exported.write_text(rdf(client.store, "ttl"), encoding="utf-8")
        text = exported.read_text(encoding="utf-8")
        assert "skos:prefLabel" in text and "skos:altLabel" in text and "skos:broader pk:satisfaction" in text
        monkeypatch.setenv(METRICS_SETTING, str(exported))
        client.resolve_metrics()
        after = _metrics(client)
        assert {keys for keys, _ in after.values()} == {keys for keys, _ in before.values()}
        assert set(after) == set(before)
