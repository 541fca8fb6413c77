"""The checks of a self-evaluation's own arithmetic (ingest/audit.py): each rule on small
forms in the national layout (项目支出绩效自评表 as pipe rows), a case it must flag and
one it must not; then the findings in the graph, the named queries and the command line
on each store."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from perfkg.cli import app
from perfkg.client import Client
from perfkg.config import Settings
from perfkg.ingest.audit import RULE_NAMES, RULES
from perfkg.ingest.pipeline import extract_text
from perfkg.ingest.runner import ingest

HEAD = ("项目支出绩效自评表\n（2022年度）\n"
        "| 项目名称 | 社区养老服务补助 | | |\n"
        "| 主管部门 | 某某区民政局 | 实施单位 | 某某街道社区服务中心 |\n"
        "| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n")
TABLE = "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |\n"
# A form whose arithmetic holds: 50/30/10/10, each score as the method gives it (90 of 100
# served: 18 of 20; a cost of 600 against a ceiling of 500: 15 × 500/600 = 12.5), the funds
# row 90 % × 10 = 9, the total 89.5 and its grade 良.
ROWS = {
    "served": "| 产出指标 | 数量指标 | 服务老人人次 | ≥100人次 | 90人次 | 20 | 18 | 资金拨付延迟，已督促 |",
    "quality": "| 产出指标 | 质量指标 | 服务合格率 | ≥95% | 98% | 15 | 15 | |",
    "cost": "| 产出指标 | 成本指标 | 人均服务成本 | ≤500元 | 600元 | 15 | 12.5 | 物价上涨，下年调整标准 |",
    "life": "| 效益指标 | 社会效益指标 | 老人生活质量 | 明显改善 | 有所改善 | 30 | 25 | 部分项目未完成 |",
    "satisfied": "| 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 95% | 10 | 10 | |",
}
FUNDS = "| 年度资金总额 | 100 | 100 | 90 | 10 | 90% | 9 |"
TOTAL = "| 总分 | 100 | 89.5 | 良 |"


def form(*, funds: str = FUNDS, total: str = TOTAL, table: str = TABLE, **rows: str | None) -> str:
    chosen = {**ROWS, **rows}
    return HEAD + funds + "\n" + table + "".join(row + "\n" for row in chosen.values() if row) + total + "\n"


def findings(text: str) -> dict[str, list]:
    """The report's findings by rule."""
    found: dict[str, list] = {}
    for finding in extract_text(text, source_file="form.txt").findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


def severities(text: str) -> set[tuple[str, str]]:
    return {(rule, f.severity) for rule, each in findings(text).items() for f in each}


def test_a_form_whose_arithmetic_holds_has_no_finding_but_what_cannot_be_checked():
    # 老人生活质量 is qualitative: scored by judgement, which the rule says instead of guessing.
    assert severities(form()) == {("score_follows_completion", "not_evaluable")}
    (finding,) = findings(form())["score_follows_completion"]
    assert "老人生活质量" in finding.message and "qualitative" in finding.message


def test_every_rule_has_its_source_tolerance_and_a_severity():
    assert len(set(RULE_NAMES)) == len(RULES) == 10
    for rule in RULES:
        assert rule.source and rule.tolerance and rule.severity in ("error", "warning", "info")


def test_a_score_above_its_maximum():
    flagged = findings(form(quality="| 产出指标 | 质量指标 | 服务合格率 | ≥95% | 98% | 15 | 16 | |",
                            total="| 总分 | 100 | 90.5 | 优 |"))
    (finding,) = flagged["score_within_max"]
    assert (finding.severity, finding.stated, finding.expected) == ("error", "16", "≤ 15")
    assert finding.figures == ("分值 15, 得分 16 (line 9)",)  # the form's ninth line
    assert finding.evidence[0].text == "产出指标 | 质量指标 | 服务合格率 | ≥95% | 98% | 15 | 16"


def test_a_full_score_below_target_is_flagged_a_proportional_one_is_not():
    text = form(served="| 产出指标 | 数量指标 | 服务老人人次 | ≥100人次 | 90人次 | 20 | 20 | 资金拨付延迟 |",
                total="| 总分 | 100 | 91.5 | 优 |")
    flagged = findings(text)
    (finding,) = flagged["full_score_below_target"]
    assert finding.severity == "warning" and "服务老人人次" in finding.message
    assert finding.concerns == (("Indicator", 0),)
    # The same score is not flagged twice, by the proportional rule too.
    assert "score_follows_completion" not in {rule for rule, f in severities(text) if f != "not_evaluable"}
    assert "full_score_below_target" not in findings(form())


def test_a_score_above_the_proportion_is_flagged_rounding_and_strictness_are_not():
    def served(score: str, total: str) -> dict[str, list]:
        return findings(form(served=f"| 产出指标 | 数量指标 | 服务老人人次 | ≥100人次 | 98人次 | 20 | {score} | 原因 |",
                             total=f"| 总分 | 100 | {total} | 良 |"))
    # 98 of 100 on 20 points: 19.6, written 19.6, or rounded to 20 down to 19; 15 is stricter than the rule.
    for score, total in (("19.6", "91.1"), ("19", "90.5"), ("15", "86.5")):
        assert "score_follows_completion" not in {r for r, each in served(score, total).items()
                                                  if any(f.severity != "not_evaluable" for f in each)}, score
    flagged = served("19.9", "91.4")["score_follows_completion"]
    finding = next(f for f in flagged if f.severity == "warning")
    assert (finding.stated, finding.expected) == ("19.9", "19.6")


def test_lower_is_better_is_scored_target_over_actual():
    # 人均服务成本 ≤500元, 600元 spent: 15 × 500/600 = 12.5 holds (the base form); 14 does not.
    assert "score_follows_completion" not in {r for r, s in severities(form()) if s != "not_evaluable"}
    text = form(cost="| 产出指标 | 成本指标 | 人均服务成本 | ≤500元 | 600元 | 15 | 14 | 物价上涨 |",
                total="| 总分 | 100 | 91 | 优 |")
    finding = next(f for f in findings(text)["score_follows_completion"] if f.severity == "warning")
    assert "A/B" in finding.message and finding.expected == "12.5"


def test_a_met_indicator_below_its_full_score():
    text = form(quality="| 产出指标 | 质量指标 | 服务合格率 | ≥95% | 98% | 15 | 12 | |", total="| 总分 | 100 | 86.5 | 良 |")
    finding = next(f for f in findings(text)["score_follows_completion"] if f.severity == "warning")
    assert "met its target" in finding.message and finding.expected == "15"


def test_the_total_adds_up_or_is_flagged_or_cannot_be_checked():
    flagged = findings(form(total="| 总分 | 100 | 95 | 优 |"))["total_adds_up"]
    assert [(f.severity, f.stated, f.expected) for f in flagged] == [("error", "95", "89.5")]
    # A total written as a whole number rounds the items' sum: 89.5 written 90 (and 优, its band).
    assert "total_adds_up" not in findings(form(total="| 总分 | 100 | 90 | 优 |"))
    # Items that do not carry the whole 100 points (a row not read): not evaluable, not a finding.
    (partial,) = findings(form(satisfied=None))["total_adds_up"]
    assert partial.severity == "not_evaluable" and "90 of 100" in partial.message


def test_the_grade_matches_the_total_s_band():
    assert "grade_matches_band" not in findings(form())
    (finding,) = findings(form(total="| 总分 | 100 | 89.5 | 优 |"))["grade_matches_band"]
    assert (finding.severity, finding.stated, finding.expected) == ("error", "优", "良")
    # The bands' lower bounds are inclusive: 90 is 优.
    rows = {"served": "| 产出指标 | 数量指标 | 服务老人人次 | ≥100人次 | 90人次 | 20 | 18.5 | 资金拨付延迟 |"}
    assert "grade_matches_band" not in findings(form(total="| 总分 | 100 | 90 | 优 |", **rows))
    (qualified,) = findings(form(total="| 总分 | 100 | 89.5 | 合格 |"))["grade_matches_band"]
    assert qualified.expected == "良"


def test_the_execution_rate_is_expenditure_over_budget():
    assert "execution_rate_computed" not in findings(form())
    (finding,) = findings(form(funds="| 年度资金总额 | 100 | 100 | 90 | 10 | 95% | 9 |"))["execution_rate_computed"]
    assert (finding.severity, finding.stated, finding.expected) == ("error", "95%", "90.00%")
    assert finding.figures == ("执行率 95%, 全年预算数 100, 全年执行数 90 (line 6)",)
    # A rate truncated at two decimals holds: 1157.97 / 2000 is 57.8985 %.
    truncated = form(funds="| 年度资金总额 | 2000 | 2000 | 1157.97 | 10 | 57.89% | 5.7 |", total="| 总分 | 100 | 86.2 | 良 |")
    assert "execution_rate_computed" not in findings(truncated)


def test_the_execution_rate_s_score_follows_the_rate():
    assert "execution_rate_score" not in findings(form())
    (finding,) = findings(form(funds="| 年度资金总额 | 100 | 100 | 90 | 10 | 90% | 10 |",
                               total="| 总分 | 100 | 90.5 | 优 |"))["execution_rate_score"]
    assert (finding.severity, finding.stated, finding.expected) == ("warning", "10", "9")


def test_an_indicator_below_target_gives_its_deviation_reason():
    assert "deviation_explained" not in findings(form())
    (finding,) = findings(form(served="| 产出指标 | 数量指标 | 服务老人人次 | ≥100人次 | 90人次 | 20 | 18 | 无 |"))[
        "deviation_explained"]
    assert finding.severity == "warning" and "服务老人人次" in finding.message
    # A form without the column cannot be held to it.
    without = form(table="| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n",
                   **{key: row.rsplit(" |", 2)[0] + " |" for key, row in ROWS.items()})
    assert [f.severity for f in findings(without)["deviation_explained"]] == ["not_evaluable"]


def test_first_level_weights_are_noted_not_condemned():
    assert "first_level_weights" not in findings(form())
    (finding,) = findings(form(
        quality="| 产出指标 | 质量指标 | 服务合格率 | ≥95% | 98% | 25 | 25 | |",
        life="| 效益指标 | 社会效益指标 | 老人生活质量 | 明显改善 | 有所改善 | 20 | 17 | 部分项目未完成 |",
        total="| 总分 | 100 | 91.5 | 优 |"))["first_level_weights"]
    assert finding.severity == "info"
    assert finding.stated == "产出 60、效益 20、满意度 10、预算执行率 10"
    assert finding.expected == "产出 50、效益 30、满意度 10、预算执行率 10"


def test_an_actual_a_thousand_times_its_target_is_a_probable_reading_error():
    text = form(quality="| 产出指标 | 质量指标 | 服务合格率 | ≥95% | 98% | 15 | 15 | |",
                satisfied="| 满意度指标 | 服务对象满意度指标 | 服务次数 | ≥100次 | 100000次 | 10 | 10 | |")
    (finding,) = findings(text)["actual_far_from_target"]
    assert finding.severity == "warning" and "wrong cell" in finding.message
    assert "actual_far_from_target" not in findings(form(
        satisfied="| 满意度指标 | 服务对象满意度指标 | 服务次数 | ≥100次 | 900次 | 10 | 10 | |"))


def test_a_missing_maximum_is_not_evaluable_not_guessed():
    text = form(quality="| 产出指标 | 质量指标 | 服务合格率 | ≥95% | 98% | — | 15 | |")
    found = findings(text)
    assert "score_within_max" not in found or all(f.severity == "not_evaluable" for f in found["score_within_max"])
    assert all(f.severity == "not_evaluable" for f in found["total_adds_up"])


def test_a_narrative_report_without_scores_has_nothing_to_check():
    text = ("某某街道办事处2022年度部门整体支出绩效自评报告\n全年预算数 200 万元，执行数 180 万元，完成预算的 90%。\n"
            "开展社区活动次数年度指标值为 220 次，实际完成 170 次。\n")
    assert findings(text) == {}


# ---------------------------------------------------------------- in the graph, on each store

FLAWED = form(total="| 总分 | 100 | 95 | 优 |",  # the items add up to 91.5
              served="| 产出指标 | 数量指标 | 服务老人人次 | ≥100人次 | 90人次 | 20 | 20 | |")


@pytest.fixture
def audited(store, tmp_path):
    (tmp_path / "养老自评表.txt").write_text(FLAWED, encoding="utf-8")
    (tmp_path / "绿化自评表.txt").write_text(form().replace("社区养老服务补助", "社区绿化养护").replace(
        "社区服务中心", "城管服务中心"), encoding="utf-8")
    assert {o.status for o in ingest(store, [tmp_path])} == {"loaded"}
    return Client(store, Settings()), tmp_path


def test_findings_are_written_at_ingest_and_recomputed_at_reingest(audited):
    client, folder = audited
    rows = client.read("MATCH (r:Report)-[:HAS_FINDING]->(f:Finding) OPTIONAL MATCH (f)-[:CONCERNS]->(n) "
                       "RETURN r.source_file, f.rule, f.severity, collect(n.name) ORDER BY r.source_file, f.rule").rows
    flawed = [(rule, severity, sorted(names)) for source, rule, severity, names in rows if source == "养老自评表.txt"]
    assert ("full_score_below_target", "warning", ["服务老人人次"]) in flawed
    assert ("deviation_explained", "warning", ["服务老人人次"]) in flawed
    # The total concerns every item it adds up (the funds row has no name).
    assert ("total_adds_up", "error", sorted(["服务老人人次", "服务合格率", "人均服务成本", "老人生活质量", "老人满意度"])) in flawed
    assert ("grade_matches_band", "error", []) not in flawed  # 95 is 优, as stated
    assert {(s, r) for s, r, severity, _ in rows if severity != "not_evaluable"} == {
        ("养老自评表.txt", "full_score_below_target"), ("养老自评表.txt", "deviation_explained"),
        ("养老自评表.txt", "total_adds_up")}
    # The report corrected and ingested again: its findings are those of the new text.
    (folder / "养老自评表.txt").write_text(form(), encoding="utf-8")
    ingest(client.store, [folder / "养老自评表.txt"])
    left = client.read("MATCH (f:Finding) WHERE f.severity <> 'not_evaluable' RETURN count(f)").rows
    assert left == [[0]]
    assert client.read("MATCH (f:Finding) WHERE NOT (:Report)-[:HAS_FINDING]->(f) RETURN count(f)").rows == [[0]]


def test_a_finding_keeps_its_figures_evidence_and_location(audited):
    client, _ = audited
    (row,) = client.read(
        "MATCH (f:Finding {rule: 'total_adds_up'}) MATCH (r:Report)-[:HAS_SOURCE]->(s:Source) WHERE r.id = f.report_id "
        "RETURN f.stated, f.expected, f.figures, f.evidence, f.evidence_start, f.evidence_end, f.evidence_location, "
        "f.evidence_also, s.text").rows
    stated, expected, figures, evidence, start, end, location, also, text = row
    assert (stated, expected) == ("95", "91.5")
    assert figures[0] == "总分 95 (line 13)" and len(figures) == 7
    assert text[start:end] == evidence == "总分 | 100 | 95" and location == "line 13"
    spans = [text[also[k]:also[k + 1]] for k in range(0, len(also), 2)]
    assert spans[0].startswith("产出指标 | 数量指标 | 服务老人人次 | ≥100人次 | 90人次 | 20 | 20")
    assert spans[-1].startswith("年度资金总额 | 100 | 100 | 90 | 10 | 90% | 9")


def test_the_findings_query_by_each_filter(audited):
    client, _ = audited

    def rules(**params) -> list[tuple[str, str]]:
        return [(row["rule"], row["severity"]) for row in client.run("findings", params).records()]

    assert rules(severity="error") == [("total_adds_up", "error")]
    assert rules(rule="deviation_explained") == [("deviation_explained", "warning")]
    assert set(rules(department="社区服务中心")) >= {("total_adds_up", "error"), ("full_score_below_target", "warning")}
    assert {r for r, s in rules(department="城管服务中心")} == {"score_follows_completion"}  # not evaluable only
    assert rules(year=2021) == [] and len(rules(year=2022)) == len(rules())
    assert rules(report="绿化") == [("score_follows_completion", "not_evaluable")]
    # A topic reaches a finding through the indicators it concerns (养老: civil affairs and the elderly).
    elderly = rules(topic="civil_affairs_elderly_disabled", severity="warning")
    assert ("full_score_below_target", "warning") in elderly and rules(topic="waste_sorting") == []
    first = client.run("findings", {"severity": "error"}).records()[0]
    assert first["figures"][0] == "总分 95 (line 13)" and first["location"] == "line 13"
    assert len(first["concerns"]) == len(first["concern_ids"]) == 6


def test_self_score_against_indicators(audited):
    client, _ = audited
    rows = client.run("self_score_against_indicators", {}).records()
    assert [(r["source_file"], r["self_score"], r["not_met"], r["full_marks_below_target"]) for r in rows] == [
        ("养老自评表.txt", 95.0, 2, 1), ("绿化自评表.txt", 89.5, 2, 0)]
    assert [r["source_file"] for r in client.run("self_score_against_indicators", {"min_score": 90}).records()] == [
        "养老自评表.txt"]
    assert client.run("self_score_against_indicators", {"min_below": 3}).records() == []
    assert len(client.run("self_score_against_indicators", {"department": "城管服务中心", "year": 2022}).records()) == 1


def test_perfkg_audit_summarises_per_rule_and_lists_the_findings(backend, empty_settings, tmp_path):
    (tmp_path / "养老自评表.txt").write_text(FLAWED, encoding="utf-8")
    env = backend.env(empty_settings)
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(tmp_path)], env=env).exit_code == 0
    result = runner.invoke(app, ["audit"], env={**env, "COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    summary = next(line for line in lines if "total_adds_up" in line and "总分" in line)
    assert summary.split("│")[3].strip() == "1"  # one error
    assert "3 findings" in result.output and "the indicator rows and the funds row add up to 91.5" in result.output
    listed = json.loads(runner.invoke(app, ["audit", "--severity", "error", "--format", "json"], env=env).output)
    assert [row["rule"] for row in listed] == ["total_adds_up"]
    refused = runner.invoke(app, ["audit", "--rule", "no_such_rule"], env=env)
    assert refused.exit_code == 2 and "must be one of" in refused.output
