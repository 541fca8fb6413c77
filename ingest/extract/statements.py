"""Reading one statement of achievement: what it measures, and what it says
about the plan (a completion rate, a plan quantity, 超额完成 ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..numbers import quantities

CATEGORY = re.compile(r"(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度)指标")

# Qualifiers that make a 完成率 a timeliness or handling ratio, not a
# completion against a plan (按时完成率 95.3% is how many were on time).
TIMELINESS = re.compile(r"(?:按时|及时|准时|按期|办结|结案|整改)$")

# 完成率 R% / 完成率达 R%
_RATE = re.compile(r"(?P<q>[\u4e00-\u9fa5]{0,6}?)完成(?:比例|率|进度)(?:为|是|达到|达|约)?\s*(?:约)?\s*(?P<r>\d+(?:\.\d+)?)\s*%")
# 完成(全年)X(目标|考核)?任务(量)?(T)?的 R% ; 占…任务的 R% ; 完成年度考核指标率 R%
_PLAN_RATE = re.compile(
    r"(?:完成|占|达到|为)(?:了)?(?P<plan>[^，。；,;]{0,30}?(?:任务|目标|计划|指标)(?:量|数)?[^，。；,;]{0,16}?)的\s*(?P<r>\d+(?:\.\d+)?)\s*%"
    r"|完成(?:年度|全年)?(?:考核)?指标率(?:高达|达到|达|为)?\s*(?P<r2>\d+(?:\.\d+)?)\s*%"
    r"|(?P<r3>\d+(?:\.\d+)?)\s*%\s*完成(?:了)?[^，。；,;]{0,20}?(?:要求|任务|目标|计划)"
)

_LEAD = re.compile(r"^(?:全年|今年|年内|本年|累计|共计|合计|共|先后|已|目前已|目前|截至[^，,]{0,12}[，,]?|其中|并|还|同时|通过|完成了|完成|的)+")
_TAIL = re.compile(r"(?:共计|合计|累计|共|达到|达|约|为|超|近|逾|的)+$")


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """What a statement says about its plan."""

    completion_rate: float | None = None
    against_plan: bool = False  # the rate is a percent of a plan, not the measure itself
    target_text: str | None = None  # a plan quantity it names (完成全年30万平方米拆违目标任务的…)


def plan_facts(text: str) -> PlanFacts:
    """Completion rates and plan quantities in a cell or clause."""
    if "%" not in text:
        return PlanFacts()  # every rate is a percent; the searches are slow
    m = _PLAN_RATE.search(text)
    if m:
        rate = float(m.group("r") or m.group("r2") or m.group("r3"))
        target = None
        if m.group("plan"):
            plan_quantities = quantities(m.group("plan"), need_unit=True)
            if plan_quantities:
                target = plan_quantities[0].text.replace(" ", "")
        return PlanFacts(rate, True, target)
    for m in _RATE.finditer(text):
        if TIMELINESS.search(m.group("q")):
            continue
        return PlanFacts(float(m.group("r")), False, None)
    return PlanFacts()


# A space with something other than a Latin letter, digit or space on one side.
_WRAP_SPACE = re.compile(r"(?<=[^A-Za-z0-9 ]) | (?=[^A-Za-z0-9 ])")


# A pinyin gloss a traditional-character mirror puts after a character: 鎮(zhèn).
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\s*[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]{1,8}[)）]")


def strip_glosses(text: str) -> str:
    """鎮(zhèn)污水處理廠 -> 鎮污水處理廠."""
    return _GLOSS.sub("", text)


def tidy(text: str) -> str:
    """Drop PDF wrap spaces between Chinese characters and around numbers:
    强化社 会管理 -> 强化社会管理, 4.71 亿元 -> 4.71亿元; spaces between two
    Latin words or numbers stay."""
    text = " ".join(text.split())
    return _WRAP_SPACE.sub("", text) if " " in text else text


_CLAUSE_BREAK = re.compile(r"[，,。；;：:\s]")
_HAN = re.compile(r"[\u4e00-\u9fa5]")
_LAST_NOTE = re.compile(r"[(（][^()（）]*[)）]$")  # a bracketed note ending the clause


def measure_name(text: str) -> str:
    """A short name for what a statement measures: its first clause when that
    clause says what was done without a number (开放党风家风展览，…服务近2000人次),
    else the words before the first value (召开党建工作会议10余次 -> 召开党建工作会议)."""
    text = tidy(text)
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c]
    if not clauses:
        return text[:40]
    first = clauses[0]
    if not quantities(first, need_unit=True) and len(_HAN.findall(first)) >= 4:
        return _LEAD.sub("", first).strip("，,、 ")[:40] or first[:40]
    chosen = next((c for c in clauses if quantities(c, need_unit=True)), first)
    chosen = _LAST_NOTE.sub("", chosen)
    found = quantities(chosen, need_unit=True)
    if found:
        head = _TAIL.sub("", _LEAD.sub("", chosen[: found[0].start]))
        if len(_HAN.findall(head)) >= 4:
            name = head
        else:
            name = chosen
            for q in reversed(found):
                name = name[: q.start] + name[q.end :]
            name = _TAIL.sub("", _LEAD.sub("", name))
    else:
        name = _LEAD.sub("", chosen)
    name = name.strip("，,、 ")
    return (name or chosen)[:40]
