"""Was an indicator met? The rules of GUIDE section 3.

`met` when the actual satisfies the target in the measure's direction (higher
is better unless the target is a ceiling: 发生率, 事故, `0次`, `≤`); `not_met`
when it does not; `unknown` when the text gives no way to compare. Ranks,
grades and done-states compare. A completion rate against a plan is met at
100% and not met below; a rate that is itself the measure is an actual value
(met at 100% or more, since a measure's completion is then whole, else
unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .chars import to_simplified
from .numbers import Value, compatible_units

# Measures where less is better: a target on them is a ceiling.
CEILING = re.compile(
    r"发生率|发生数|事故|伤亡|死亡|超标|上访|火灾|案发|警情|感染|逾期|差错|投诉率|返贫|欠薪|流失|受害率|成灾率"
    r"|成本(?!节约)"  # a cost row (成本指标: 培训成本 400元/人·天) is a ceiling
)
# A cell or sentence that itself says the plan or standard was reached.
_SAYS_MET = re.compile(
    r"超额完成|超指标完成|完成[^，。；,;]{0,16}?(?:任务指标|考核指标|目标任务|年度任务|全年任务|考核任务)"
    r"|(?:均|已|全部)+完成[^，。；,;\d%]{0,8}?(?:任务|目标|计划)(?![^，。；,;]{0,4}\d)"
    r"|达到[^，。；,;]{0,8}?(?:规定|考核|管养|国家|省|市)?标准|(?<![未不])达标(?!率)"
)
_SAYS_NOT_MET = re.compile(r"未(?:能)?(?:完成|达到|达标|实现)|没有完成|差距较大")
# An actual that says the work is still under way: short of any target.
_IN_PROGRESS = re.compile(r"建设中|推进中|实施中|进行中|正在|尚未|未完工|未竣工|部分完成|基本完成")
# An actual that says the standard or plan was followed (按该标准发放, 在规定时间内完成).
_AS_PLANNED = re.compile(r"按(?:该|此|照|规定|既定|计划|要求|时)?(?:的)?(?:标准|时限|计划|要求|进度)?(?:发放|完成|执行|落实)"
                         r"|在规定(?:时间|时限|期限)内完成|如期完成|按期完成|按时完成|及时完成")
# A qualitative target reached: the actual affirms what the target asks for
# (有所提升 against 养老服务提升, 改善条件 against 明显改善).
_AFFIRMS = re.compile(r"提升|提高|改善|增强|完成|达到|实现|有效|合格|达标|到位|落实|满意|好转|优化|健全|规范|稳定|保障")


@dataclass(frozen=True, slots=True)
class Judgement:
    status: str  # met | not_met | unknown
    op: str | None  # the comparison used: >= <= = rank<=


def direction(name: str, target: Value | None) -> str:
    """'<=' when the target is a ceiling, else '>='."""
    if target is not None and (target.op == "<=" or target.kind == "zero"):
        return "<="
    if CEILING.search(name or ""):
        return "<="
    return ">="


def judge(
    name: str,
    target: Value | None,
    actual: Value | None,
    *,
    completion_rate: float | None = None,
    rate_against_plan: bool = False,
    statement: str = "",
) -> Judgement:
    """Decide the status of one indicator.

    completion_rate with rate_against_plan: the source states the achieved
    value as a percent of a plan (完成率 131%, 完成全年任务的 106.01%).
    Without rate_against_plan it is a rate that is itself the measure.
    statement: the cell or clause the actual came from, for explicit wording
    such as 超额完成 or 达到规定标准.
    """
    op = target.op if target is not None else None
    statement = to_simplified(statement)
    if completion_rate is not None and rate_against_plan:
        return Judgement("met" if completion_rate >= 100 else "not_met", op or ">=")
    if target is not None and actual is not None:
        verdict = _compare(name, target, actual)
        if verdict is not None:
            return verdict
    if target is None:
        if completion_rate is not None and completion_rate >= 100:
            return Judgement("met", None)
        if statement and _SAYS_NOT_MET.search(statement):
            return Judgement("not_met", None)
        if statement and _SAYS_MET.search(statement):
            return Judgement("met", None)
    return Judgement("unknown", op)


def _compare(name: str, target: Value, actual: Value) -> Judgement | None:
    if actual.kind == "text" and re.search(r"未|没有", actual.text):
        return Judgement("not_met", target.op)
    if _IN_PROGRESS.search(actual.text) and not _IN_PROGRESS.search(target.text):
        return Judgement("not_met", target.op)
    if target.text and target.text == actual.text:
        return Judgement("met", "=")  # the same words, the same date, the same state
    if _AS_PLANNED.search(actual.text) and target.kind in ("number", "date", "done", "text"):
        return Judgement("met", target.op or "=")
    if target.kind == "date":
        if actual.kind == "date":
            return Judgement("met" if actual.value <= target.value else "not_met", "<=")
        if actual.kind == "done":
            return Judgement("met", "<=")
        return None
    if target.kind == "text" and actual.kind in ("text", "done") and _AFFIRMS.search(actual.text):
        return Judgement("met", "=")
    if target.kind == "zero":
        if actual.kind == "zero":
            return Judgement("met", "<=")
        if actual.kind == "number":
            return Judgement("met" if actual.value == 0 else "not_met", "<=")
        return None
    if target.kind == "rank" and actual.kind == "rank":
        return Judgement("met" if actual.value <= target.value else "not_met", "rank<=")
    if target.kind == "grade" and actual.kind == "grade":
        return Judgement("met" if actual.value >= target.value else "not_met", ">=")
    if target.kind == "done":
        if actual.kind == "done":
            return Judgement("met", "=")
        if actual.kind == "number" and actual.unit == "%":
            return Judgement("met" if actual.value >= 100 else "not_met", "=")
        return None
    if target.kind == "number":
        if actual.kind == "done":
            return Judgement("met", target.op or direction(name, target))
        if actual.kind == "zero":
            way = direction(name, target)
            if way == "<=" or target.value == 0:
                return Judgement("met", way)
            return Judgement("not_met", way)
        # A form's 度量单位 column gives the unit once, for the target: an
        # actual written without one is in the same unit.
        if actual.kind == "number" and (actual.unit is None or compatible_units(target.unit, actual.unit)):
            if target.unit == "级" or actual.unit == "级":
                return Judgement("met", "=") if actual.value == target.value else None
            way = target.op or direction(name, target)
            if way == "<=":
                ok = actual.value <= target.value + 1e-9
            else:
                ok = actual.value >= target.value - 1e-9
            return Judgement("met" if ok else "not_met", way)
    return None
