"""Every parameter of every named query, passed alone and with others, on the
five example reports, each with an answer worked out from the gold
annotations: which departments, how many rows, which statuses and figures.
A filter dropped from a query's text changes one of these answers."""

import json
from collections import Counter

import pytest

from perfkg import ontology
from perfkg.cypher import catalogue
from perfkg.ingest.load import department_id

from conftest import GOLD, PROJECT_DOCUMENTS


@pytest.fixture(scope="module")
def golds() -> list[dict]:
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD} (set PERFKG_SHARED)")
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(GOLD.glob("*.json"))]


def short(gold: dict) -> str:
    return gold["department"]["short_name"]


def about(indicator: dict, slug: str) -> bool:
    """Is the gold indicator about the topic or one narrower (as a topic parameter reaches)?"""
    return bool(set(indicator["topics"]) & set(ontology.topics().narrower_closure(slug)))


def run(client, name, **params):
    return client.query(name, **params)


# (query, parameters) of every case below: the catalogue's every parameter must be among them.
EXERCISED = [
    ("budget_execution", {"year"}), ("budget_execution", {"district"}), ("budget_execution", {"district", "year"}),
    ("compare_departments", {"topic", "year"}), ("compare_departments", {"topic"}),
    ("department_over_years", {"department", "topic"}), ("department_over_years", {"department"}),
    ("department_profile", {"department"}), ("department_profile", {"department", "year"}),
    ("indicators_below_target", {"topic"}), ("indicators_below_target", {"year"}),
    ("indicators_below_target", {"district"}), ("indicators_below_target", {"department"}),
    ("indicators_by_topic", {"topic"}), ("indicators_by_topic", {"topic", "status"}),
    ("indicators_by_topic", {"topic", "year"}), ("indicators_by_topic", {"topic", "department"}),
    ("indicators_by_topic", {"status"}),
    ("problems_and_measures", {"year"}), ("problems_and_measures", {"department"}), ("problems_and_measures", {"topic"}),
    ("score_deductions", {"year"}), ("score_deductions", {"department"}),
    ("task_funding", {"year"}), ("task_funding", {"department", "topic"}),
    ("topic_coverage", {"topic"}), ("topic_coverage", {"department", "topic"}), ("topic_coverage", {"year"}),
    ("below_target_by_year_and_district", set()), ("below_target_by_year_and_district", {"year"}),
    ("below_target_by_year_and_district", {"district"}), ("below_target_by_year_and_district", {"topic"}),
    ("below_target_by_year_and_district", {"department"}),
    ("department_indicators", {"department"}), ("department_indicators", {"department", "status"}),
    ("department_indicators", {"department", "year"}), ("department_reports", {"department"}),
    ("function_coverage", {"department"}), ("function_coverage", {"function"}), ("function_coverage", {"year"}),
    ("funds", {"department"}), ("funds", {"department", "kind"}), ("funds", {"source"}), ("funds", {"year"}),
    ("report_facts", {"report"}),
    # on the examples and a varied copy (tests/test_metrics.py)
    ("metric_over_years", {"metric"}), ("metric_over_years", {"metric", "department"}),
    ("compare_on_metric", {"metric"}), ("compare_on_metric", {"metric", "year"}),
    ("metrics", {"search"}), ("metrics", {"framework"}),
    # on two project documents of the genre (conftest.PROJECT_DOCUMENTS)
    ("projects", set()), ("projects", {"project"}), ("projects", {"department"}), ("projects", {"year"}),
    ("projects", {"report_kind"}), ("indicators_below_target", {"project"}),
    ("indicators_below_target", {"report_kind"}), ("indicators_by_topic", {"report_kind"}),
    ("indicators_by_topic", {"project", "status"}), ("funds", {"project"}), ("funds", {"report_kind"}),
    # on forms of the checks' own (tests/test_audit.py)
    ("findings", {"severity"}), ("findings", {"rule"}), ("findings", {"department"}), ("findings", {"year"}),
    ("findings", {"report"}), ("findings", {"topic", "severity"}),
    ("self_score_against_indicators", set()), ("self_score_against_indicators", {"min_score"}),
    ("self_score_against_indicators", {"min_below"}), ("self_score_against_indicators", {"department", "year"}),
]


def test_every_parameter_of_every_named_query_is_exercised():
    passed = {(name, parameter) for name, parameters in EXERCISED for parameter in parameters}
    declared = {(q.name, p.name) for q in catalogue().values() for p in q.parameters}
    assert declared - passed == set()


def test_budget_execution_by_year_and_district(loaded_client, golds):
    def ranked(keep):
        return sorted(((short(g), g["execution_rate"]) for g in golds if keep(g)), key=lambda pair: -pair[1])

    def rows(**params):
        frame = run(loaded_client, "budget_execution", **params)
        return list(zip(frame["department"], frame["execution_rate"]))

    assert rows(year=2021) == ranked(lambda g: g["year"] == 2021)
    assert rows(district="黄埔") == ranked(lambda g: "黄埔" in g["department"]["district"])
    assert rows(district="黄埔", year=2022) == ranked(lambda g: "黄埔" in g["department"]["district"] and g["year"] == 2022)
    assert list(run(loaded_client, "budget_execution", district="黄埔")["rank"]) == [1, 2]


def _by_status(indicators) -> dict[str, int]:
    counts = Counter(i["status"] for i in indicators)
    return {"indicators": sum(counts.values()), "met": counts["met"], "not_met": counts["not_met"],
            "unknown": counts["unknown"]}


@pytest.mark.parametrize("params, slug", [({"topic": "waste_sorting", "year": 2021}, "waste_sorting"),
                                          ({"topic": "垃圾分类"}, "waste_sorting"),
                                          ({"topic": "综治"}, "social_stability_grid")])
def test_compare_departments_by_topic_and_year(loaded_client, golds, params, slug):
    frame = run(loaded_client, "compare_departments", **params)
    got = {row["department"]: {k: row[k] for k in ("indicators", "met", "not_met", "unknown")}
           for _, row in frame.iterrows()}
    expected = {short(g): _by_status(i for i in g["indicators"] if about(i, slug))
                for g in golds if g["year"] == params.get("year", g["year"])}
    assert got == expected
    if slug == "waste_sorting":  # the gold does not say what tasks are about; these name it: 垃圾分类
        assert dict(zip(frame["department"], frame["tasks"])) == {
            short(g): sum("垃圾分类" in task for task in g["tasks"]) for g in golds
            if g["year"] == params.get("year", g["year"])}


def test_department_over_years_by_topic(loaded_client, golds):
    lichen = next(g for g in golds if short(g) == "荔城街道")
    everything = run(loaded_client, "department_over_years", department="荔城")
    assert len(everything) == len(lichen["indicators"])
    stability = run(loaded_client, "department_over_years", department="荔城", topic="social_stability_grid")
    assert Counter(stability["status"]) == Counter(i["status"] for i in lichen["indicators"]
                                                   if about(i, "social_stability_grid"))
    closure = set(ontology.topics().narrower_closure("social_stability_grid"))
    assert all(closure & set(topics) for topics in stability["topics"])


def test_department_profile_with_and_without_a_year(loaded_client, golds):
    lichen = next(g for g in golds if short(g) == "荔城街道")
    counts = lichen["counts"]
    parts = {"execution_rate": 1, "self_score": 1, "duty": counts["duties"], "office": counts["offices"],
             "task": len(lichen["tasks"]), "fund": len(lichen["funds"]), "score": len(lichen["score_items"]),
             "problem": counts["problems"], "measure": counts["measures"]}
    for params in ({}, {"year": lichen["year"]}):
        profile = run(loaded_client, "department_profile", department="荔城", **params)
        assert profile.groupby("part").size().to_dict() == parts, params
        assert set(profile["year"]) == {lichen["year"]}
        assert profile.set_index("part")["value"]["execution_rate"] == lichen["execution_rate"]
    assert len(run(loaded_client, "department_profile", department="荔城", year=lichen["year"] + 1)) == 0


def _not_met(golds, keep) -> Counter:
    return Counter(short(g) for g in golds if keep(g) for i in g["indicators"] if i["status"] == "not_met")


def test_indicators_below_target_by_each_filter(loaded_client, golds):
    def departments(**params) -> Counter:
        return Counter(run(loaded_client, "indicators_below_target", **params)["department"])

    assert departments(year=2022) == _not_met(golds, lambda g: g["year"] == 2022)
    assert departments(district="增城") == _not_met(golds, lambda g: "增城" in g["department"]["district"])
    assert departments(department="荔城街道") == _not_met(golds, lambda g: short(g) == "荔城街道")
    stability = Counter(short(g) for g in golds for i in g["indicators"]
                        if i["status"] == "not_met" and about(i, "social_stability_grid"))
    assert departments(topic="social_stability_grid") == stability
    years = list(run(loaded_client, "indicators_below_target")["year"])
    assert years == sorted((g["year"] for g in golds for i in g["indicators"] if i["status"] == "not_met"),
                           reverse=True)  # the newest first


@pytest.mark.parametrize("params", [{}, {"status": "met"}, {"year": 2021}, {"department": "荔城"}])
def test_indicators_by_topic_by_status_year_and_department(loaded_client, golds, params):
    frame = run(loaded_client, "indicators_by_topic", topic="waste_sorting", **params)
    expected = Counter(short(g) for g in golds for i in g["indicators"]
                       if about(i, "waste_sorting") and i["status"] == params.get("status", i["status"])
                       and g["year"] == params.get("year", g["year"])
                       and params.get("department", "") in g["department"]["name"])
    assert Counter(frame["department"]) == expected
    assert Counter(frame["status"]) == Counter(i["status"] for g in golds for i in g["indicators"]
                                               if about(i, "waste_sorting") and short(g) in expected
                                               and i["status"] == params.get("status", i["status"])
                                               and g["year"] == params.get("year", g["year"]))


def test_indicators_by_status_alone_newest_first(loaded_client, golds):
    for status in ("met", "not_met", "unknown"):
        frame = run(loaded_client, "indicators_by_topic", status=status)
        assert list(frame["year"]) == sorted((g["year"] for g in golds for i in g["indicators"] if i["status"] == status),
                                             reverse=True), status


def test_problems_and_measures_by_year_department_and_topic(loaded_client, golds):
    def problems(**params) -> Counter:
        return Counter(run(loaded_client, "problems_and_measures", **params)["department"])

    assert problems(year=2021) == Counter({short(g): g["counts"]["problems"] for g in golds if g["year"] == 2021})
    assert problems(department="夏港") == Counter({"夏港街道": next(g for g in golds if short(g) == "夏港街道")
                                                   ["counts"]["problems"]})
    # The gold does not say what problems are about: the topic keeps those the graph says are about it, and only those.
    every = run(loaded_client, "problems_and_measures")
    economy = run(loaded_client, "problems_and_measures", topic="economy_business")
    assert 0 < len(economy) < len(every)
    assert len(economy) == sum("economy_business" in topics for topics in every["topics"])


def test_score_deductions_by_year_and_department(loaded_client, golds):
    for year in (2021, 2022):
        frame = run(loaded_client, "score_deductions", year=year)
        deducted = [g for g in golds if g["year"] == year and g["self_score"] is not None]
        assert Counter(frame["department"]) == Counter(
            {short(g): sum(s["score"] < s["max_score"] for s in g["score_items"]) for g in deducted})
        assert frame["lost"].sum() == pytest.approx(sum(100 - g["self_score"] for g in deducted))
    lichen = next(g for g in golds if short(g) == "荔城街道")
    assert run(loaded_client, "score_deductions", department="荔城")["lost"].sum() == pytest.approx(
        100 - lichen["self_score"])


def test_task_funding_by_year_and_topic(loaded_client, golds):
    by_year = run(loaded_client, "task_funding", year=2021)
    assert Counter(by_year["department"]) == Counter({short(g): len(g["tasks"]) for g in golds if g["year"] == 2021})
    wenchong = next(g for g in golds if short(g) == "文冲街道")
    party = run(loaded_client, "task_funding", department="文冲", topic="party_building")
    party_tasks = [t for t in wenchong["tasks"] if "党建" in t]  # 坚持党建引领加强基层组织建设, twice
    assert sorted(party["task"]) == sorted(party_tasks)
    assert sorted(party["allocated"]) == sorted(f["amount"] for f in wenchong["funds"]
                                                if f["kind"] == "task_allocation" and f.get("task") in party_tasks)
    assert party["indicators"].sum() == sum(i.get("task") in party_tasks for i in wenchong["indicators"])
    lichen = next(g for g in golds if short(g) == "荔城街道")
    assert not any(f.get("task") for f in lichen["funds"])
    assert run(loaded_client, "task_funding", department="荔城")["allocated"].isna().all()  # no money, no allocation


def test_topic_coverage_by_topic_and_department(loaded_client, golds):
    def indicators(frame) -> dict[str, int]:
        """Indicators by department, over the rows of the topic and those narrower."""
        found = Counter()
        for _, row in frame.iterrows():
            found[row["department"]] += row["indicators"]
        return {department: count for department, count in found.items() if count}

    expected = {short(g): sum(about(i, "social_stability_grid") for i in g["indicators"]) for g in golds}
    expected = {department: count for department, count in expected.items() if count}
    stability = run(loaded_client, "topic_coverage", topic="social_stability_grid")
    assert set(stability["topic"]) <= set(ontology.topics().narrower_closure("social_stability_grid"))
    assert indicators(stability) == expected
    one = run(loaded_client, "topic_coverage", topic="social_stability_grid", department="荔城")
    assert indicators(one) == {"荔城街道": expected["荔城街道"]}
    lichen = next(g for g in golds if short(g) == "荔城街道")
    first = next(i for i in lichen["indicators"] if about(i, "social_stability_grid"))
    row = one[one["topic"] == "social_stability_grid"].iloc[0]
    assert row["evidence"].startswith(first["evidence"])  # the first indicator counted is quoted
    every = run(loaded_client, "topic_coverage", department="荔城")
    tasks_only = every[(every["indicators"] == 0) & (every["tasks"] > 0)]
    assert len(tasks_only) > 0
    for evidence in tasks_only["evidence"]:  # else a task is quoted, one the gold names
        assert any(task in evidence for task in lichen["tasks"]), evidence
    assert set(run(loaded_client, "topic_coverage", year=2021)["department"]) == {
        short(g) for g in golds if g["year"] == 2021}


# projects: the example reports evaluate none (below, on project forms); the
# year-district figures name no department (test_below_target_by_year_and_district);
# 荔城街道's arithmetic holds, so it has no findings (tests/test_audit.py filters them by department);
# metric_over_years needs a metric too (tests/test_metrics.py filters it by department).
@pytest.mark.parametrize("name", sorted(q.name for q in catalogue().values()
                                        if any(p.name == "department" for p in q.parameters)
                                        and q.name not in ("projects", "below_target_by_year_and_district", "findings",
                                                           "metric_over_years")))
def test_a_department_by_its_id_is_the_department_by_its_name(loaded_client, golds, name):
    lichen = next(g for g in golds if short(g) == "荔城街道")
    by_name = run(loaded_client, name, department="荔城")
    assert len(by_name) > 0 and set(by_name["department"]) == {"荔城街道"}
    assert run(loaded_client, name, department=department_id(lichen["department"]["name"])).equals(by_name)


def test_below_target_by_year_and_district(loaded_client, golds):
    def groups(**params) -> dict[tuple, int]:
        frame = run(loaded_client, "below_target_by_year_and_district", **params)
        return {(row["year"], row["district"]): row["indicators"] for _, row in frame.iterrows()}

    def expected(keep) -> dict[tuple, int]:
        found = Counter((g["year"], g["department"]["district"]) for g in golds for i in g["indicators"]
                        if i["status"] == "not_met" and keep(g, i))
        return dict(found)

    assert groups() == expected(lambda g, i: True)
    assert groups(year=2021) == expected(lambda g, i: g["year"] == 2021)
    assert groups(district="海珠") == expected(lambda g, i: "海珠" in g["department"]["district"])
    assert groups(topic="social_stability_grid") == expected(lambda g, i: about(i, "social_stability_grid"))
    assert groups(department="荔城") == expected(lambda g, i: "荔城" in g["department"]["name"])
    lichen = next(g for g in golds if short(g) == "荔城街道")
    assert groups(department=department_id(lichen["department"]["name"])) == groups(department="荔城")


def test_department_indicators_by_status_and_year(loaded_client, golds):
    lichen = next(g for g in golds if short(g) == "荔城街道")
    every = run(loaded_client, "department_indicators", department="荔城")
    assert Counter(every["status"]) == Counter(i["status"] for i in lichen["indicators"])
    not_met = run(loaded_client, "department_indicators", department="荔城", status="not_met")
    assert sorted(not_met["target"]) == sorted(i["target"] for i in lichen["indicators"] if i["status"] == "not_met")
    assert len(run(loaded_client, "department_indicators", department="荔城", year=lichen["year"])) == len(every)
    assert len(run(loaded_client, "department_indicators", department="荔城", year=lichen["year"] + 1)) == 0


def test_department_reports(loaded_client, golds):
    lichen = next(g for g in golds if short(g) == "荔城街道")
    [report] = run(loaded_client, "department_reports", department="荔城").to_dict("records")
    total = {f["kind"]: f["amount"] for f in lichen["funds"] if f["source"] == "total" and not f.get("task")}
    statuses = Counter(i["status"] for i in lichen["indicators"])
    assert (report["year"], report["execution_rate"], report["self_score"]) == (
        lichen["year"], lichen["execution_rate"], lichen["self_score"])
    assert (report["budget"], report["expenditure"]) == (total["budget"], total["expenditure"])
    assert (report["indicators"], report["met"], report["not_met"], report["unknown"]) == (
        len(lichen["indicators"]), statuses["met"], statuses["not_met"], statuses["unknown"])


def test_function_coverage_by_function_year_and_department(loaded_client, golds):
    scheme = ontology.topics()
    lichen = next(g for g in golds if short(g) == "荔城街道")
    frame = run(loaded_client, "function_coverage", department="荔城")
    assert set(frame["department"]) == {"荔城街道"}
    below = Counter(scheme.resolve(function).name_zh for i in lichen["indicators"] if i["status"] == "not_met"
                    for topic in i["topics"] for function in scheme.functions_of(topic))
    assert {row["function"]: row["not_met"] for _, row in frame.iterrows() if row["not_met"]} == dict(below)
    security = run(loaded_client, "function_coverage", function="204")  # 公共安全支出, by its code
    assert set(security["function"]) == {"公共安全支出"}
    assert security[security["department"] == "荔城街道"]["indicators"].tolist() == frame[
        frame["function"] == "公共安全支出"]["indicators"].tolist()
    assert set(run(loaded_client, "function_coverage", year=2022)["department"]) <= {
        short(g) for g in golds if g["year"] == 2022}


def test_funds_by_department_year_kind_and_source(loaded_client, golds):
    def funds(**params) -> Counter:
        frame = run(loaded_client, "funds", **params)
        return Counter(zip(frame["department"], frame["kind"], frame["source"], frame["amount"].round(2)))

    def expected(keep) -> Counter:
        return Counter((short(g), f["kind"], f["source"], round(f["amount"], 2)) for g in golds for f in g["funds"]
                       if keep(g, f))

    assert funds(department="荔城") == expected(lambda g, f: short(g) == "荔城街道")
    assert funds(department="荔城", kind="budget") == expected(lambda g, f: short(g) == "荔城街道" and f["kind"] == "budget")
    assert funds(source="other") == expected(lambda g, f: f["source"] == "other")
    assert funds(year=2022) == expected(lambda g, f: g["year"] == 2022)


def test_report_facts_by_id_or_file_name(loaded_client, golds):
    lichen = next(g for g in golds if short(g) == "荔城街道")
    by_name = run(loaded_client, "report_facts", report=lichen["file"][:12])
    labels = Counter(by_name["label"])
    counts = lichen["counts"]
    assert (labels["Indicator"], labels["Fund"], labels["ScoreItem"], labels["Task"], labels["Duty"], labels["Office"],
            labels["Problem"], labels["Measure"]) == (
        len(lichen["indicators"]), len(lichen["funds"]), len(lichen["score_items"]), len(lichen["tasks"]),
        counts["duties"], counts["offices"], counts["problems"], counts["measures"])
    report_id = run(loaded_client, "department_reports", department="荔城")["report_id"][0]
    assert run(loaded_client, "report_facts", report=report_id).equals(by_name)


WATER_SUPPLY, RIVER = "农村饮水安全巩固提升工程", "河道综合整治工程"


@pytest.fixture
def project_client(empty_settings, tmp_path):
    from perfkg.client import Client

    for name, text in PROJECT_DOCUMENTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with Client.open(settings=empty_settings) as client:
        assert [o.status for o in client.ingest([tmp_path])] == ["loaded"] * 2
        yield client


def test_projects_by_name_department_year_and_kind(project_client):
    def projects(**params) -> list[tuple]:
        frame = run(project_client, "projects", **params)
        return list(zip(frame["project"], frame["year"], frame["report_kind"]))

    both = [(RIVER, 2022, "target_declaration"), (WATER_SUPPLY, 2021, "project_form")]
    assert projects() == both
    assert projects(project="饮水") == both[1:]
    assert projects(year=2022) == projects(report_kind="target_declaration") == both[:1]
    assert projects(report_kind="department_report") == []
    # the department responsible for both, or the unit that reported one
    assert projects(department="水利局") == both and projects(department="河道管理所") == both[:1]
    [water] = run(project_client, "projects", project="饮水").to_dict("records")
    assert (water["implementing_unit"], water["budget"], water["expenditure"], water["execution_rate"],
            water["self_score"], water["self_grade"]) == ("某某县农村供水服务中心", 320, 288, 90, 89, "良")
    assert (water["indicators"], water["met"], water["not_met"], water["unknown"]) == (2, 1, 1, 0)
    assert WATER_SUPPLY in water["evidence"] and water["source_file"] == "饮水工程自评表.txt"


def test_indicators_and_funds_by_project_and_report_kind(project_client):
    def names(query, **params) -> list[str]:
        return sorted(run(project_client, query, **params)["indicator"])

    assert names("indicators_below_target", project="饮水") == ["新建集中供水工程"]
    assert names("indicators_below_target", project="河道") == []
    assert names("indicators_below_target", report_kind="project_form") == ["新建集中供水工程"]
    assert names("indicators_below_target", report_kind="target_declaration") == []
    declared = run(project_client, "indicators_by_topic", report_kind="target_declaration")
    assert sorted(declared["indicator"]) == ["整治河道长度", "水质达标率"]
    assert set(declared["status"]) == {"unknown"} and set(declared["project"]) == {RIVER}
    assert names("indicators_by_topic", project="饮水", status="met") == ["受益人口"]
    funds = run(project_client, "funds", project="饮水")
    assert sorted(zip(funds["kind"], funds["source"], funds["amount"])) == sorted(
        (kind, source, amount) for source in ("total", "fiscal_appropriation")
        for kind, amount in (("initial_budget", 300), ("budget", 320), ("expenditure", 288)))
    assert set(funds["project"]) == {WATER_SUPPLY}
    assert len(run(project_client, "funds", report_kind="target_declaration")) == 0


def test_report_kind_parameters_allow_the_kinds_the_ontology_allows():
    kinds = ontology.schema().labels["Report"].properties["kind"].allowed
    declared = [(q.name, p.allowed) for q in catalogue().values() for p in q.parameters if p.name == "report_kind"]
    assert len(declared) >= 4 and all(allowed == kinds for _, allowed in declared)


def test_the_indicators_endpoint_filters_by_project_and_report_kind(project_client, empty_settings):
    import httpx2 as httpx

    from perfkg.api.app import create_app
    from conftest import serving

    with serving(create_app(empty_settings)) as url:
        def items(**params) -> list[tuple]:
            answer = httpx.get(f"{url}/indicators", params=params, timeout=30)
            assert answer.status_code == 200, answer.text
            return sorted((i["name"], i["project"], i["report_kind"]) for i in answer.json()["items"])

        assert items(project="饮水", status="not_met") == [("新建集中供水工程", WATER_SUPPLY, "project_form")]
        assert items(report_kind="target_declaration") == [
            ("整治河道长度", RIVER, "target_declaration"), ("水质达标率", RIVER, "target_declaration")]
        refused = httpx.get(f"{url}/indicators", params={"report_kind": "form"}, timeout=30)
        assert refused.status_code == 422 and "report_kind" in refused.text
