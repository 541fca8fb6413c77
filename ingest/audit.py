"""Checks of a self-evaluation's own arithmetic, run on what extraction read.

A self-evaluation grades itself; before anything else, a reader asks whether
its numbers hold together. Each rule below is declared as data (name, where
it comes from, its tolerance and parameters) with the function that checks
it, as great_expectations and pandera declare their expectations. A check
yields, per item it applies to, one of three outcomes: it holds, it does not
(a finding), or it cannot be made from what the report states (say so, never
guess). `audit` keeps the findings, and gathers what could not be evaluated
into one finding per rule: which items, and why.

A finding says the report's figures, as read, do not agree with the rule. It
may be the report's own inconsistency, or an extraction error the check
exposes (an actual a thousand times its target is often a cell read from the
wrong column); docs/audit.md says what a finding does and does not mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .model import Evidence, Extraction, Finding, Fund, Indicator, ScoreItem

NATIONAL = "财预〔2020〕10号《项目支出绩效评价管理办法》"
SEVERITIES = ("error", "warning", "info", "not_evaluable")


@dataclass(frozen=True)
class Rule:
    name: str
    title: str  # in the source's terms
    source: str
    tolerance: str
    severity: str  # of a finding when the rule does not hold
    check: Callable[[Extraction, "Rule"], Iterator["Outcome"]]
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """One figure a check used: what it is, its value as the report gives it, where."""

    what: str
    value: Any
    evidence: Evidence | None


@dataclass(frozen=True)
class Outcome:
    verdict: str  # holds | finding | not_evaluable
    message: str = ""
    stated: str | None = None
    expected: str | None = None
    figures: tuple[Figure, ...] = ()
    concerns: tuple[tuple[str, int], ...] = ()
    severity: str | None = None  # when not the rule's own


def _holds() -> Outcome:
    return Outcome("holds")


def _cannot(why: str, concerns: tuple[tuple[str, int], ...] = ()) -> Outcome:
    return Outcome("not_evaluable", why, concerns=concerns)


# ---------------------------------------------------------------- numbers

def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


def _decimals(value: float) -> int:
    """How many decimals the report wrote (as far as a number keeps it), at most 4."""
    text = f"{value:.4f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _rounds_to(stated: float, expected: float) -> bool:
    """`stated` is `expected` rounded up, down or to nearest at the precision the report writes
    `stated` in: 9 for 9.8, 1.9 for 1.946; not 1.9 for 1.69."""
    unit = 10.0 ** -_decimals(stated)
    low = math.floor(expected / unit + 1e-9) * unit
    high = math.ceil(expected / unit - 1e-9) * unit
    return low - 1e-6 <= stated <= high + 1e-6


def _one_unit(stated: float, computed: float) -> bool:
    """Within one unit of the last decimal the report writes (rounded or truncated), at least 0.01."""
    return abs(stated - computed) < max(10.0 ** -_decimals(stated), 0.01) + 1e-9


# ---------------------------------------------------------------- what the checks look at

def _scored_indicators(out: Extraction) -> list[tuple[int, Indicator]]:
    return [(k, i) for k, i in enumerate(out.indicators) if i.score is not None or i.max_score is not None]


def _quantitative(indicator: Indicator) -> bool:
    return (indicator.target_value is not None and indicator.actual_value is not None
            and indicator.target_op in (">=", "<=", "="))


def _completion(indicator: Indicator) -> float | None:
    """The share of its target the indicator reached, in its direction (越低越好 when the
    target is a ceiling): B/A, or A/B for a ceiling; the stated completion rate when no
    numbers are compared."""
    if _quantitative(indicator):
        target, actual = indicator.target_value, indicator.actual_value
        if indicator.target_op == "<=":
            return 1.0 if actual <= target else (target / actual if actual else None)
        if indicator.target_op == "=" and actual > target:
            return target / actual if actual else None
        return actual / target if target else None
    if indicator.completion_rate is not None:
        return indicator.completion_rate / 100
    return None


def _indicator_figures(indicator: Indicator, *parts: str) -> tuple[Figure, ...]:
    names = {"target": ("年度指标值", indicator.target_text), "actual": ("实际完成值", indicator.actual_text),
             "max": ("分值", indicator.max_score), "score": ("得分", indicator.score)}
    return tuple(Figure(names[p][0], names[p][1], indicator.evidence) for p in parts)


def _fund_row(out: Extraction) -> tuple[int, Fund] | None:
    """The funds block's scored row: 年度资金总额 (source total) first, else the first scored row."""
    scored = [(k, f) for k, f in enumerate(out.funds) if f.score is not None or f.max_score is not None]
    return next(((k, f) for k, f in scored if f.source == "total"), scored[0] if scored else None)


# ---------------------------------------------------------------- the rules

def score_within_max(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    items: list[tuple[str, int, Any, str]] = (
        [("Indicator", k, i, i.name) for k, i in enumerate(out.indicators)]
        + [("Fund", k, f, f"{f.kind}/{f.source}") for k, f in enumerate(out.funds)]
        + [("ScoreItem", k, s, s.name or "") for k, s in enumerate(out.score_items)])
    for label, index, item, name in items:
        if item.score is None:
            continue
        if item.max_score is None:
            yield _cannot(f"{name}: 得分 {_show(item.score)} without a 分值", ((label, index),))
            continue
        if item.score <= item.max_score + rule.parameters["epsilon"]:
            yield _holds()
            continue
        yield Outcome("finding", f"{name}: 得分 {_show(item.score)} is above its 分值 {_show(item.max_score)}",
                      stated=_show(item.score), expected=f"≤ {_show(item.max_score)}",
                      figures=(Figure("分值", item.max_score, item.evidence), Figure("得分", item.score, item.evidence)),
                      concerns=((label, index),))


def full_score_below_target(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    for index, indicator in _scored_indicators(out):
        if indicator.status != "not_met" or indicator.score is None:
            continue
        if indicator.max_score is None:
            yield _cannot(f"{indicator.name}: below target, 得分 without a 分值", (("Indicator", index),))
            continue
        if indicator.score < indicator.max_score - rule.parameters["epsilon"]:
            yield _holds()
            continue
        yield Outcome("finding", f"{indicator.name}: below target ({indicator.target_text} → {indicator.actual_text}) "
                                 f"yet given its full 分值 {_show(indicator.max_score)}",
                      stated=_show(indicator.score), expected=f"< {_show(indicator.max_score)}",
                      figures=_indicator_figures(indicator, "target", "actual", "max", "score"),
                      concerns=(("Indicator", index),))


def score_follows_completion(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    for index, indicator in _scored_indicators(out):
        if indicator.score is None or indicator.status not in ("met", "not_met"):
            continue
        concerns = (("Indicator", index),)
        if indicator.max_score is None:
            yield _cannot(f"{indicator.name}: 得分 without a 分值", concerns)
            continue
        if indicator.status == "met":
            if not (_quantitative(indicator) or indicator.completion_rate is not None):
                yield _cannot(f"{indicator.name}: qualitative ({indicator.target_text} → {indicator.actual_text}), "
                              "scored by judgement", concerns)
            elif indicator.score >= indicator.max_score - rule.parameters["epsilon"]:
                yield _holds()
            else:
                yield Outcome("finding", f"{indicator.name}: met its target ({indicator.target_text} → "
                                         f"{indicator.actual_text}) but scored {_show(indicator.score)} of "
                                         f"{_show(indicator.max_score)}",
                              stated=_show(indicator.score), expected=_show(indicator.max_score),
                              figures=_indicator_figures(indicator, "target", "actual", "max", "score"),
                              concerns=concerns)
            continue
        if indicator.score >= indicator.max_score - rule.parameters["epsilon"]:
            continue  # a full score below target: full_score_below_target says so
        share = _completion(indicator)
        if share is None:
            yield _cannot(f"{indicator.name}: below target, no numbers to compare "
                          f"({indicator.target_text} → {indicator.actual_text})", concerns)
            continue
        expected = min(share, 1.0) * indicator.max_score
        if _rounds_to(indicator.score, expected) or indicator.score < expected:
            # Scoring below the proportion is the report's own strictness (a province may set
            # steps, or zero under 60 %): the rule only bounds the score from above.
            yield _holds()
            continue
        ceiling = indicator.target_op == "<=" or (
            _quantitative(indicator) and indicator.target_op == "=" and indicator.actual_value > indicator.target_value)
        direction = "A/B" if ceiling else "B/A"
        yield Outcome("finding", f"{indicator.name}: {indicator.actual_text} against {indicator.target_text} is "
                                 f"{share:.1%} of target; {direction} × 分值 gives {_show(round(expected, 2))}, "
                                 f"the report gives {_show(indicator.score)}",
                      stated=_show(indicator.score), expected=_show(round(expected, 2)),
                      figures=_indicator_figures(indicator, "target", "actual", "max", "score"), concerns=concerns)


def _score_parts(out: Extraction) -> tuple[list[tuple[str, int, float | None, float | None, Evidence]], str]:
    """The items whose scores make the total: a score table's top rows when they carry
    scores, else its leaves; without a score table, the indicator rows and the funds row."""
    items = out.score_items
    if items:
        top = [(k, s) for k, s in enumerate(items) if s.parent is None and s.level == min(i.level for i in items)]
        if top and all(s.score is not None for _, s in top):
            chosen = top
        else:
            parents = {s.parent for s in items if s.parent is not None}
            chosen = [(k, s) for k, s in enumerate(items) if k not in parents]
        return [("ScoreItem", k, s.max_score, s.score, s.evidence) for k, s in chosen], "score table"
    parts = [("Indicator", k, i.max_score, i.score, i.evidence) for k, i in _scored_indicators(out)]
    row = _fund_row(out)
    if row:
        parts.append(("Fund", row[0], row[1].max_score, row[1].score, row[1].evidence))
    return parts, "indicator rows and the funds row"


def total_adds_up(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    if out.self_score is None:
        return
    parts, what = _score_parts(out)
    concerns = tuple((label, k) for label, k, *_ in parts)
    if not parts:
        yield _cannot(f"总分 {_show(out.self_score)} stated, no scored items read")
        return
    if any(score is None for *_, score, _ in parts):
        yield _cannot(f"总分 {_show(out.self_score)}: some of the {what} have no 得分", concerns)
        return
    full = rule.parameters["full_marks"]
    maxima = [m for _, _, m, _, _ in parts]
    if None in maxima or abs(sum(maxima) - full) > 0.01:
        # The items read do not make the whole form (a table cut by a page, a row not
        # read): their sum says nothing about the total.
        found = _show(round(sum(m for m in maxima if m is not None), 2))
        yield _cannot(f"总分 {_show(out.self_score)}: the {what} read carry {found} of {full} points", concerns)
        return
    total = sum(score for *_, score, _ in parts)
    if _one_unit(out.self_score, total):
        yield _holds()
        return
    yield Outcome("finding", f"the {what} add up to {_show(round(total, 2))}, the report's 总分 is "
                             f"{_show(out.self_score)}",
                  stated=_show(out.self_score), expected=_show(round(total, 2)),
                  figures=(Figure("总分", out.self_score, out.self_score_evidence),
                           *(Figure("得分", score, e) for *_, score, e in parts)),
                  concerns=concerns)


GRADES = {"优": ("优", "优秀"), "良": ("良", "良好"), "中": ("中", "中等", "合格", "一般"), "差": ("差", "较差", "不合格")}


def _band(score: float, bands: dict[str, float]) -> str:
    return next(grade for grade, floor in bands.items() if score >= floor)


def grade_matches_band(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    if not out.self_grade:
        return
    grade = next((g for g, words in GRADES.items() if out.self_grade.strip() in words), None)
    if grade is None:
        yield _cannot(f"自评等级 {out.self_grade!r} is not one of 优/良/中/差")
        return
    if out.self_score is None:
        yield _cannot(f"自评等级 {out.self_grade} stated without a 总分")
        return
    if out.self_score > rule.parameters["full_marks"]:
        yield _cannot(f"总分 {_show(out.self_score)} is not out of {rule.parameters['full_marks']}")
        return
    band = _band(out.self_score, rule.parameters["bands"])
    if band == grade:
        yield _holds()
        return
    yield Outcome("finding", f"总分 {_show(out.self_score)} falls in the band {band}, the report grades itself "
                             f"{out.self_grade}",
                  stated=out.self_grade, expected=band,
                  figures=(Figure("总分", out.self_score, out.self_score_evidence),
                           Figure("自评等级", out.self_grade, out.self_score_evidence)))


def execution_rate_computed(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    """Each stated rate against the budgets and expenditures of the same source, task and
    project: it holds when one pair gives it (a report may state several budgets)."""
    def pairs(source: str, task: int | None, project: int | None) -> list[tuple[int, Fund, int, Fund]]:
        same = [(k, f) for k, f in enumerate(out.funds)
                if f.source == source and f.task == task and f.project == project]
        return [(kb, b, ke, e) for kb, b in same if b.kind == "budget" for ke, e in same if e.kind == "expenditure"]

    stated: list[tuple[float, Evidence | None, str, int | None, int | None, tuple[tuple[str, int], ...]]] = [
        (f.execution_rate, f.evidence, f.source, f.task, f.project, (("Fund", k),))
        for k, f in enumerate(out.funds) if f.execution_rate is not None]
    if out.execution_rate is not None and not any(f.source == "total" and f.execution_rate is not None
                                                  for f in out.funds):
        top = next((f for f in out.funds if f.source == "total" and f.task is None), None)
        stated.append((out.execution_rate, out.execution_rate_evidence, "total", None,
                       top.project if top else None, ()))
    for rate, evidence, source, task, project, concerns in stated:
        found = [(kb, b, ke, e) for kb, b, ke, e in pairs(source, task, project) if b.amount > 0]
        if not found:
            yield _cannot(f"执行率 {_show(rate)}% stated, no 全年预算数 and 全年执行数 of the same funds read", concerns)
            continue
        computed = [100 * e.amount / b.amount for _, b, _, e in found]
        if any(_one_unit(rate, c) for c in computed):
            yield _holds()
            continue
        kb, budget, ke, spent = found[0]
        yield Outcome("finding", f"执行率 stated {_show(rate)}%, 全年执行数 {_show(spent.amount)} / 全年预算数 "
                                 f"{_show(budget.amount)} gives {computed[0]:.2f}%",
                      stated=f"{_show(rate)}%", expected=f"{computed[0]:.2f}%",
                      figures=(Figure("执行率", f"{_show(rate)}%", evidence),
                               Figure("全年预算数", budget.amount, budget.evidence),
                               Figure("全年执行数", spent.amount, spent.evidence)),
                      concerns=tuple(dict.fromkeys((*concerns, ("Fund", kb), ("Fund", ke)))))


def execution_rate_score(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    for index, fund in enumerate(out.funds):
        if fund.score is None:
            continue
        concerns = (("Fund", index),)
        if fund.max_score is None or fund.execution_rate is None:
            yield _cannot(f"the funds row's 得分 {_show(fund.score)} without its "
                          f"{'分值' if fund.max_score is None else '执行率'}", concerns)
            continue
        expected = min(fund.execution_rate, 100.0) / 100 * fund.max_score
        if _rounds_to(fund.score, expected) or fund.score < expected:
            yield _holds()
            continue
        yield Outcome("finding", f"执行率 {_show(fund.execution_rate)}% × 分值 {_show(fund.max_score)} gives "
                                 f"{_show(round(expected, 2))}, the funds row gives {_show(fund.score)}",
                      stated=_show(fund.score), expected=_show(round(expected, 2)),
                      figures=(Figure("执行率", f"{_show(fund.execution_rate)}%", fund.evidence),
                               Figure("分值", fund.max_score, fund.evidence), Figure("得分", fund.score, fund.evidence)),
                      concerns=concerns)


def deviation_explained(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    below = [(k, i) for k, i in _scored_indicators(out) if i.origin == "table" and i.status == "not_met"]
    if below and not any(word in out.text for word in rule.parameters["column"]):
        # A form whose text has no such column (a page of it, a provincial variant) cannot be held to it.
        yield _cannot(f"{len(below)} indicators below target; no 偏差原因 column in the text",
                      tuple(("Indicator", k) for k, _ in below))
        return
    for index, indicator in below:
        if indicator.deviation_reason and indicator.deviation_reason.strip(" -—/无"):
            yield _holds()
            continue
        yield Outcome("finding", f"{indicator.name}: below target ({indicator.target_text} → {indicator.actual_text}) "
                                 "with no 偏差原因分析及改进措施",
                      stated="", expected="偏差原因分析及改进措施",
                      figures=_indicator_figures(indicator, "target", "actual"), concerns=(("Indicator", index),))


def _first_level(indicator: Indicator) -> str | None:
    text = indicator.level1 or ""
    return next((key for key, word in (("产出", "产出"), ("效益", "效益"), ("满意度", "满意")) if word in text), None)


def first_level_weights(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    if out.kind not in ("project_form", "project_report"):
        return
    scored = [(k, i) for k, i in _scored_indicators(out) if i.max_score is not None]
    if not scored:
        return
    concerns = tuple(("Indicator", k) for k, _ in scored)
    if any(_first_level(i) is None for _, i in scored):
        yield _cannot("some scored indicators have no 一级指标 read", concerns)
        return
    weights = {key: 0.0 for key in rule.parameters["weights"]}
    for _, indicator in scored:
        weights[_first_level(indicator)] += indicator.max_score
    row = _fund_row(out)
    if row and row[1].max_score is not None:
        weights["预算执行率"] = row[1].max_score
        concerns += (("Fund", row[0]),)
    full = rule.parameters["full_marks"]
    total = sum(weights.values())
    found = "、".join(f"{key} {_show(value)}" for key, value in weights.items())
    default = "、".join(f"{key} {_show(value)}" for key, value in rule.parameters["weights"].items())
    if total > full + 0.01:
        yield Outcome("finding", f"the 分值 read add up to {_show(total)}, more than the {full} the form is out of "
                                 f"({found})", stated=found, expected=default,
                      figures=tuple(Figure(f"分值 {i.name}", i.max_score, i.evidence) for _, i in scored),
                      concerns=concerns, severity="warning")
        return
    if total < full - 0.01:
        yield _cannot(f"the 分值 read carry {_show(total)} of {full} points ({found})", concerns)
        return
    if all(abs(weights[key] - value) < 0.01 for key, value in rule.parameters["weights"].items()):
        yield _holds()
        return
    yield Outcome("finding", f"first-level weights {found}; the default is {default} (a department may set others)",
                  stated=found, expected=default,
                  figures=tuple(Figure(f"分值 {i.name}", i.max_score, i.evidence) for _, i in scored),
                  concerns=concerns)


def actual_far_from_target(out: Extraction, rule: Rule) -> Iterator[Outcome]:
    factor = rule.parameters["factor"]
    for index, indicator in enumerate(out.indicators):
        target, actual = indicator.target_value, indicator.actual_value
        if target is None or actual is None or target <= 0 or actual <= 0 or indicator.target_op == "rank<=":
            continue
        ratio = actual / target
        if 1 / factor < ratio < factor:
            yield _holds()
            continue
        yield Outcome("finding", f"{indicator.name}: actual {indicator.actual_text} is {ratio:,.4g} × its target "
                                 f"{indicator.target_text}: a unit mismatch, or a figure read from the wrong cell",
                      stated=indicator.actual_text, expected=f"within ×{factor:g} of {indicator.target_text}",
                      figures=_indicator_figures(indicator, "target", "actual"), concerns=(("Indicator", index),))


RULES: tuple[Rule, ...] = (
    Rule("score_within_max", "得分不超过分值", f"{NATIONAL} 附件项目支出绩效自评表：各项指标得分以其分值为上限",
         "none beyond 0.001 (both figures are written with the same precision)", "error", score_within_max,
         {"epsilon": 0.001}),
    Rule("full_score_below_target", "未完成指标值不得满分",
         f"{NATIONAL}：未完成指标值的，按照完成值与指标值的比例记分",
         "a score within 0.001 of the 分值 counts as full", "warning", full_score_below_target, {"epsilon": 0.001}),
    Rule("score_follows_completion", "定量指标按完成比例记分",
         f"{NATIONAL}：完成指标值的，记该指标所赋全部分值；未完成指标值的，按照完成值与指标值的比例记分"
         "（越低越好的指标以指标值/完成值计）",
         "the expected score rounded up or down at the precision the report writes the score in "
         "(9 for 9.8, 1.9 for 1.946); a score below the proportion is not a finding", "warning",
         score_follows_completion, {"epsilon": 0.001}),
    Rule("total_adds_up", "总分等于各项得分之和",
         f"{NATIONAL}：总分由各项指标得分汇总形成；附件自评表：总分 = 各指标得分 + 预算执行率得分",
         "one unit of the last decimal the total is written with (rounded or truncated); checked only when the "
         "items read carry the full 100 points", "error", total_adds_up, {"full_marks": 100}),
    Rule("grade_matches_band", "自评等级与总分档次相符",
         f"{NATIONAL}：90（含）-100分为优、80（含）-90分为良、60（含）-80分为中、60分以下为差",
         "none: the bands are on the stated total, lower bounds inclusive", "error", grade_matches_band,
         {"full_marks": 100, "bands": {"优": 90.0, "良": 80.0, "中": 60.0, "差": float("-inf")}}),
    Rule("execution_rate_computed", "执行率 = 全年执行数 / 全年预算数",
         f"{NATIONAL} 附件项目支出绩效自评表：执行率（B/A），A 为全年预算数、B 为全年执行数",
         "one unit of the last decimal the rate is written with, at least 0.01 percentage points; holds when any "
         "budget and expenditure of the same source, task and project give it", "error", execution_rate_computed),
    Rule("execution_rate_score", "预算执行率得分 = 执行率 × 分值",
         f"{NATIONAL} 附件项目支出绩效自评表（预算执行率一级指标，分值 10）及各省自评表说明：预算执行率得分 = 执行率 × 分值，"
         "执行率超过 100% 按 100% 计",
         "the expected score rounded up or down at the precision the report writes it in; a lower score (a province "
         "scoring in steps) is not a finding", "warning", execution_rate_score),
    Rule("deviation_explained", "未完成指标说明偏差原因",
         f"{NATIONAL} 附件项目支出绩效自评表“偏差原因分析及改进措施”栏；未完成绩效目标或偏离绩效目标较大的，"
         "要分析说明原因，研究提出改进措施",
         "an empty cell, or one reading only 无 / — / -, counts as none; checked on the scored rows of a form's "
         "indicator table, when the text has the column", "warning", deviation_explained,
         {"column": ("偏差原因", "未完成原因", "原因分析")}),
    Rule("first_level_weights", "一级指标权重",
         f"{NATIONAL}：原则上预算执行率和一级指标权重统一设置为：产出指标 50%、效益指标 30%、服务对象满意度指标 10%、"
         "预算执行率 10%；如有特殊情况，一级指标权重可做适当调整",
         "0.01 point per weight; a form whose 分值 read add up to less than 100 is not evaluable, more than 100 is a "
         "warning", "info", first_level_weights,
         {"full_marks": 100, "weights": {"产出": 50.0, "效益": 30.0, "满意度": 10.0, "预算执行率": 10.0}}),
    Rule("actual_far_from_target", "实际完成值与指标值相差悬殊",
         "perfkg: no rule of the method; a plausibility check of the figures read", "a factor of 1,000 either way",
         "warning", actual_far_from_target, {"factor": 1000.0}),
)
RULE_NAMES = tuple(rule.name for rule in RULES)


def outcomes(out: Extraction) -> Iterator[tuple[Rule, Outcome]]:
    """Every check's every outcome on one report, rule by rule."""
    for rule in RULES:
        for outcome in rule.check(out, rule):
            yield rule, outcome


def audit(out: Extraction) -> list[Finding]:
    """The report's findings: one per check that did not hold, and one per rule gathering
    the items it could not evaluate."""
    findings: list[Finding] = []
    cannot: dict[str, list[Outcome]] = {}
    for rule, outcome in outcomes(out):
        if outcome.verdict == "finding":
            findings.append(_finding(rule.name, outcome.severity or rule.severity, outcome))
        elif outcome.verdict == "not_evaluable":
            cannot.setdefault(rule.name, []).append(outcome)
    for name, gathered in cannot.items():
        concerns = tuple(dict.fromkeys(c for outcome in gathered for c in outcome.concerns))
        evidence = tuple(dict.fromkeys(_evidence_of(out, label, index) for label, index in concerns))
        findings.append(Finding(rule=name, severity="not_evaluable",
                                message=f"not evaluable ({len(gathered)}): " + "; ".join(o.message for o in gathered),
                                evidence=evidence, concerns=concerns))
    return findings


def _finding(rule: str, severity: str, outcome: Outcome) -> Finding:
    """The figures said once per place they are read from: `分值 20, 得分 18 (lines 74–80)`."""
    by_place: dict[Evidence | None, list[Figure]] = {}
    for figure in outcome.figures:
        by_place.setdefault(figure.evidence, []).append(figure)
    figures = tuple(", ".join(f"{f.what} {_show(f.value)}" for f in group)
                    + (f" ({place.location})" if place is not None and place.location else "")
                    for place, group in by_place.items())
    return Finding(rule=rule, severity=severity, message=outcome.message, stated=outcome.stated,
                   expected=outcome.expected, figures=figures,
                   evidence=tuple(place for place in by_place if place is not None), concerns=outcome.concerns)


def _evidence_of(out: Extraction, label: str, index: int) -> Evidence:
    items: dict[str, list[Indicator] | list[Fund] | list[ScoreItem]] = {
        "Indicator": out.indicators, "Fund": out.funds, "ScoreItem": out.score_items}
    return items[label][index].evidence
