"""Questions routed to named queries (perfkg.ask): the routing of a sample on each
store, with the rows the named query itself gives; refusals with the closest
queries; the command line and GET /ask; and the public benchmark over the five
reports and the shared corpus."""

from __future__ import annotations

import json
import sys

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import CORPUS, EXAMPLES, ROOT
from perfkg.ask import Unroutable, ask, router
from perfkg.cli import app

sys.path.insert(0, str(ROOT / "benchmarks" / "ask"))
import evaluate as benchmark  # noqa: E402

QUESTIONS = ROOT / "benchmarks" / "ask" / "questions.jsonl"

# Questions about the five reports, as people ask them, and what each asks for.
SAMPLE = [
    ("哪些街道的垃圾分类指标没有完成", "indicators_below_target", {"topic": "waste_sorting"}),
    ("海珠区2022年城市更新方面没完成的指标", "indicators_below_target",
     {"topic": "urban_renewal", "year": 2022, "district": "海珠区"}),
    ("荔城有哪些指标低于目标", "indicators_below_target", {"department": "荔城街道"}),
    ("二〇二一年各区未达标指标有多少", "below_target_by_year_and_district", {"year": 2021}),
    ("黄埔区预算执行率排名", "budget_execution", {"district": "黄埔区"}),
    ("比较各部门的疫情防控工作", "compare_departments", {"topic": "epidemic_prevention"}),
    ("荔城街道已完成的指标", "department_indicators", {"department": "荔城街道", "status": "met"}),
    ("文冲街道历年的垃圾分类指标", "department_over_years", {"department": "文冲街道", "topic": "waste_sorting"}),
    ("夏港街道2022年的概况", "department_profile", {"department": "夏港街道", "year": 2022}),
    ("广州市黄埔区人民政府夏港街道办事处发布了哪些报告", "department_reports", {"department": "夏港街道"}),
    ("2021年按支出功能分类的指标分布", "function_coverage", {"year": 2021}),
    ("文冲街道任务涉及资金", "funds", {"department": "文冲街道", "kind": "task_allocation"}),
    ("生活垃圾方面已完成的指标", "indicators_by_topic", {"topic": "waste_sorting", "status": "met"}),
    ("經濟方面的問題和整改措施", "problems_and_measures", {"topic": "economy_business"}),
    ("荔城街道2021年扣分项", "score_deductions", {"department": "荔城街道", "year": 2021}),
    ("文冲街道各项任务的资金", "task_funding", {"department": "文冲街道"}),
    ("2022年各部门报告涉及哪些主题", "topic_coverage", {"year": 2022}),
    ("004_a0655f5b282921e2.txt 抽取了哪些事实", "report_facts", {"report": "004_a0655f5b282921e2.txt"}),
    ("Which indicators on waste sorting were not met?", "indicators_below_target", {"topic": "waste_sorting"}),
    ("where did 夏港街道 lose points", "score_deductions", {"department": "夏港街道"}),
    # A metric by a name a report gives it (辖区内群众满意度), across years or departments.
    ("辖区内群众满意度这几年怎么变化", "metric_over_years", {"metric": "群众满意度"}),
    ("文冲街道的群众满意度", "metric_over_years", {"metric": "群众满意度", "department": "文冲街道"}),
    ("2021年各部门群众满意度对比", "compare_on_metric", {"metric": "群众满意度", "year": 2021}),
    ("满意度类的指标概念", "metrics", {"framework": "satisfaction"}),
]


@pytest.mark.parametrize("question, query, params", SAMPLE, ids=[s[0] for s in SAMPLE])
def test_a_question_is_answered_by_its_named_query_with_the_query_s_own_rows(loaded_client, question, query,
                                                                             params):
    answer = ask(loaded_client, question)
    assert (answer["query"], answer["params"]) == (query, params)
    assert answer["rows"] == loaded_client.run(query, params).records()
    assert answer["cypher"].startswith("//") or "MATCH" in answer["cypher"]
    assert answer["interpretation"].startswith(f"查询 {query}")


def test_the_interpretation_says_how_the_question_was_read(loaded_client):
    answer = ask(loaded_client, "2022年垃圾分类未达标的指标有哪些")
    assert "主题=垃圾分类" in answer["interpretation"] and "年份=2022" in answer["interpretation"]
    assert "状态=未达标" in answer["interpretation"]
    # 去年 is the year before the latest the store holds (the five reports: 2022).
    answer = ask(loaded_client, "去年哪些指标没完成")
    assert answer["params"] == {"year": 2021}
    assert "去年 = 2021" in answer["interpretation"]
    assert {r["year"] for r in answer["rows"]} == {2021}


@pytest.mark.parametrize("question, closest", [
    ("今天天气怎么样", None),
    ("荔城街道", "department_profile"),  # a name alone: which of its queries is not guessed
    ("黄埔区的垃圾分类指标", "indicators_below_target"),  # indicators_by_topic has no district
    ("2021年和2022年未达标的指标", None),  # one year at a time
])
def test_a_question_no_named_query_answers_is_refused_with_the_closest(loaded_client, question, closest):
    with pytest.raises(Unroutable) as refused:
        ask(loaded_client, question)
    answer = refused.value.answer()
    assert answer["query"] is None and answer["rows"] is None
    assert answer["interpretation"].startswith("无法回答")
    if closest:
        assert closest in [s["query"] for s in answer["suggestions"]]


def test_the_command_line_asks(backend, examples):
    runner = CliRunner()
    env = backend.env(examples)
    found = runner.invoke(app, ["ask", "海珠区城市更新没完成的指标", "--format", "json"], env=env)
    assert found.exit_code == 0, found.output
    answer = json.loads(found.stdout)
    assert answer["query"] == "indicators_below_target"
    assert [(r["department"], r["indicator"]) for r in answer["rows"]] == [("南洲街道", "房屋拆卸")]
    same = runner.invoke(app, ["query", "indicators_below_target", "-p", "topic=urban_renewal", "-p",
                               "district=海珠区", "--format", "json"], env=env)
    assert answer["rows"] == json.loads(same.stdout)
    csv = runner.invoke(app, ["ask", "海珠区城市更新没完成的指标", "--format", "csv"], env=env)
    assert csv.stdout.splitlines()[0].startswith("department,district,year,indicator")
    refused = runner.invoke(app, ["ask", "黄埔区的垃圾分类指标"], env=env)
    assert refused.exit_code == 1
    assert "perfkg query indicators_below_target -p topic=waste_sorting -p district=黄埔区" in refused.output


def test_get_ask(loaded_store_path):
    from perfkg.api.app import create_app
    from perfkg.config import Settings

    with TestClient(create_app(Settings(store=str(loaded_store_path)))) as client:
        found = client.get("/ask", params={"q": "2021年荔城街道没完成的指标"})
        assert found.status_code == 200
        body = found.json()
        assert (body["query"], body["params"]) == ("indicators_below_target", {"year": 2021, "department": "荔城街道"})
        named = client.get("/queries/indicators_below_target", params=body["params"]).json()
        assert body["rows"] == named["rows"]
        refused = client.get("/ask", params={"q": "今天天气怎么样"})
        assert refused.status_code == 422
        assert refused.json()["query"] is None and "error" in refused.json()
        assert client.get("/ask").status_code == 422


def test_the_benchmark_asks_every_parameter_of_every_named_query():
    items = benchmark.load(QUESTIONS)
    assert benchmark.coverage(items) == []
    chinese = [i for i in items if not i["question"].isascii() and i.get("query")]
    assert len(chinese) >= 150


@pytest.fixture(scope="module")
def corpus_client(tmp_path_factory):
    """The embedded store of the benchmark: the five reports and the shared corpus."""
    from perfkg.client import Client
    from perfkg.config import Settings

    if not (CORPUS / "docs").is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (set PERFKG_SHARED)")
    client = Client.open(settings=Settings(store=str(tmp_path_factory.mktemp("ask") / "graph.db")), create=True)
    client.ingest([EXAMPLES, CORPUS / "docs"])
    yield client
    client.close()


def test_the_benchmark_routes_at_least_95_percent_exactly(corpus_client):
    result = benchmark.evaluate(corpus_client, benchmark.load(QUESTIONS))
    assert result["exact"] / result["questions"] >= 0.95, result["misses"]
    assert result["same_rows"] >= result["exact"]


def test_names_are_read_in_traditional_characters_and_by_their_short_forms(corpus_client):
    route = router(corpus_client.store).route
    # A traditional department name of the corpus, asked in simplified characters, and the reverse.
    assert route("義務教育營養改善計劃專項資金的指標")[:2] == (
        "indicators_by_topic", {"project": "义务教育营养改善计划专项资金"})
    # A short name two departments share is asked as that part of their names, and said so.
    name, params, interpretation = route("城市管理局没完成的指标")
    assert params == {"department": "城市管理局"} and "2 个部门" in interpretation


def test_a_place_that_names_a_department_too_is_read_as_the_query_takes_it():
    from perfkg.ask import Department, Router, Vocabulary

    # A county's government whose short name is its district's name, as reports of the genre name it.
    vocabulary = Vocabulary(
        departments=(Department("dept-1", "广元市朝天区人民政府", "朝天区", "朝天区", "广元市"),
                     Department("dept-2", "广元市朝天区体育发展中心", "体育发展中心", "朝天区", "广元市")),
        districts=(("朝天区", "广元市"),), projects=(), latest_year=2023)
    route = Router(vocabulary).route
    assert route("朝天区的预算执行率排名")[:2] == ("budget_execution", {"district": "朝天区"})
    assert route("朝天区的概况")[:2] == ("department_profile", {"department": "广元市朝天区人民政府"})
    assert route("广元市朝天区体育发展中心的扣分")[:2] == ("score_deductions", {"department": "体育发展中心"})


def test_english_words_are_read_whole(loaded_client):
    # "met" is a status; inside "metrics" it is not one.
    assert ask(loaded_client, "metrics of 夏港街道")["params"] == {"department": "夏港街道"}
    assert ask(loaded_client, "met indicators of 夏港街道")["params"] == {"department": "夏港街道", "status": "met"}


def test_a_metric_is_read_where_the_question_asks_about_it_and_its_words_elsewhere_as_before():
    from perfkg.ask import Department, Router, Vocabulary

    # Metrics named as reports name indicators: by their topic's words, and two of one name.
    vocabulary = Vocabulary(
        departments=(Department("dept-1", "广州市黄埔区人民政府文冲街道办事处", "文冲街道", "黄埔区", "广州市"),),
        districts=(("黄埔区", "广州市"),), projects=(), latest_year=2022,
        metrics=(("metric-a", "垃圾分类收运率", ("生活垃圾分类收运率", "垃圾分类收运率")),
                 ("metric-b", "垃圾分类", ("垃圾分类",)),
                 ("metric-c", "学生满意度", ("学生满意度",)), ("metric-d", "学生满意度", ("在校学生满意度",))))
    route = Router(vocabulary).route
    assert route("生活垃圾分类收运率这几年怎么变化")[:2] == ("metric_over_years", {"metric": "垃圾分类收运率"})
    assert route("各街道的垃圾分类收运率比较")[:2] == ("compare_on_metric", {"metric": "垃圾分类收运率"})
    assert route("文冲街道的垃圾分类收运率")[:2] == (
        "metric_over_years", {"metric": "垃圾分类收运率", "department": "文冲街道"})
    # A metric's name that is a topic's label stays the topic; one that leads to no query of metrics
    # is read as its words.
    assert route("垃圾分类指标没完成")[:2] == ("indicators_below_target", {"topic": "waste_sorting"})
    assert route("垃圾分类收运率没完成")[:2] == ("indicators_below_target", {"topic": "waste_sorting"})
    # Two metrics of one name are asked by their ids.
    assert route("在校学生满意度历年情况")[:2] == ("metric_over_years", {"metric": "metric-d"})
