"""Every named query on each store over the five example reports, with expected
rows derived from the gold annotations."""

import pytest

from perfkg.cypher import ParameterError, catalogue, parse
from conftest import gold


def run(client, name, **params):
    return client.query(name, **params)


def test_the_catalogue():
    queries = catalogue()
    assert set(queries) >= {
        "indicators_below_target", "indicators_by_topic", "topic_coverage", "department_profile", "budget_execution",
        "task_funding", "score_deductions", "compare_departments", "problems_and_measures", "department_over_years",
    }
    for query in queries.values():
        assert query.summary and query.examples, query.name
        assert query.examples[0].startswith(f"perfkg query {query.name}")


def test_parameters_are_validated():
    query = catalogue()["indicators_below_target"]
    with pytest.raises(ParameterError, match="unknown parameter"):
        query.bind({"colour": "red"})
    with pytest.raises(ParameterError, match="must be integer"):
        query.bind({"year": "last year"})
    with pytest.raises(ParameterError, match="unknown topic"):
        query.bind({"topic": "no such topic"})
    with pytest.raises(ParameterError, match="must be one of"):
        catalogue()["indicators_by_topic"].bind({"status": "maybe"})
    with pytest.raises(ParameterError, match="required"):
        catalogue()["department_profile"].bind({})
    assert query.bind({"year": "2021"})["year"] == 2021


def test_a_topic_by_any_of_its_names_includes_narrower_topics():
    query = catalogue()["indicators_below_target"]
    for name in ("waste_sorting", "垃圾分类", "生活垃圾", "Waste sorting"):
        assert query.bind({"topic": name})["topics"] == ["waste_sorting"]
    broad = query.bind({"topic": "城市管理"})["topics"]
    assert broad[0] == "urban_management" and {"waste_sorting", "illegal_construction"} <= set(broad)


def test_a_malformed_header_is_refused():
    with pytest.raises(ValueError, match="@name"):
        parse("// @summary no name\nRETURN 1")
    with pytest.raises(ValueError, match="cannot read @param"):
        parse("// @name x\n// @summary s\n// @param year: date = null — a bad type\nRETURN 1")


def test_indented_lines_continue_a_tag_and_other_comments_belong_to_the_query():
    query = parse("// @name x\n// @summary s\n// @description first line\n//   and the second\n"
                  "// why the query starts where it does\nMATCH (n) RETURN n")
    assert query.description == "first line and the second"
    assert query.cypher == "// why the query starts where it does\nMATCH (n) RETURN n"


# projects: the example reports evaluate none (tests/test_query_parameters.py runs it on project forms)
# A metric of 荔城街道 (拆除违法建设) by the name 南洲街道's report gives it.
REQUIRED = {"metric": "清拆违法建设"}


@pytest.mark.parametrize("name", sorted(set(catalogue()) - {"projects"}))
def test_every_query_runs_and_carries_evidence(loaded_client, name):
    query = catalogue()[name]
    params = {p.name: REQUIRED.get(p.name, "荔城") for p in query.parameters if p.required}
    frame = run(loaded_client, name, **params)
    assert len(frame) > 0, name
    assert "source_file" in frame.columns and "evidence" in frame.columns, name


@pytest.mark.parametrize("name", sorted(set(catalogue()) - {"projects"}))
def test_a_query_cut_at_a_row_limit_gives_the_first_rows_of_its_whole_answer(loaded_client, name):
    params = {p.name: REQUIRED.get(p.name, "荔城") for p in catalogue()[name].parameters if p.required}
    whole = loaded_client.run(name, params)
    assert not whole.truncated and len(whole.rows) > 0
    cut = loaded_client.run(name, params, row_limit=2)
    assert cut.rows == whole.rows[:2] and cut.truncated == (len(whole.rows) > 2)
    assert not loaded_client.run(name, params, row_limit=len(whole.rows)).truncated


@pytest.mark.parametrize("params", [{}, {"district": "区"}, {"topic": "social_stability_grid"},
                                    {"topic": "social_stability_grid", "district": "增城"}, {"department": "街道"}])
def test_pages_of_the_flagship_are_its_whole_answer_in_order(loaded_client, params):
    # The query sorts and cuts its rows to the page's end before it looks up their topics,
    # tasks and projects: pages of one row, one after another, must still give the whole answer.
    whole = loaded_client.run("indicators_below_target", params).rows
    assert whole and (params or len(whole) > 3)
    pages = [loaded_client.run("indicators_below_target", params, row_limit=1, offset=offset)
             for offset in range(len(whole))]
    assert [page.rows[0] for page in pages] == whole
    assert [page.truncated for page in pages] == [True] * (len(whole) - 1) + [False]


def test_indicators_below_target(loaded_client):
    expected = {i["name"] for i in gold("004")["indicators"] if i["status"] == "not_met"}
    frame = run(loaded_client, "indicators_below_target", department="荔城", year=2021)
    assert set(frame["indicator"]) == expected
    assert set(frame["department"]) == {"荔城街道"} and set(frame["district"]) == {"增城区"}
    assert all(frame["evidence"]) and set(frame["source_file"]) == {gold("004")["file"]}
    everything = run(loaded_client, "indicators_below_target")
    all_gold = sum(i["status"] == "not_met" for r in ("000", "001", "002", "003", "004") for i in gold(r)["indicators"])
    assert len(everything) == all_gold
    assert set(run(loaded_client, "indicators_below_target", district="增城")["indicator"]) == expected
    assert len(run(loaded_client, "indicators_below_target", year=2022)) == 1  # 南洲's 房屋拆卸, 75%
    assert "在册涉毒管控人员帮教服务覆盖率" in set(
        run(loaded_client, "indicators_below_target", topic="social_stability_grid")["indicator"])
    assert "开展社区活动次数" in set(run(loaded_client, "indicators_below_target", topic="社区活动")["indicator"])


def test_indicators_by_topic(loaded_client):
    frame = run(loaded_client, "indicators_by_topic", topic="垃圾分类")
    assert {"生活垃圾总体减量", "垃圾专车专运完成率"} <= set(frame["indicator"])
    assert all("waste_sorting" in topics for topics in frame["topics"])
    met = run(loaded_client, "indicators_by_topic", topic="垃圾分类", status="met")
    assert set(met["status"]) == {"met"}


def test_topic_coverage(loaded_client):
    frame = run(loaded_client, "topic_coverage", year=2022)
    assert set(frame["year"]) == {2022}
    xiagang = frame[(frame["department"] == "夏港街道") & (frame["topic"] == "waste_sorting")].iloc[0]
    assert xiagang["indicators"] >= 1 and xiagang["tasks"] >= 1


def test_department_profile(loaded_client):
    expected = gold("000")
    frame = run(loaded_client, "department_profile", department="夏港", year=2022)
    parts = frame.groupby("part").size().to_dict()
    assert parts["duty"] == expected["counts"]["duties"]
    assert parts["problem"] == expected["counts"]["problems"] and parts["measure"] == expected["counts"]["measures"]
    assert parts["fund"] == len(expected["funds"]) and parts["task"] == len(expected["tasks"])
    values = frame.set_index("part")["value"]
    assert values["execution_rate"] == expected["execution_rate"] and values["self_score"] == expected["self_score"]
    assert list(frame["part"]).index("duty") < list(frame["part"]).index("problem")  # reading order


def test_budget_execution(loaded_client):
    frame = run(loaded_client, "budget_execution")
    rates = {r: gold(r)["execution_rate"] for r in ("000", "001", "002", "003", "004")}
    assert list(frame["execution_rate"]) == sorted(rates.values(), reverse=True)
    assert list(frame["rank"]) == [1, 2, 3, 4, 5]
    south = frame[frame["department"] == "南洲街道"].iloc[0]
    assert (south["budget"], south["expenditure"]) == (19910.75, 19738.24)  # not 疫情防控项目's own 1802.25


def test_task_funding(loaded_client):
    frame = run(loaded_client, "task_funding", department="文冲")
    allocations = [f["amount"] for f in gold("002")["funds"] if f["kind"] == "task_allocation"]
    assert len(frame) == 15 and frame["allocated"].sum() == pytest.approx(sum(allocations))
    assert list(frame["allocated"]) == sorted(frame["allocated"], reverse=True)
    top = frame.iloc[0]
    assert (top["task"], top["allocated"]) == ("加强生态建设创建文明城市", 908.99)
    assert top["indicators"] == top["met"] + top["not_met"] + top["unknown"]


def test_score_deductions(loaded_client):
    frame = run(loaded_client, "score_deductions", department="夏港")
    expected = [s for s in gold("000")["score_items"] if s["score"] < s["max_score"]]
    assert len(frame) == len(expected)
    assert frame["lost"].sum() == pytest.approx(100 - gold("000")["self_score"])
    assert frame.iloc[0]["item"] == "资产配置合规性" and frame.iloc[0]["section"] == "资产管理"


def test_compare_departments(loaded_client):
    frame = run(loaded_client, "compare_departments", topic="疫情防控")
    assert len(frame) == 5  # every department, those with nothing on the topic too
    assert (frame["indicators"] == frame["met"] + frame["not_met"] + frame["unknown"]).all()
    assert frame.iloc[0]["department"] == "文冲街道"


def test_problems_and_measures(loaded_client):
    frame = run(loaded_client, "problems_and_measures", department="夏港")
    assert len(frame) == gold("000")["counts"]["problems"]
    assert any(len(measures) for measures in frame["measures"])


def test_department_over_years(tmp_path, empty_settings):
    from perfkg.ingest.runner import ingest
    from perfkg.client import Client
    from conftest import report_path

    text = report_path("004").read_text(encoding="utf-8")
    (tmp_path / "2021.txt").write_text(text, encoding="utf-8")
    later = text.replace("2021 年", "2022 年").replace("实际完成 170 次", "实际完成 230 次")
    (tmp_path / "2022.txt").write_text(later, encoding="utf-8")
    with Client.open(settings=empty_settings) as client:
        ingest(client.store, [tmp_path / "2021.txt", tmp_path / "2022.txt"])
        frame = client.query("department_over_years", department="荔城街道")
        activity = frame[frame["indicator"] == "开展社区活动次数"]
        assert list(activity["year"]) == [2021, 2022]
        assert list(activity["status"]) == ["not_met", "met"]
