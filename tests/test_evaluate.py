"""The scorer every accuracy claim rests on (ingest/evaluate.py), on
hand-made pairs of gold and extraction whose figures are worked out by hand
here: matching, precision / recall / F1, status, target and actual agreement,
not_met recall, facts, the breakdowns by kind and layout, and the report."""

import json

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from perfkg.cli import app
from perfkg.ingest.evaluate import (
    assemble, compare, describe, document_table, evidence_similarity, kinds_of, layouts_of, match_indicators,
    name_similarity, norm_text, render, same_value, summarise, targets,
)


def indicator(name, target, actual, status, evidence, topics=()):
    return {"name": name, "target": target, "actual": actual, "status": status, "evidence": evidence,
            "topics": list(topics)}


def graph(indicators=(), *, report=None, funds=(), tasks=(), score_items=(), counts=None):
    """What read_back() gives for one report."""
    return {"report": report or {}, "indicators": list(indicators), "funds": list(funds), "tasks": list(tasks),
            "score_items": list(score_items), "counts": counts or {}}


SERVICE = indicator("服务企业数", "203家", "212家", "met", "服务企业数年度指标值为 203 家，实际完成 212 家")
ACTIVITY = indicator("开展社区活动次数", "220次", "170次", "not_met", "开展社区活动次数年度指标值为 220 次，实际完成 170 次")
SATISFACTION = indicator("群众满意度", "≥90%", "88%", "not_met", "群众满意度目标值为≥90%，实际完成88%")
PARKS = indicator("新建公园", "5个", "6个", "met", "新建公园预期目标为5个，实际完成6个")
INSPECTIONS = indicator("检查企业", None, "5042家", "met", "检查企业 5042 家，完成率 131%")
MEMBERS = indicator("发展团员", None, "2名", "met", "发展团员 2 名，100%完成了团区委的要求")


def four_gold_three_found_two_spurious():
    """Gold: four indicators, two of them not met. Extracted: three of them
    (one with the wrong status) and two the gold does not have."""
    gold = {"file": "a.txt", "indicators": [SERVICE, ACTIVITY, SATISFACTION, PARKS]}
    ours = [SERVICE, {**ACTIVITY, "status": "met"}, SATISFACTION, INSPECTIONS, MEMBERS]
    return gold, graph(ours)


# -- indicators ----------------------------------------------------------------


def test_precision_recall_f1_and_status_on_a_known_pair():
    gold, extracted = four_gold_three_found_two_spurious()
    entry = compare(gold, extracted)
    counts = entry["indicators"]
    assert (counts["gold"], counts["extracted"], counts["matched"]) == (4, 5, 3)
    assert (counts["status_correct"], counts["not_met_gold"], counts["not_met_found"]) == (2, 2, 1)
    figures = summarise([entry])["indicators"]
    assert figures["precision"] == 0.6  # 3 of the 5 extracted
    assert figures["recall"] == 0.75  # 3 of the 4 in the gold
    assert figures["f1"] == 0.6667  # 2 × 0.6 × 0.75 / 1.35
    assert figures["status_accuracy"] == 0.6667  # 2 of the 3 matched
    assert figures["not_met_recall"] == 0.5  # 群众满意度 found, 开展社区活动次数 called met
    assert (figures["target_accuracy"], figures["actual_accuracy"]) == (1.0, 1.0)


def test_a_line_per_missed_spurious_or_wrong_indicator():
    gold, extracted = four_gold_three_found_two_spurious()
    problems = [(p["kind"], p["text"].split(":")[0]) for p in compare(gold, extracted)["problems"]]
    assert problems == [("missed", "新建公园"), ("spurious", "检查企业"), ("spurious", "发展团员"),
                        ("wrong", "开展社区活动次数")]
    wrong = next(p["text"] for p in compare(gold, extracted)["problems"] if p["kind"] == "wrong")
    assert wrong == "开展社区活动次数: status gold not_met, extracted met"


def test_a_wrong_indicator_names_each_value_that_differs_on_one_line():
    gold = {"file": "a.txt", "indicators": [ACTIVITY]}
    entry = compare(gold, graph([{**ACTIVITY, "target": "22次", "actual": None, "status": "unknown"}]))
    assert entry["problems"] == [{"kind": "wrong", "text": "开展社区活动次数: status gold not_met, extracted unknown; "
                                                           "target gold '220次', extracted '22次'; "
                                                           "actual gold '170次', extracted None"}]
    assert (entry["indicators"]["target_correct"], entry["indicators"]["actual_correct"]) == (0, 0)


def test_targets_and_actuals_agree_as_written_or_by_their_numbers():
    assert same_value("≥95%", "≥ 95 ％")  # the same once spaces and full-width forms go
    assert same_value("1起", "发生1起")  # one contains the other
    assert same_value("13,058.25万元", "13058.25 万元")
    assert same_value("3次共319人参与", "319人，3次")  # the same numbers in another order
    assert same_value("共1,234人", "1234人次")  # the same number, one with a thousands separator
    assert same_value(None, None)
    assert same_value("清零", "清零")
    assert not same_value("220次", "22次")
    assert not same_value("5个", None) and not same_value(None, "5个")
    assert not same_value("优", "良")
    assert not same_value("良", "良好的")  # one character inside another is not agreement
    assert same_value("完成", "已完成")  # two are


def test_topics_are_compared_as_sets_of_slugs():
    gold = {"file": "a.txt", "indicators": [{**SERVICE, "topics": ["economy_business", "government_services"]}]}
    ours = [{**SERVICE, "topics": ["economy_business", "employment_labor", "statistics"]}]
    entry = compare(gold, graph(ours))
    assert (entry["indicators"]["topics_gold"], entry["indicators"]["topics_extracted"],
            entry["indicators"]["topics_matched"]) == (2, 3, 1)
    assert entry["problems"] == [{"kind": "topics", "text": "服务企业数: gold economy_business, government_services; "
                                                            "extracted economy_business, employment_labor, statistics"}]
    figures = summarise([entry])["indicators"]
    assert (figures["topic_precision"], figures["topic_recall"]) == (0.3333, 0.5)


# -- matching ------------------------------------------------------------------


def test_names_are_close_by_containment_or_shared_bigrams():
    assert name_similarity("服务企业数", "服务企业数") == 1.0
    assert name_similarity("社区活动", "开展社区活动次数") == 0.8  # 0.6 + 0.4 × 4/8
    assert name_similarity("企业服务数", "服务企业数") == 0.5  # bigrams 企业 and 服务 of four each
    assert name_similarity("优", "良") == 0.0
    assert name_similarity(None, "服务企业数") == 0.0


def test_evidence_is_the_same_passage_when_one_holds_the_other():
    row = "产出指标\t数量指标\t居民健康档案\t38508人\t37442人"
    assert evidence_similarity("居民健康档案 38508人 37442人", row) == 1.0
    assert evidence_similarity("居民健康档案建档", "健康档案管理") == pytest.approx(4 / 6)  # 健康档案, of the shorter
    assert evidence_similarity("", row) == 0.0
    assert norm_text("<p>≥ 95 ％</p>") == "≥95%"


def test_a_passage_pins_down_its_only_indicator_whatever_it_is_called():
    row = "产出指标\t数量指标\t居民健康档案\t38508人\t37442人"
    gold = [indicator("居民健康档案", "38508人", "37442人", "not_met", row)]
    assert match_indicators(gold, [indicator("指标1", "38508人", "37442人", "not_met", row)]) == [(0, 0)]


def test_a_passage_of_several_indicators_needs_their_names():
    passage = "出租屋建档率、出租屋登记率年度指标值为 100%，实际完成 100%"
    gold = [indicator("出租屋建档率", "100%", "100%", "met", passage),
            indicator("出租屋登记率", "100%", "100%", "met", passage)]
    ours = [indicator("出租屋登记率", "100%", "100%", "met", passage),
            indicator("出租屋建档率", "100%", "100%", "met", passage),
            indicator("年度指标", "100%", "100%", "met", passage)]
    assert match_indicators(gold, ours) == [(0, 1), (1, 0)]


def test_close_names_match_whatever_the_evidence_and_each_indicator_matches_once():
    gold = [SERVICE]
    elsewhere = indicator("服务企业数", "203家", "212家", "met", "全年服务企业 212 家")
    assert match_indicators(gold, [elsewhere]) == [(0, 0)]
    assert match_indicators(gold, [SERVICE, elsewhere]) == [(0, 0)]  # the better pair; the other is spurious
    assert match_indicators(gold, [indicator("新增企业", None, "5家", "unknown", "新增企业 5 家")]) == []


# -- facts -----------------------------------------------------------------------


def test_facts_each_right_or_wrong_against_the_gold():
    gold = {
        "file": "a.txt", "indicators": [],
        "department": {"name": "荔城街道办事处", "short_name": "荔城街道", "district": "增城区", "city": "广州市"},
        "year": 2021, "execution_rate": 90.8, "self_score": 88.51,
        "funds": [{"kind": "budget", "source": "total", "amount": 100.0},
                  {"kind": "expenditure", "source": "total", "amount": 90.0},
                  {"kind": "task_allocation", "source": "total", "amount": 5.0, "task": "开展活动"}],
        "tasks": ["优化营商环境", "提升城市管理水平"],
        "score_items": [{"name": "预算执行率", "max_score": 20, "score": 19.57}],
        "counts": {"duties": 11, "offices": 9},
    }
    extracted = graph(
        report={"name": "荔城街道办事处", "short_name": "荔城街道", "district": "增城区", "city": None,
                "year": 2021, "execution_rate": 90.804, "self_score": 88.52},
        funds=[{"kind": "budget", "source": "total", "amount": 100.005, "task": None},
               {"kind": "expenditure", "source": "total", "amount": 90.02, "task": None},
               {"kind": "task_allocation", "source": "total", "amount": 5.0, "task": "开展活动"},
               {"kind": "carryover", "source": "total", "amount": 3.0, "task": None}],
        tasks=["优化营商环境", "其他工作"],
        score_items=[{"name": "预算执行率", "max_score": 20, "score": 19.57}],
        counts={"duties": 11, "offices": 8},
    )
    entry = compare(gold, extracted)
    assert entry["facts"] == {
        "department": {"correct": 3, "total": 4},  # the city is missing
        "year": {"correct": 1, "total": 1},
        "execution_rate": {"correct": 1, "total": 1},  # 90.804 is 90.8 to 0.005
        "self_score": {"correct": 0, "total": 1},  # 88.52 is not 88.51
        "funds": {"correct": 2, "total": 5},  # 90.02 is not 90.0 to 0.01: missed, and extra; the carryover extra
        "tasks": {"correct": 1, "total": 3},  # one found, one missed, one extra
        "score_items": {"correct": 1, "total": 1},
        "counts": {"correct": 1, "total": 2},
    }
    assert [p["text"] for p in entry["problems"]] == [
        "department city: gold '广州市', extracted None",
        "self_score: gold 88.51, extracted 88.52",
        "missed fund expenditure/total 90.0",
        "extra fund expenditure/total 90.02",
        "extra fund carryover/total 3.0",
        "missed task 提升城市管理水平",
        "extra task 其他工作",
        "count of offices: gold 9, extracted 8",
    ]
    assert summarise([entry])["facts"]["accuracy"] == round(10 / 18, 4)


def test_tasks_are_only_facts_where_the_gold_annotated_them():
    extracted = graph(tasks=["优化营商环境"])
    assert "tasks" not in compare({"file": "a.txt", "indicators": []}, extracted)["facts"]
    assert compare({"file": "a.txt", "indicators": [], "tasks": []}, extracted)["facts"]["tasks"] == {
        "correct": 0, "total": 1}


def test_a_fund_of_a_task_needs_that_task():
    fund = {"kind": "task_allocation", "source": "total", "amount": 5.0, "task": "社区活动"}
    gold = {"file": "a.txt", "indicators": [], "funds": [fund]}
    unattached = compare(gold, graph(funds=[{**fund, "task": None}]))
    assert unattached["facts"]["funds"] == {"correct": 0, "total": 2}
    attached = compare(gold, graph(funds=[{**fund, "task": "开展社区活动"}]))  # 0.6 + 0.4 × 4/6 ≥ 0.8
    assert attached["facts"]["funds"] == {"correct": 1, "total": 1}


def test_a_document_not_read_counts_all_its_gold_as_missed():
    from perfkg.ingest.evaluate import _failed

    gold = {"file": "a.txt", "indicators": [SERVICE], "year": 2021, "tasks": [], "counts": {"duties": 3}}
    entry = _failed(gold, "cannot read: No such file or directory")
    assert entry["problems"][0] == {"kind": "not read", "text": "cannot read: No such file or directory"}
    assert entry["indicators"]["gold"] == 1 and entry["indicators"]["matched"] == 0
    assert entry["facts"]["year"] == {"correct": 0, "total": 1}
    assert entry["problems"][-1]["text"] == "count of duties: gold 3, extracted None"


# -- adding up -------------------------------------------------------------------


def test_figures_with_nothing_to_measure_are_none_and_nothing_found_is_zero():
    nothing = compare({"file": "a.txt", "indicators": []}, graph())
    figures = summarise([nothing])["indicators"]
    assert (figures["precision"], figures["recall"], figures["f1"], figures["status_accuracy"]) == (None,) * 4
    missed_all = compare({"file": "b.txt", "indicators": [SERVICE]}, graph())
    figures = summarise([missed_all])["indicators"]
    assert (figures["precision"], figures["recall"], figures["f1"]) == (None, 0.0, 0.0)
    both = summarise([nothing, missed_all])
    assert both["documents"] == 2 and both["indicators"]["gold"] == 1


def test_each_target_of_issue_12_is_met_at_its_value_and_not_below():
    def summary(f1, department_correct):
        return {"indicators": {"f1": f1, "status_accuracy": None, "not_met_recall": 0.9,
                               "status_correct": 0, "matched": 0, "not_met_found": 9, "not_met_gold": 10},
                "facts": {"by_kind": {"department": {"correct": department_correct, "total": 10,
                                                     "accuracy": department_correct / 10}}}}

    found = {t["name"]: t for t in targets(summary(0.9, 9))}
    assert list(found) == ["indicator F1", "status accuracy on matched", "not_met recall", "department", "year",
                           "execution rate", "self score"]
    assert (found["indicator F1"]["met"], found["indicator F1"]["target"], found["indicator F1"]["count"]) == (
        True, 0.90, None)
    assert found["status accuracy on matched"]["met"] is None  # nothing matched: no figure
    assert (found["not_met recall"]["met"], found["not_met recall"]["count"]) == (True, (9, 10))
    assert (found["department"]["met"], found["department"]["count"]) == (True, (9, 10))
    assert found["year"]["value"] is None and found["year"]["count"] is None
    below = {t["name"]: t for t in targets(summary(0.8999, 8))}
    assert below["indicator F1"]["met"] is False and below["department"]["met"] is False


# -- kinds and layouts -----------------------------------------------------------------


@pytest.mark.parametrize("written, kinds", [
    ("项目表 (inside 部门决算)", ["项目表"]),
    ("项目报告 + 项目表", ["项目报告", "项目表"]),
    ("整体 (基础数据表 + 评分表)", ["整体"]),
    ("项目报告 + section scores", ["项目报告"]),
    ("绩效目标申报表 (targets only)", ["目标表"]),
    ("工作推进会讲话 (adjacent genre, not a self-evaluation)", ["邻近"]),
    ("项目支出绩效自评表", ["项目表"]),
    ("部门整体支出绩效自评报告", ["整体"]),
    (None, ["整体"]),
    ("项目表+项目报告", ["项目表", "项目报告"]),  # in the order written
    ("项目报告 (附项目表)", ["项目报告"]),  # what brackets say is not a kind of its own
    ("（其他）", ["（其他）"]),
    ("决算报告", ["决算报告"]),  # a kind the genre list does not know stays as written
])
def test_kinds_as_the_genre_names_them(written, kinds):
    assert kinds_of(written) == kinds


def test_layouts_as_notes_writes_them_or_as_a_list():
    assert layouts_of("SD+WR") == ["SD", "WR"]
    assert layouts_of(["NA", "PC"]) == ["NA", "PC"]
    assert layouts_of(None) == layouts_of("") == ["unstated"]


NOTES = """# Notes

Some words.

| code | meaning |
|---|---|
| PC | pipe-cell |

| id | source URL | kind | layout | #ind |
|---|---|---|---|---|
| a | https://example.org/a | 项目报告 + 项目表 | NA+WR | 3 |
| b | (none) | 整体 | PR | 1 |

Totals follow.
"""


def test_the_notes_table_beside_the_gold_says_kind_and_layout_unless_the_gold_does(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "NOTES.md").write_text(NOTES, encoding="utf-8")
    table = document_table(tmp_path / "gold")
    assert set(table) == {"a", "b"} and table["a"]["layout"] == "NA+WR"
    assert describe({"file": "a.txt"}, "a", table) == (["项目报告", "项目表"], ["NA", "WR"])
    own = {"file": "b.txt", "doc_kind": "项目支出绩效自评表", "layout": "NT"}
    assert describe(own, "b", table) == (["项目表"], ["NT"])
    assert describe({"file": "c.txt"}, "c", table) == (["整体"], ["unstated"])
    assert describe({"file": "a.txt"}, "gold-of-a", table) == (["项目报告", "项目表"], ["NA", "WR"])  # by its report
    assert describe({"file": "zzz.txt"}, "b", table) == (["整体"], ["PR"])  # by the gold file's own name
    assert document_table(tmp_path / "elsewhere" / "gold") == {}
    assert table["b"] == {"id": "b", "source URL": "(none)", "kind": "整体", "layout": "PR", "#ind": "1"}


@pytest.mark.parametrize("text, rows", [
    ("| id | kind |\n|:--|--:|\n| a | 整体 |\n", {"a": {"id": "a", "kind": "整体"}}),  # a table on the first line
    ("| id | layout |\n|---|---|\n| a | MD |\n", {"a": {"id": "a", "layout": "MD"}}),
    ("| code | kind |\n|---|---|\n| x | y |\n\n| id | kind |\n|---|---|\n| a | 整体 |\n| b | 项目表 | extra |\n",
     {"a": {"id": "a", "kind": "整体"}}),  # the table without ids skipped, a row of another width too
    ("| id | source |\n|---|---|\n| a | x |\n", {}),  # neither kind nor layout
])
def test_the_first_table_with_ids_and_kinds_or_layouts(tmp_path, text, rows):
    (tmp_path / "NOTES.md").write_text(text, encoding="utf-8")
    assert document_table(tmp_path) == rows


# -- the whole run, from folders ---------------------------------------------------------

REPORT_A = "服务企业数年度指标值为 203 家，实际完成 212 家。外出招商活动次数目标值为4次，实际值为3次。\n"
REPORT_B = "群众满意度目标值为≥90%，实际完成88%。\n\n检查企业 5042 家，完成率 131%。\n"


@pytest.fixture(scope="module")
def folder_result(tmp_path_factory):
    """A gold folder of three documents, a NOTES.md above it, their reports
    elsewhere (and one not there), evaluated through the store."""
    from perfkg.ingest.evaluate import evaluate_folder

    root = tmp_path_factory.mktemp("evalfolder")
    gold_dir, docs = root / "gold", root / "docs"
    gold_dir.mkdir()
    docs.mkdir()
    (root / "NOTES.md").write_text(NOTES, encoding="utf-8")
    (docs / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (docs / "b.txt").write_text(REPORT_B, encoding="utf-8")
    golds = {
        "a": {"file": "a.txt", "indicators": [
            SERVICE, indicator("外出招商活动次数", "4次", "3次", "not_met", "外出招商活动次数目标值为4次，实际值为3次"),
            indicator("开展培训", "10次", "12次", "met", "开展培训年度指标值为 10 次，实际完成 12 次")]},
        "b": {"file": "b.txt", "doc_kind": "项目支出绩效自评表", "layout": "NT",
              "indicators": [{**SATISFACTION, "status": "met"}]},
        "c": {"file": "c.txt", "indicators": [PARKS]},
    }
    for stem, gold in golds.items():
        (gold_dir / f"{stem}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return evaluate_folder(gold_dir, docs)


def test_a_folder_is_measured_overall_by_kind_by_layout_and_by_document(folder_result):
    overall = folder_result["overall"]["indicators"]
    # a: 2 of 3 found; b: 群众满意度 found with the status the gold disputes, 检查企业 spurious; c: not there
    assert (overall["gold"], overall["extracted"], overall["matched"], overall["status_correct"]) == (5, 4, 3, 2)
    assert overall["f1"] == round(2 * 3 / 9, 4)
    by_kind = folder_result["by_kind"]
    assert list(by_kind) == ["项目表", "整体", "项目报告"]  # most documents first
    assert (by_kind["项目表"]["documents"], by_kind["项目表"]["indicators"]["gold"]) == (2, 4)  # a and b
    assert (by_kind["整体"]["documents"], by_kind["整体"]["indicators"]["gold"]) == (1, 1)  # c
    assert (by_kind["项目报告"]["documents"], by_kind["项目报告"]["indicators"]["matched"]) == (1, 2)  # a
    by_layout = folder_result["by_layout"]
    assert {code: s["documents"] for code, s in by_layout.items()} == {"NA": 1, "NT": 1, "WR": 1, "unstated": 1}
    assert by_layout["NT"]["indicators"]["extracted"] == 2
    c = folder_result["reports"][2]
    assert c["problems"][0] == {"kind": "not read", "text": "cannot read: No such file or directory"}


def test_the_report_fits_80_columns_and_has_a_line_per_difference(folder_result):
    lines = render(folder_result)
    assert max(cell_len(line) for line in lines) <= 80
    for name in ("indicator F1", "status accuracy on matched", "not_met recall", "department", "year",
                 "execution rate", "self score"):
        assert sum(line.startswith(name + " ") for line in lines) == 1, name
    assert "indicator F1                         0.667                 0.90  below" in lines
    assert "status accuracy on matched           0.667       2/3       0.95  below" in lines
    assert "  missed    开展培训: target '10次', actual '12次', met" in lines
    assert "  wrong     群众满意度: status gold met, extracted not_met" in lines
    assert "  spurious  检查企业: target None, actual '5042家', met" in lines
    assert "b.txt [项目表; NT]" in lines
    assert lines[lines.index("by layout docs  gold found match     P     R    F1  status not_met facts") + 1] == \
        "NA           1     3     2     2 1.000 0.667 0.800     2/2     1/1 1.000"


def test_long_lines_wrap_at_a_space_and_chinese_anywhere():
    entry = compare({"file": "a.txt", "indicators": [indicator("长" * 60, "1次", "1次", "met", "甲")]}, graph())
    entry["kinds"], entry["layouts"] = ["整体"], ["unstated"]
    lines = render(assemble([entry], "gold", "reports"))
    assert "status accuracy on matched               —       0/0       0.95  n/a" in lines
    start = lines.index("a.txt [整体; unstated]")
    assert lines[start + 1 : start + 4] == ["  missed    " + "长" * 34, " " * 12 + "长" * 26 + ": target '1次',",
                                            " " * 12 + "actual '1次', met"]


def test_the_cli_prints_the_report_or_json(tmp_path):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (gold_dir / "a.json").write_text(json.dumps({"file": "a.txt", "indicators": [SERVICE]}), encoding="utf-8")
    printed = CliRunner().invoke(app, ["eval", "--gold", str(gold_dir)])  # the reports found in ../docs
    assert printed.exit_code == 0, printed.output
    assert "indicators: 1 in the gold, 2 extracted, 1 matched" in printed.output.splitlines()
    as_json = CliRunner().invoke(app, ["eval", "--gold", str(gold_dir), "--json"])
    body = json.loads(as_json.output)
    assert body["overall"]["indicators"]["matched"] == 1 and body["by_layout"]["unstated"]["documents"] == 1
    assert [p["kind"] for p in body["reports"][0]["problems"] if p["kind"] != "topics"] == ["spurious"]
    missing = CliRunner().invoke(app, ["eval", "--gold", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "is not a folder" in " ".join(missing.output.split())  # rich wraps


def test_the_whole_report_as_it_prints():
    gold, extracted = four_gold_three_found_two_spurious()
    a = compare(gold, extracted)
    a["kinds"], a["layouts"] = ["项目表"], ["PR"]
    b = compare({"file": "b.txt", "department": {"short_name": "荔城街道"}, "year": 2021, "execution_rate": 90.8,
                 "indicators": [PARKS]},
                graph([PARKS], report={"short_name": "荔城街道", "year": 2022, "execution_rate": 90.8}))
    b["kinds"], b["layouts"] = ["整体", "项目报告"], ["NA", "WR"]
    assert "\n".join(render(assemble([a, b], "gold", "docs"))) == """\
perfkg eval: 2 documents
  gold     gold
  reports  docs

target                               value     count   at least
indicator F1                         0.727                 0.90  below
status accuracy on matched           0.750       3/4       0.95  below
not_met recall                       0.500       1/2       0.90  below
department                           1.000       1/1       0.90  met
year                                 0.500       1/2       0.90  below
execution rate                       1.000       2/2       0.90  met
self score                           1.000       2/2       0.90  met

indicators: 5 in the gold, 6 extracted, 4 matched
  precision 0.667  recall 0.800  F1 0.727
  on matched: status 3/4, target 4/4, actual 4/4; not_met found 1/2
  topics: precision — (0/0), recall — (0/0)
facts: 6 of 7 right (0.857)
  department 1/1, execution_rate 2/2, self_score 2/2, year 1/2

by kind  docs  gold found match     P     R    F1  status not_met facts
整体        1     1     1     1 1.000 1.000 1.000     1/1     0/0 0.750
项目报告    1     1     1     1 1.000 1.000 1.000     1/1     0/0 0.750
项目表      1     4     5     3 0.600 0.750 0.667     2/3     1/2 1.000

by layout docs  gold found match     P     R    F1  status not_met facts
NA           1     1     1     1 1.000 1.000 1.000     1/1     0/0 0.750
PR           1     4     5     3 0.600 0.750 0.667     2/3     1/2 1.000
WR           1     1     1     1 1.000 1.000 1.000     1/1     0/0 0.750

document  gold found match     P     R    F1  status not_met facts
a            4     5     3 0.600 0.750 0.667     2/3     1/2 1.000
b            1     1     1 1.000 1.000 1.000     1/1     0/0 0.750

a.txt [项目表; PR]
  missed    新建公园: target '5个', actual '6个', met
  spurious  检查企业: target None, actual '5042家', met
  spurious  发展团员: target None, actual '2名', met
  wrong     开展社区活动次数: status gold not_met, extracted met

b.txt 荔城街道 [整体 + 项目报告; NA + WR]
  fact      year: gold 2021, extracted 2022"""


def test_a_report_whose_lines_wrap_and_whose_names_are_cut():
    parks = {**PARKS, "topics": ["urban_renewal"]}
    first = compare({"file": "000_594efdd38f19f6dd_second.txt",
                     "department": {"short_name": "广州市增城区人民政府荔城街道办事处综合事务与经济发展办公室和社区治理服务中心"},
                     "indicators": [parks], "funds": [{"kind": "budget", "source": "total", "amount": 100.0}],
                     "tasks": ["优化营商环境"], "score_items": [{"name": "预算执行", "max_score": 20, "score": 19}],
                     "counts": {"duties": 2}, "year": 2021, "execution_rate": 0, "self_score": 80},
                    graph([parks], report={"year": 2021, "execution_rate": 0.005, "self_score": None},
                          counts={"duties": 2}))
    quiet = compare({"file": "quiet.txt", "indicators": [SERVICE]}, graph([SERVICE]))
    last = compare({"file": "last.txt", "indicators": [ACTIVITY]}, graph())
    for entry, kinds, layouts in ((first, ["整体"], ["NA"]), (quiet, ["整体"], ["NA"]), (last, ["项目表"], ["unstated"])):
        entry["kinds"], entry["layouts"] = kinds, layouts
    gold_folder = "/data/a folder with a rather long name/for the annotations of the corpus/gold"
    assert "\n".join(render(assemble([first, quiet, last], gold_folder, "reports"))) == """\
perfkg eval: 3 documents
  gold     /data/a folder with a rather long name/for the annotations of the
           corpus/gold
  reports  reports

target                               value     count   at least
indicator F1                         0.800                 0.90  below
status accuracy on matched           1.000       2/2       0.95  met
not_met recall                       0.000       0/1       0.90  below
department                           0.000       0/1       0.90  below
year                                 1.000       3/3       0.90  met
execution rate                       1.000       3/3       0.90  met
self score                           0.667       2/3       0.90  below

indicators: 3 in the gold, 2 extracted, 2 matched
  precision 1.000  recall 0.667  F1 0.800
  on matched: status 2/2, target 2/2, actual 2/2; not_met found 0/1
  topics: precision 1.000 (1/1), recall 1.000 (1/1)
facts: 9 of 14 right (0.643)
  counts 1/1, department 0/1, execution_rate 3/3, funds 0/1, score_items 0/1,
  self_score 2/3, tasks 0/1, year 3/3

by kind docs  gold found match     P     R    F1  status not_met facts
整体       2     2     2     2 1.000 1.000 1.000     2/2     0/0 0.545
项目表     1     1     0     0     — 0.000 0.000     0/0     0/1 1.000

by layout docs  gold found match     P     R    F1  status not_met facts
NA           2     2     2     2 1.000 1.000 1.000     2/2     0/0 0.545
unstated     1     1     0     0     — 0.000 0.000     0/0     0/1 1.000

document                gold found match     P     R    F1  status not_met facts
000_594efdd38f19f6dd_s     1     1     1 1.000 1.000 1.000     1/1     0/0 0.375
quiet                      1     1     1 1.000 1.000 1.000     1/1     0/0 1.000
last                       1     0     0     — 0.000 0.000     0/0     0/1 1.000

000_594efdd38f19f6dd_second.txt
  广州市增城区人民政府荔城街道办事处综合事务与经济发展办公室和社区治理服务中心
  [整体; NA]
  fact      department short_name: gold
            '广州市增城区人民政府荔城街道办事处综合事务与经济发展办公室和社区治
            理服务中心', extracted None
  fact      self_score: gold 80, extracted None
  fact      missed fund budget/total 100.0
  fact      missed task 优化营商环境
  fact      missed score item 预算执行 20/19

last.txt [项目表; unstated]
  missed    开展社区活动次数: target '220次', actual '170次', not_met"""


def test_reports_beside_their_gold_and_a_gold_file_named_otherwise(tmp_path):
    from perfkg.ingest.evaluate import evaluate_folder

    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (gold_dir / "gold-of-a.json").write_text(json.dumps({"file": "a.txt", "indicators": [SERVICE]}), encoding="utf-8")
    (gold_dir / "NOTES.md").write_text("| id | layout |\n|---|---|\n| gold-of-a | NT |\n| a | PR |\n", encoding="utf-8")
    result = evaluate_folder(gold_dir, tmp_path / "no reports here")
    assert (result["gold_folder"], result["reports_folder"]) == (str(gold_dir), str(tmp_path / "no reports here"))
    [entry] = result["reports"]
    assert entry["indicators"]["matched"] == 1 and entry["layouts"] == ["NT"]


def test_a_fund_of_a_project_is_the_project_s(tmp_path):
    """The corpus's gold names the project a fund is for as its task: read back through the Project."""
    from perfkg.ingest.evaluate import evaluate_folder

    form = ("项目支出绩效自评表\n( 2021 年度)\n项目名称 | 农村饮水安全巩固提升工程\n主管部门 | 某某县水利局\n"
            "项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分\n"
            "年度资金总额 | 300 | 320 | 288 | 10 | 90% | 9\n")
    (tmp_path / "p.txt").write_text(form, encoding="utf-8")
    funds = [{"kind": kind, "source": "total", "amount": amount, "task": "农村饮水安全巩固提升工程"}
             for kind, amount in (("initial_budget", 300), ("budget", 320), ("expenditure", 288))]
    (tmp_path / "p.json").write_text(json.dumps({"file": "p.txt", "indicators": [], "funds": funds},
                                                ensure_ascii=False), encoding="utf-8")
    [entry] = evaluate_folder(tmp_path, tmp_path)["reports"]
    assert entry["facts"]["funds"] == {"correct": 3, "total": 3}
