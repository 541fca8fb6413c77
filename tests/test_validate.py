"""The last checks before loading (ingest/validate.py), on extractions made
by hand over a real document: evidence that is not the document's text at
its offsets is dropped with a warning, links to dropped tasks and score items
are re-indexed, and numbers out of range or not finite go."""

import math

import pytest

from perfkg.ingest.model import Evidence, Extraction, Fund, Indicator, Office, ScoreItem, Task, TextItem
from perfkg.ingest.pipeline import text_as_document
from perfkg.ingest.validate import validate

TEXT = "一、部门职能\n负责辖区经济发展。\n服务企业数年度指标值为 203 家，实际完成 212 家。\n开展社区活动 220 次。\n全年预算数 100 万元。\n"
DOCUMENT = text_as_document(TEXT)


def span(piece: str, *, also=()) -> Evidence:
    """The evidence of `piece` where it is in the document."""
    start = TEXT.index(piece)
    return Evidence(piece, start, start + len(piece), "line 1", tuple(also))


def extraction(**fields) -> Extraction:
    return Extraction(source_file="t.txt", sha256="0" * 64, encoding="utf-8", text=TEXT, **fields)


def item_of(field: str, evidence):
    """An item of the given field of an Extraction, with that evidence."""
    return {
        "duties": lambda: TextItem("负责辖区经济发展", evidence),
        "offices": lambda: Office("经济发展办公室", evidence),
        "tasks": lambda: Task("优化营商环境", evidence),
        "indicators": lambda: Indicator("服务企业数", evidence, "narrative"),
        "funds": lambda: Fund("budget", "total", 100.0, evidence),
        "score_items": lambda: ScoreItem("预算执行", 1, evidence),
        "outcomes": lambda: TextItem("服务企业 212 家", evidence),
        "problems": lambda: TextItem("问题", evidence),
        "measures": lambda: TextItem("措施", evidence),
    }[field]()


FIELDS = ["duties", "offices", "tasks", "indicators", "funds", "score_items", "outcomes", "problems", "measures"]
GOOD = span("服务企业数年度指标值为 203 家，实际完成 212 家。")
economy = TEXT.index("经济发展")


@pytest.mark.parametrize("field", FIELDS)
def test_every_kind_of_fact_keeps_evidence_of_the_text_and_loses_any_other(field):
    elsewhere = Evidence("服务企业数", economy, economy + 5)  # a real phrase, but not at these offsets
    out = extraction(**{field: [item_of(field, GOOD), item_of(field, elsewhere), item_of(field, span("全年预算数"))]})
    validate(out, DOCUMENT)
    assert [item.evidence for item in getattr(out, field)] == [GOOD, span("全年预算数")]
    assert out.warnings == [f"dropped a {field[:-1]} whose evidence is not the document's text: '服务企业数'"]


@pytest.mark.parametrize("evidence", [
    Evidence("负责辖区经济发展", economy - 2, economy + 6),  # the text shifted by two
    Evidence("负责辖区经济发展。", economy - 4, economy + 4),  # one character more than the span
    Evidence("全年预算数 100 万元。\n", len(TEXT) - 13, len(TEXT) + 1),  # past the end
    Evidence("一", -1, 0),  # before the start
    Evidence("", 3, 3),  # nothing
    Evidence("职能", 5, 3),  # backwards
    Evidence("\n", TEXT.index("\n"), TEXT.index("\n") + 1),  # only a line break, though at its place
    Evidence(GOOD.text, GOOD.start, GOOD.end, GOOD.location, ((0, len(TEXT) + 1),)),  # a span past the end
    Evidence(GOOD.text, GOOD.start, GOOD.end, GOOD.location, ((4, 4),)),  # an empty span
    "服务企业数年度指标值为 203 家，实际完成 212 家。",  # text without offsets
], ids=["shifted", "longer", "past the end", "before the start", "empty", "backwards", "blank", "also past the end",
        "also empty", "a string"])
def test_evidence_that_is_not_the_text_where_it_says_is_dropped(evidence):
    out = extraction(indicators=[Indicator("服务企业数", evidence, "narrative")])
    validate(out, DOCUMENT)
    assert out.indicators == [] and len(out.warnings) == 1


def test_a_warning_quotes_the_first_60_characters_of_what_was_dropped():
    long = "服务企业" * 20
    whole = span(TEXT.strip())  # the document's text, more than 60 characters
    out = extraction(indicators=[Indicator("服务企业数", Evidence(long, 0, 80), "narrative")],
                     funds=[Fund("budget", "total", math.inf, whole)])
    validate(out, DOCUMENT)
    assert out.warnings == [f"dropped a indicator whose evidence is not the document's text: {long[:60]!r}",
                            f"dropped a fund whose amount is not a number: {whole.text[:60]!r}"]


def test_evidence_drawing_on_other_spans_of_the_text_is_kept():
    target = span("一、部门职能")
    evidence = span("实际完成 212 家", also=[(target.start, target.end), (0, len(TEXT))])
    out = extraction(indicators=[Indicator("服务企业数", evidence, "narrative")])
    validate(out, DOCUMENT)
    assert [i.evidence for i in out.indicators] == [evidence] and out.warnings == []


def test_links_to_a_dropped_task_go_and_links_to_later_tasks_follow_them():
    bad = Evidence("不在文中", 0, 4)
    tasks = [Task("甲", span("一、部门职能")), Task("乙", bad), Task("丙", span("全年预算数"))]
    indicators = [Indicator(name, GOOD, "narrative", task=task) for name, task in (("a", 0), ("b", 1), ("c", 2),
                                                                                   ("d", None))]
    funds = [Fund("budget", "total", 100.0, span("全年预算数 100 万元"), task=2),
             Fund("budget", "total", 5.0, span("全年预算数 100 万元"), task=1)]
    out = extraction(tasks=tasks, indicators=indicators, funds=funds)
    validate(out, DOCUMENT)
    assert [t.name for t in out.tasks] == ["甲", "丙"]
    assert [(i.name, i.task) for i in out.indicators] == [("a", 0), ("b", None), ("c", 1), ("d", None)]
    assert [(f.amount, f.task) for f in out.funds] == [(100.0, 1), (5.0, None)]


def test_parents_of_score_items_follow_the_items_kept():
    bad = Evidence("不在文中", 0, 4)
    items = [ScoreItem("决策", 1, bad), ScoreItem("过程", 1, span("一、部门职能")),
             ScoreItem("预算执行", 2, span("全年预算数"), parent=1), ScoreItem("目标设定", 2, span("全年预算数"), parent=0),
             ScoreItem("产出", 1, GOOD, parent=None)]
    out = extraction(score_items=items)
    validate(out, DOCUMENT)
    assert [(s.name, s.parent) for s in out.score_items] == [("过程", None), ("预算执行", 0), ("目标设定", None),
                                                              ("产出", None)]


def test_numbers_that_are_not_finite_are_left_out_and_a_fund_without_one_is_dropped():
    indicator = Indicator("服务企业数", GOOD, "narrative", target_value=math.inf, actual_value=math.nan,
                          completion_rate=-math.inf)
    kept = Indicator("开展活动", GOOD, "narrative", target_value=203.0, actual_value=0.0, completion_rate=-5.0)
    score = ScoreItem("预算执行", 2, span("全年预算数"), max_score=math.inf, score=math.nan)
    funds = [Fund("budget", "total", math.inf, span("全年预算数")), Fund("budget", "total", 100.0, span("100 万元")),
             Fund("expenditure", "total", math.nan, span("全年预算数"))]
    out = extraction(indicators=[indicator, kept], score_items=[score], funds=funds)
    validate(out, DOCUMENT)
    assert (indicator.target_value, indicator.actual_value, indicator.completion_rate) == (None, None, None)
    assert (kept.target_value, kept.actual_value, kept.completion_rate) == (203.0, 0.0, -5.0)
    assert (score.max_score, score.score) == (None, None)
    assert [f.amount for f in out.funds] == [100.0]
    assert out.warnings == ["dropped a fund whose amount is not a number: '全年预算数'"] * 2


@pytest.mark.parametrize("field, value, kept", [
    ("execution_rate", -0.01, False), ("execution_rate", 0.0, True), ("execution_rate", 1000.0, True),
    ("execution_rate", 1000.01, False),
    ("self_score", -1.0, False), ("self_score", 0.0, True), ("self_score", 1000.0, True), ("self_score", 1001.0, False),
    ("year", 1989, False), ("year", 1990, True), ("year", 2100, True), ("year", 2101, False),
])
def test_report_figures_out_of_range_are_dropped_with_a_warning(field, value, kept):
    out = extraction(**{field: value})
    validate(out, DOCUMENT)
    assert getattr(out, field) == (value if kept else None)
    expected = [] if kept else [f"{field.replace('_', ' ')} {value} out of range, dropped"]
    assert out.warnings == expected
