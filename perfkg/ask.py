"""Questions in Chinese (or English) answered by a named query: a deterministic
router, offline, that always says how it read the question.

A question is read in three steps, the design of snips-nlu and Rasa without
a model:

1. Slots, from the graph's own vocabulary: topics and functions of expenditure
   by every SKOS label (ontology/topics.ttl), departments, districts, cities and
   projects by the names the store holds (full names, short names, names without
   their place prefix), metrics by every label (name, the names reports gave
   them, keys), indicator categories (满意度类), years (2022年, 二〇二二年, 22年, 去年 = the latest year
   loaded less one), statuses (没完成, 未达标 / 已完成, 达标), report kinds
   (项目自评表, 部门整体), kinds and sources of money (年初预算, 财政拨款). The
   question is cut into words by jieba with all of these added to its
   dictionary, and a name is found only where it is whole words, longest first.
2. The intent, from cue words (扣分, 问题, 预算执行, 比较, 历年, 概况 …) and the
   question's shape (a status with 多少 or 各区 is a count by year and district;
   a department with 指标 and nothing else is that department's indicators).
   A metric's label that leads to no query of metrics is no metric: the question
   is read again without them, as it was before the store had metrics.
3. The named query of that intent, with every slot given to the parameter that
   takes it. A slot the query has no parameter for is never dropped silently:
   the question is refused, with the named queries that could take it.

Traditional characters are read as simplified, full-width as half-width.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from perfkg import ontology
from perfkg.cypher import catalogue

# -- the fixed vocabulary: words of the genre and of questions ------------------------------------

STATUS_WORDS = {
    "not_met": ["没有完成", "没完成", "未完成", "未能完成", "完不成", "未达标", "没达标", "没有达标", "不达标",
                "低于目标", "低于预期", "不及预期", "未及预期", "未能达到", "未达到预期", "没达到预期", "没有达到预期", "未达预期", "未达到目标", "没达到目标",
                "没有达到目标", "未达到", "没达到", "没有达到", "未实现", "没实现", "没有实现", "未达成", "没达成", "没搞定", "没做到", "未做到", "没做完", "不合格",
                "not met", "unmet", "missed", "miss", "misses", "below target", "below their target", "below its target",
                "fell short", "not achieved", "failed"],
    "met": ["已完成", "完成了", "已经完成", "达标", "已达标", "达标了", "达到目标", "达到预期", "已实现", "实现了",
            "已达成", "达成了", "met", "achieved", "reached"],
    "unknown": ["无法判断", "不能判断", "无法比较", "状态未知", "未知", "状态不明", "不确定", "unknown", "undetermined"],
}
STATUS_ZH = {"not_met": "未达标", "met": "已达标", "unknown": "未知"}

REPORT_KIND_WORDS = {
    "project_form": ["项目自评表", "项目支出绩效自评表", "项目绩效自评表", "项目支出自评表", "project form",
                     "project forms"],
    "project_report": ["项目自评报告", "项目支出绩效自评报告", "项目绩效自评报告", "项目支出自评报告",
                       "project report", "project reports"],
    "department_form": ["部门整体自评表", "部门整体支出绩效自评表", "部门自评表", "整体支出绩效自评表",
                        "department form", "department forms"],
    "department_report": ["部门整体", "部门整体支出", "部门整体支出绩效", "部门整体自评报告", "部门整体支出绩效自评报告", "部门自评报告",
                          "整体支出绩效自评报告", "department report", "department reports"],
    "target_declaration": ["绩效目标表", "绩效目标申报表", "目标申报表", "申报表", "目标表",
                           "target declaration", "target declarations"],
}
REPORT_KIND_ZH = {"project_form": "项目自评表", "project_report": "项目自评报告", "department_form": "部门整体自评表",
                  "department_report": "部门整体自评报告", "target_declaration": "绩效目标表"}

FUND_KIND_WORDS = {
    "initial_budget": ["年初预算", "年初预算数"],
    "budget": ["全年预算", "全年预算数", "调整后预算", "调整后预算数", "预算数"],
    "adjustment": ["预算调整", "年度调整", "调整额"],
    "expenditure": ["执行数", "全年执行数", "实际支出", "支出数"],
    "basic_expenditure": ["基本支出"],
    "project_expenditure": ["项目支出"],
    "carryover": ["结转结余", "结转和结余", "结转", "结余", "上年结转"],
    "task_allocation": ["任务涉及资金"],
}
FUND_KIND_ZH = {"initial_budget": "年初预算", "budget": "全年预算", "adjustment": "调整额", "expenditure": "支出",
                "basic_expenditure": "基本支出", "project_expenditure": "项目支出", "carryover": "结转结余",
                "task_allocation": "任务涉及资金"}

FUND_SOURCE_WORDS = {
    "total": ["资金总额", "年度资金总额"],
    "fiscal_appropriation": ["财政拨款", "当年财政拨款"],
    "general_public_budget": ["一般公共预算"],
    "government_fund_budget": ["政府性基金预算", "政府性基金"],
    "state_capital_budget": ["国有资本经营预算"],
    "other": ["其他资金"],
}
FUND_SOURCE_ZH = {"total": "资金总额", "fiscal_appropriation": "财政拨款", "general_public_budget": "一般公共预算",
                  "government_fund_budget": "政府性基金预算", "state_capital_budget": "国有资本经营预算",
                  "other": "其他资金"}

SEVERITY_WORDS = {"error": ["错误", "error", "errors"], "warning": ["警告", "warning", "warnings"],
                  "info": ["提示", "info"], "not_evaluable": ["无法核查", "不能核查", "无法检查", "not evaluable"]}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示", "not_evaluable": "无法核查"}
RULE_WORDS = {
    "score_within_max": ["得分超过分值", "超过满分", "超出分值", "得分超过满分"],
    "total_adds_up": ["总分对不上", "总分不符", "合计不符", "总分加不上"],
    "grade_matches_band": ["等级不符", "等级与得分不符", "等级和分数不符"],
    "execution_rate_computed": ["执行率算错", "执行率不符", "执行率对不上"],
    "deviation_explained": ["偏差原因", "未说明偏差原因", "没有说明偏差原因"],
    "actual_far_from_target": ["相差悬殊", "实际值与目标值相差悬殊"],
}

# Cue words: what the question asks for, whatever it names.
CUES = {
    "indicator": ["指标", "绩效指标", "绩效目标", "指标值", "indicator", "indicators", "metrics", "kpi", "kpis", "targets"],
    "count": ["多少", "几个", "几项", "几条", "数量", "个数", "指标数", "统计", "汇总", "最多", "how many", "number of",
              "count", "the most"],
    "by_place_year": ["按年", "按年份", "按年度", "按区", "分年", "分区", "各区", "每个区", "每年", "各年",
                      "区县", "年度和区", "哪些区", "哪个区", "by year", "by district", "per district", "per year", "each district",
                      "which districts", "which district"],
    "distribution": ["分布"],
    "budget_execution": ["预算执行", "预算执行率", "预算执行情况", "执行率", "执行情况", "budget execution",
                         "execution rate"],
    "rank": ["排名", "排行", "最高", "最低", "最好", "最差", "排一下", "排序", "ranking", "rank", "highest", "lowest",
             "best", "worst"],
    "compare": ["比较", "对比", "相比", "横向", "比一比", "compare", "comparison", "side by side"],
    "over_years": ["历年", "逐年", "这几年", "近几年", "多年", "各年度", "历次", "跨年", "变化", "趋势", "走势",
                   "over the years", "across years", "across the years", "trend", "over time"],
    "profile": ["概况", "基本情况", "总体情况", "整体情况", "画像", "简介", "介绍", "档案", "全貌", "职责", "职能",
                "内设机构", "机构设置", "做什么", "干什么", "基本信息", "profile", "overview", "duties"],
    # How something went, in general: a department's profile, a topic's indicators.
    "how": ["怎么样", "咋样", "如何", "情况", "表现", "做得", "信息", "查一下", "看看", "how did", "how is", "how are",
            "how was"],
    "reports": ["报告", "自评报告", "自评表", "报告列表", "report", "reports"],
    "self_score": ["自评得分", "自评分", "得分", "总分", "self score", "self-score", "score"],
    "funds": ["资金", "经费", "预算", "支出", "拨款", "钱", "金额", "花了多少", "资金情况", "资金使用情况", "资金分配",
              "funds", "fund", "money", "budget", "budgets", "spending", "spent", "expenditure", "funding"],
    "problems": ["问题", "不足", "短板", "整改", "措施", "改进", "建议", "下一步", "困难", "problems", "problem",
                 "issues", "measures", "weaknesses"],
    "deductions": ["扣分", "失分", "丢分", "减分", "扣了分", "满分", "扣分项", "deductions", "deducted", "lose points",
                   "lost points", "lose marks", "lost marks"],
    "projects": ["项目", "projects", "project"],
    "tasks": ["任务", "重点任务", "工作任务", "重点工作", "tasks", "task"],
    "coverage": ["覆盖", "覆盖情况", "涉及哪些", "关注哪些", "哪些领域", "哪些主题", "主题", "领域", "coverage",
                 "covered", "topics"],
    "function_word": ["支出功能", "功能分类", "支出功能分类", "功能科目", "按功能", "function of expenditure",
                      "functions of expenditure", "expenditure function", "expenditure functions", "by function"],
    "checks": ["核查", "勾稽", "校验", "算术", "对不上", "不一致", "算错", "自相矛盾", "核查发现", "检查发现",
               "findings", "checks", "audit", "inconsistent", "inconsistencies"],
    "high_score": ["自评分高", "自评得分高", "打高分", "高分", "分数虚高", "自评优秀", "自评为优", "给自己打",
                   "high self score", "high self-score", "scored themselves high", "score themselves high"],
    "facts": ["事实", "抽取", "提取", "抽取出", "全部事实", "所有事实", "里有什么", "facts", "extracted"],
    # The metrics themselves: the concepts that indicators of many reports measure.
    "metric_concepts": ["指标概念", "指标口径", "统一指标", "标准指标", "同一指标", "同一个指标", "指标名称", "叫法",
                        "别名", "说法", "metric concepts", "canonical metrics", "metric names"],
    # Departments side by side: the subject of a comparison on one metric.
    "across_departments": ["各街道", "各部门", "各单位", "各镇", "各个部门", "各个街道", "哪个街道", "哪些街道",
                           "哪个部门", "哪些部门", "哪个单位", "部门之间", "街道之间", "across departments",
                           "which department", "which departments", "each department"],
}

RELATIVE_YEARS = {"今年": 0, "本年": 0, "本年度": 0, "最近一年": 0, "最新一年": 0, "this year": 0,
                  "去年": -1, "last year": -1, "前年": -2, "the year before last": -2}

PARAM_ZH = {"topic": "主题", "function": "支出功能", "department": "部门", "district": "区", "year": "年份",
            "status": "状态", "report_kind": "报告类型", "kind": "资金类型", "source": "资金来源", "project": "项目",
            "report": "报告", "city": "城市", "rule": "核查规则", "severity": "严重程度", "min_score": "自评分不低于",
            "min_below": "未达标指标至少", "metric": "指标概念", "framework": "指标类别",
            "search": "指标概念"}

QUERY_ZH = {
    "indicators_below_target": "未达标的指标",
    "below_target_by_year_and_district": "按年份和区统计未达标指标",
    "budget_execution": "预算执行率排名",
    "compare_departments": "各部门在一个主题上的对比",
    "department_indicators": "一个部门的指标",
    "department_over_years": "一个部门历年的指标",
    "department_profile": "部门概况",
    "department_reports": "一个部门的报告",
    "function_coverage": "按支出功能分类的指标覆盖",
    "funds": "资金",
    "indicators_by_topic": "按主题的指标",
    "problems_and_measures": "问题与改进措施",
    "projects": "项目",
    "report_facts": "一份报告抽取的全部事实",
    "score_deductions": "扣分项",
    "task_funding": "任务及其资金",
    "topic_coverage": "各部门的主题覆盖",
    "findings": "报告算术核查的发现",
    "self_score_against_indicators": "自评分高而指标未达标的报告",
    "metric_over_years": "一个指标概念历年、各部门的值",
    "compare_on_metric": "各部门在一个指标概念上的对比",
    "metrics": "指标概念",
}

# The named queries of one metric: a metric's label read elsewhere is read as the words it is made of.
METRIC_QUERIES = ("metric_over_years", "compare_on_metric", "metrics")

# Which named queries each cue points to: the closest queries of a question it cannot route.
CUE_QUERIES = {
    "indicator": ["indicators_by_topic", "indicators_below_target", "department_indicators"],
    "count": ["below_target_by_year_and_district", "function_coverage"],
    "by_place_year": ["below_target_by_year_and_district"],
    "distribution": ["topic_coverage", "function_coverage"],
    "budget_execution": ["budget_execution"], "rank": ["budget_execution"],
    "compare": ["compare_departments", "compare_on_metric"], "over_years": ["department_over_years", "metric_over_years"],
    "metric_concepts": ["metrics"], "across_departments": ["compare_on_metric", "compare_departments"],
    "profile": ["department_profile"], "reports": ["department_reports"], "self_score": ["department_reports"],
    "funds": ["funds", "task_funding", "budget_execution"], "problems": ["problems_and_measures"], "deductions": ["score_deductions"],
    "projects": ["projects"], "tasks": ["task_funding"], "coverage": ["topic_coverage"],
    "function_word": ["function_coverage"], "facts": ["report_facts"], "checks": ["findings"],
    "high_score": ["self_score_against_indicators"],
    "how": ["department_profile", "indicators_by_topic"],
}

# A place's name ends in one of these (广州市, 黄埔区, 井研县): a department's name
# without its place prefix is how people call it (夏港街道办事处, 民政局).
_PLACE_PREFIX = re.compile(r"^(.{1,8}?(?:自治区|自治州|自治县|省|市|州|盟|地区|县|区|旗))(?=.)")
_GOVERNMENT = re.compile(r"^人民政府")
_UNIT_SUFFIX = re.compile(r"(?:办事处|人民政府|政府)$")
_PROJECT_SUFFIX = re.compile(r"(?:专项资金|补助资金|专项经费|资金|经费|费用|项目|工程)$")
_GENERIC = {"人民政府", "政府", "办事处", "街道", "街道办事处"}

_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.%])")
_SHORT_YEAR = re.compile(r"(?<![\d.])([12]\d)\s*年(?!度?\d)")  # 22年: 2010 to 2029
_CHINESE_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")
_CHINESE_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
# A threshold of self score (90分以上, 高于85分) and a least number of indicators below target (3个指标未达标).
_MIN_SCORE = re.compile(r"(?:高于|超过|不低于|至少|大于|>=?)\s*(\d{2}(?:\.\d+)?)\s*分|(\d{2}(?:\.\d+)?)\s*分(?:及)?以上")
_MIN_BELOW = re.compile(r"(?:至少|不少于|超过)?\s*(\d{1,3})\s*(?:个|项|条)(?:及)?(?:以上)?(?:的)?(?:指标)?"
                        r"(?=(?:未达标|没完成|未完成|没达标|没有完成|低于目标))")
_FUNCTION_CODE = re.compile(r"(?:功能分类|功能科目|科目|功能|分类|function)\s*(2\d{2})(?!\d)|(?<!\d)(2\d{2})\s*(?:类|科目)")
_REPORT_REF = re.compile(r"report-[0-9a-f]{8,}|[\w\-.]+\.(?:txt|text|md|markdown|html?|pdf|docx?|xlsx?|xlsm|wps|et)\b",
                         re.I)
# 统计 is a topic (statistics work) as the subject of a question, else the verb "count".
_STATISTICS_TOPIC = re.compile(r"统计(?:工作|方面|相关|类|领域|调查|数据|的指标|指标)")


class Unroutable(ValueError):
    """A question no named query answers as asked; carries the closest queries."""

    def __init__(self, question: str, reason: str, suggestions: list[dict], *, asked: bool = True):
        super().__init__(reason)
        self.question = question
        self.reason = reason
        self.suggestions = suggestions
        self.asked = asked  # whether it reads as a question at all (else it is a name, or nothing known)

    def answer(self) -> dict:
        return {"question": self.question, "query": None, "params": None, "cypher": None,
                "interpretation": f"无法回答：{self.reason}", "suggestions": self.suggestions, "rows": None}


# -- the graph's vocabulary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    short_name: str | None
    district: str | None
    city: str | None


@dataclass(frozen=True)
class Vocabulary:
    """The names a question can mention, as the store holds them."""

    departments: tuple[Department, ...]
    districts: tuple[tuple[str, str | None], ...]  # (district, its city)
    projects: tuple[str, ...]
    latest_year: int | None
    metrics: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (id, name, every label: aliases and keys)

    @classmethod
    def read(cls, store) -> "Vocabulary":
        departments = store.read(
            "MATCH (d:Department) OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District) "
            "OPTIONAL MATCH (x)-[:IN_CITY]->(c:City) "
            "RETURN d.id, d.name, d.short_name, x.name, c.name ORDER BY d.id").rows
        projects = store.read("MATCH (p:Project) RETURN DISTINCT p.name ORDER BY p.name").rows
        latest = store.read("MATCH (r:Report) RETURN max(r.year)").rows
        metrics = store.read("MATCH (m:Metric) RETURN m.id, m.name, m.aliases, m.keys ORDER BY m.id").rows
        return cls(
            departments=tuple(Department(*row) for row in departments if row[1]),
            districts=tuple(sorted({(row[3], row[4]) for row in departments if row[3]}, key=str)),
            projects=tuple(row[0] for row in projects if row[0]),
            latest_year=int(latest[0][0]) if latest and latest[0][0] is not None else None,
            metrics=tuple((row[0], row[1], tuple((row[2] or []) + (row[3] or []))) for row in metrics if row[1]),
        )


# What the router depends on, in one short read: how many departments, districts, projects,
# reports and metrics the store holds (counted from the stores' label counts, a few ms at 10,000 reports;
# reading every name to compare took 60 ms there). A change of names or years that keeps every
# count is the one a kept router misses.
_FINGERPRINT = (
    "OPTIONAL MATCH (d:Department) WITH count(d) AS departments "
    "OPTIONAL MATCH (x:District) WITH departments, count(x) AS districts "
    "OPTIONAL MATCH (p:Project) WITH departments, districts, count(p) AS projects "
    "OPTIONAL MATCH (r:Report) WITH departments, districts, projects, count(r) AS reports "
    "OPTIONAL MATCH (m:Metric) RETURN departments, districts, projects, reports, count(m) AS metrics"
)


# -- the lexicon: every word a question can use, and what it names -------------------------------------


@dataclass(frozen=True)
class Sense:
    """What a word names: a slot (kind, value) or a cue (kind "cue")."""

    kind: str
    value: Any
    rank: int  # which sense wins when one word has several: the lowest


# Senses of one word, by rank: the words of the genre and of questions first,
# then the graph's own names, then topic labels, then names made by shortening,
# then the labels of metrics (an indicator's name may be a topic's: 垃圾分类 stays the topic).
FIXED, NAME, LABEL, ALIAS, METRIC = range(5)


def _normalise(text: str) -> str:
    from perfkg.ingest.chars import normalise

    return re.sub(r"\s+", " ", normalise(text)).strip().lower()


def _framework_words() -> dict[str, set[str]]:
    """The indicator framework's categories (ontology: pk:IndicatorCategories) by every Chinese
    label: 满意度指标, 满意度类."""
    from rdflib import SKOS

    graph = ontology.ontology_graph()
    found: dict[str, set[str]] = {}
    for concept in graph.subjects(SKOS.inScheme, ontology.PK.IndicatorCategories):
        slug = str(concept).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        for label in (*graph.objects(concept, SKOS.prefLabel), *graph.objects(concept, SKOS.altLabel)):
            if label.language != "zh":  # satisfaction, quality: words of too many English questions
                continue
            words = found.setdefault(slug, set())
            words.add(str(label))
            if str(label).endswith("指标") and len(label) > 2:
                words.add(str(label)[:-2] + "类")  # 满意度类
    return found


class Lexicon:
    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.words: dict[str, list[Sense]] = {}
        scheme = ontology.topics()
        for status, words in STATUS_WORDS.items():
            self._add_all(words, "status", status, FIXED)
        for kind, words in REPORT_KIND_WORDS.items():
            self._add_all(words, "report_kind", kind, FIXED)
        for kind, words in FUND_KIND_WORDS.items():
            self._add_all(words, "kind", kind, FIXED)
        for source, words in FUND_SOURCE_WORDS.items():
            self._add_all(words, "source", source, FIXED)
        for severity, words in SEVERITY_WORDS.items():
            self._add_all(words, "severity", severity, FIXED)
        for rule, words in RULE_WORDS.items():
            self._add_all(words, "rule", rule, FIXED)
        for framework, words in _framework_words().items():
            self._add_all(words, "framework", framework, FIXED)
        for cue, words in CUES.items():
            self._add_all(words, "cue", cue, FIXED)
        for word in RELATIVE_YEARS:
            self._add(word, "relative_year", RELATIVE_YEARS[word], FIXED)
        for topic in scheme.topics.values():
            kind = "function" if topic.is_expenditure_function else "topic"
            self._add_all(topic.labels, kind, topic.slug, LABEL)
            english = topic.name_en.lower()
            self._add(english + " expenditure" if kind == "function" else english, kind, topic.slug, LABEL)
            if kind == "topic":
                self._add(topic.slug.replace("_", " "), kind, topic.slug, LABEL)
        self.department_values = self._department_values()
        for department in vocabulary.departments:
            value = self.department_values[department.id]
            self._add_all({department.name, department.short_name} - {None}, "department", value, NAME)
            self._add_all(_department_aliases(department.name, department.short_name), "department", value, ALIAS)
        for district, city in vocabulary.districts:
            self._add(district, "district", district, NAME)
            stem = re.sub(r"(?:区|县)$", "", district)
            if len(stem) >= 2 and stem != district:
                self._add(stem, "district", district, ALIAS)
            if city:
                self._add(city, "city", city, NAME)
                if len(city) > 3 and city.endswith("市"):
                    self._add(city[:-1], "city", city, ALIAS)
        for project in vocabulary.projects:
            self._add(project, "project", project, NAME)
            self._add_all(_project_aliases(project), "project", project, ALIAS)
        # A question is read without the metrics' labels too: an indicator's name in it that is
        # no question about that metric (生活垃圾分类 in 生活垃圾分类指标没完成) is read as before.
        plain = {word: list(senses) for word, senses in self.words.items()}
        self.metric_values = self._metric_values()
        for metric_id, name, labels in vocabulary.metrics:
            self._add_all({name, *labels}, "metric", self.metric_values[metric_id], METRIC)
        self.plain_words = self._best(plain)
        self.words = self._best(self.words)
        self.longest = max(len(w) for w in self.words)
        self._tokenizer = _tokenizer(self.words)
        self._plain_tokenizer = _tokenizer(self.plain_words) if vocabulary.metrics else self._tokenizer

    @staticmethod
    def _best(words: dict[str, list[Sense]]) -> dict[str, list[Sense]]:
        """Each word with its best-ranked senses only (a kind may name several things: 城市管理局
        is the short name of two departments)."""
        best = {}
        for word, senses in words.items():
            rank = min(s.rank for s in senses)
            best[word] = sorted({s for s in senses if s.rank == rank}, key=lambda s: (s.kind, str(s.value)))
        return best

    def _metric_values(self) -> dict[str, str]:
        """The value a metric is asked by: its name when no other metric has it, else its id."""
        names: dict[str, int] = {}
        for _, name, _ in self.vocabulary.metrics:
            names[name] = names.get(name, 0) + 1
        return {metric_id: name if names[name] == 1 else metric_id for metric_id, name, _ in self.vocabulary.metrics}

    def _add(self, word: str, kind: str, value: Any, rank: int) -> None:
        word = _normalise(word)
        # A name of one character would be found everywhere; a cue word may be one (钱).
        if (len(word) >= 2 or rank == FIXED) and word not in _GENERIC:
            self.words.setdefault(word, []).append(Sense(kind, value, rank))

    def _add_all(self, words, kind: str, value: Any, rank: int) -> None:
        for word in words:
            self._add(word, kind, value, rank)

    def _department_values(self) -> dict[str, str]:
        """The value a department is asked by: its short name when no other department's name
        contains it (the queries match a part of the name), else its full name, else its id."""
        import ahocorasick_rs

        departments = self.vocabulary.departments
        parts = sorted({p for d in departments for p in (d.name, d.short_name) if p})
        # How many departments' names hold each name and short name: one pass over the names.
        holders = [set() for _ in parts]
        finder = ahocorasick_rs.AhoCorasick(parts)
        for index, d in enumerate(departments):
            for part, _, _ in finder.find_matches_as_indexes(d.name, overlapping=True):
                holders[part].add(index)
        held = dict(zip(parts, map(len, holders)))
        return {d.id: (d.short_name if d.short_name and d.short_name in d.name and held[d.short_name] == 1
                       else d.name if held[d.name] == 1 else d.id) for d in departments}

    def find(self, text: str, metrics: bool = True) -> list[tuple[int, int, str]]:
        """(start, end, word) of every lexicon word that is whole words of the text, longest
        first where two overlap; without the metrics' labels unless metrics."""
        words = self.words if metrics else self.plain_words
        tokens = (self._tokenizer if metrics else self._plain_tokenizer).lcut(text, HMM=False)
        bounds = [0]
        for token in tokens:
            bounds.append(bounds[-1] + len(token))
        at = set(bounds)
        # A token of jieba's own dictionary may hold a word of the lexicon at its start or end
        # (招商引资, 各项任务, 哪些项目): that word counts as whole. A token that is itself a word of
        # the lexicon (荔城街道) is never cut.
        inside = {}
        for start, end, token in zip(bounds, bounds[1:], tokens):
            if token not in words and not token.isascii():  # an English word is whole or nothing
                for position in range(start + 1, end):
                    inside[position] = token
        candidates = []
        for start in range(len(text)):
            for end in range(start + 1, min(len(text), start + self.longest) + 1):
                word = text[start:end]
                if word in words and (start in at or end in at) and \
                        (start in at or start in inside) and (end in at or end in inside):
                    candidates.append((start, end, word))
        # Longest first, then leftmost.
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: list[tuple[int, int, str]] = []
        for start, end, word in candidates:
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, word))
        return sorted(taken)


def _department_aliases(name: str, short_name: str | None) -> set[str]:
    forms = {name, short_name} - {None}
    rest = name
    while (m := _PLACE_PREFIX.match(rest)) is not None:
        rest = _GOVERNMENT.sub("", rest[m.end():])
        forms.add(rest)
    for form in list(forms):
        forms.add(_UNIT_SUFFIX.sub("", form))
    for form in list(forms):
        if form.endswith("街道") and len(form) >= 4:
            forms.add(form[:-2])
            forms.add(form + "办事处")
    return {f for f in forms if len(f) >= 2 and f not in _GENERIC} - {name, short_name}


def _project_aliases(name: str) -> set[str]:
    forms = {name}
    rest = name
    while (m := _PLACE_PREFIX.match(rest)) is not None:
        rest = rest[m.end():]
        forms.add(rest)
    for form in list(forms):
        while (shorter := _PROJECT_SUFFIX.sub("", form)) != form and len(shorter) >= 4:
            forms.add(shorter)
            form = shorter
    return {f for f in forms if len(f) >= 4} - {name}


_JIEBA_LOCK = threading.Lock()


def _tokenizer(words):
    """A jieba tokenizer of its own that knows every word of the lexicon."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _JIEBA_LOCK:
        # jieba's own dictionary is loaded once per process (the extractor shares it); each
        # router's tokenizer starts from a copy of it, a few ms instead of a load.
        jieba.dt.check_initialized()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(jieba.dt.FREQ), jieba.dt.total, True
        for word in words:
            if not word.isascii():
                # A frequency far above jieba's common words: a name is cut whole.
                tokenizer.add_word(word, freq=100_000)
    return tokenizer


# -- reading a question ----------------------------------------------------------------------------------


@dataclass
class Reading:
    """What a question mentions."""

    text: str
    slots: dict[str, list] = field(default_factory=dict)
    cues: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    also_department: dict[str, str] = field(default_factory=dict)  # a district's name that names a department too

    def put(self, kind: str, value: Any) -> None:
        values = self.slots.setdefault(kind, [])
        if value not in values:
            values.append(value)


class Router:
    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.lexicon = Lexicon(vocabulary)
        self.scheme = ontology.topics()
        self.department_by_value = {}
        for d in vocabulary.departments:
            self.department_by_value.setdefault(self.lexicon.department_values[d.id], []).append(d)
        self.cities_of_district: dict[str, set] = {}
        for district, city in vocabulary.districts:
            self.cities_of_district.setdefault(district, set()).add(city)

    # -- step 1: slots and cues

    def read(self, question: str, metrics: bool = True) -> Reading:
        text = _normalise(question)
        reading = Reading(text)
        text = self._patterns(text, reading)
        statistics_topic = {m.start() for m in _STATISTICS_TOPIC.finditer(text)}
        words = self.lexicon.words if metrics else self.lexicon.plain_words
        for start, end, word in self.lexicon.find(text, metrics):
            senses = words[word]
            if word == "统计":
                senses = [Sense("topic", "statistics", LABEL)] if start in statistics_topic \
                    else [Sense("cue", "count", FIXED)]
            kinds = {s.kind for s in senses}
            if {"district", "department"} <= kinds:  # 朝天区: a district and a department's short name
                department = next(s.value for s in senses if s.kind == "department")
                senses = [s for s in senses if s.kind == "district"]
                reading.also_department.update({s.value: department for s in senses})
            by_kind: dict[str, list] = {}
            for sense in senses:
                by_kind.setdefault(sense.kind, []).append(sense.value)
            for kind, values in by_kind.items():
                if kind == "cue":
                    reading.cues.update(values)
                elif kind == "relative_year":
                    if self.vocabulary.latest_year is None:
                        reading.notes.append(f"“{word}”无从换算：库中没有报告")
                        continue
                    year = self.vocabulary.latest_year + values[0]
                    reading.put("year", year)
                    reading.notes.append(f"{word} = {year}（库中最新年份 {self.vocabulary.latest_year}）")
                elif kind == "department" and len(values) > 1:
                    # A word several departments' names share: asked as that part of their names.
                    reading.put("department", word)
                    reading.notes.append(f"部门“{word}”对应 {len(values)} 个部门")
                else:
                    for value in values:
                        reading.put(kind, value)
        return reading

    def _patterns(self, text: str, reading: Reading) -> str:
        """Years, function codes and report references, read off by pattern and blanked out."""

        def blank(match: re.Match) -> str:
            return " " * (match.end() - match.start())

        def report(match):
            reading.put("report", match.group(0))
            return blank(match)

        def code(match):
            notation = match.group(1) or match.group(2)
            found = self.scheme.resolve(notation)
            if found is None or not found.is_expenditure_function:
                return match.group(0)
            reading.put("function", found.slug)
            return match.group(0).replace(notation, " " * len(notation))

        def year(match, value=None):
            reading.put("year", value if value is not None else int(match.group(1)))
            return blank(match)

        def threshold(kind, cast):
            def read(match):
                reading.put(kind, cast(next(g for g in match.groups() if g)))
                return blank(match)
            return read

        text = _REPORT_REF.sub(report, text)
        text = _MIN_SCORE.sub(threshold("min_score", float), text)
        text = _MIN_BELOW.sub(threshold("min_below", int), text)
        text = _FUNCTION_CODE.sub(code, text)
        text = _CHINESE_YEAR.sub(lambda m: year(m, int("".join(_CHINESE_DIGITS[c] for c in m.group(1)))), text)
        text = _YEAR.sub(year, text)
        text = _SHORT_YEAR.sub(lambda m: year(m, 2000 + int(m.group(1))), text)
        return text

    # -- step 2: the intent

    def choose(self, r: Reading) -> str | None:
        cues = r.cues
        status = self._status(r)
        department = bool(r.slots.get("department")) or any(x in r.also_department for x in r.slots.get("district", []))
        function = bool(r.slots.get("function")) or "function_word" in cues
        if "checks" in cues or r.slots.get("rule") or r.slots.get("severity"):
            return "findings"
        if "high_score" in cues or r.slots.get("min_score") or r.slots.get("min_below"):
            return "self_score_against_indicators"
        if r.slots.get("report") or ("facts" in cues and department):
            return "report_facts"
        if "deductions" in cues:
            return "score_deductions"
        if "problems" in cues:
            return "problems_and_measures"
        if "budget_execution" in cues:
            # Ranked across departments; a project's rate is in projects, one department's in
            # its reports (a year's, in its profile of that year).
            if r.slots.get("project") or "projects" in cues:
                return "projects"
            if not r.slots.get("department"):  # 朝天区's ranking is the district's
                return "budget_execution"
            return "department_profile" if r.slots.get("year") else "department_reports"
        if "metric_concepts" in cues or (r.slots.get("framework") and not status):
            return "metrics"
        if r.slots.get("metric") and not status and not cues & {"funds", "projects", "tasks", "reports", "profile",
                                                                "coverage", "self_score", "facts"}:
            # One metric: a department's values over the years, or departments side by side.
            if department:
                return "metric_over_years"
            if cues & {"compare", "rank", "across_departments", "by_place_year"} or r.slots.get("year"):
                return "compare_on_metric"
            if cues & {"over_years", "how", "indicator"}:
                return "metric_over_years"
        several_years = len(r.slots.get("year") or []) > 1
        if department and (("over_years" in cues and ("reports" not in cues or "indicator" in cues))
                           or ("compare" in cues and several_years)):
            return "department_over_years"
        # 比较, or which department did a topic best: the topic side by side across departments.
        if "compare" in cues or ("rank" in cues and (r.slots.get("topic") or r.slots.get("function"))):
            return "compare_departments"
        if status == "not_met" and not function and cues & {"count", "by_place_year", "distribution"}:
            return "below_target_by_year_and_district"
        if cues & {"coverage", "distribution"} or (function and "count" in cues):
            return "function_coverage" if function else "topic_coverage"
        if "function_word" in cues and not r.slots.get("function"):
            return "function_coverage"
        # Tasks not done are their indicators below target; tasks and their money are task_funding.
        if "tasks" in cues and not r.slots.get("kind") and (status != "not_met" or "funds" in cues):
            return "task_funding"
        if r.slots.get("kind") or r.slots.get("source") or "funds" in cues:
            return "funds"
        if status == "not_met":
            return "indicators_below_target"
        if "indicator" in cues or status:
            if department and not (r.slots.get("topic") or function or r.slots.get("report_kind")
                                   or r.slots.get("project")):
                return "department_indicators"
            return "indicators_by_topic"
        if "projects" in cues or r.slots.get("project"):
            return "projects"
        if department and "profile" in cues:
            return "department_profile"
        if department and cues & {"reports", "self_score"}:
            # One year's report, or its score, is the department's profile of that year.
            return "department_profile" if r.slots.get("year") else "department_reports"
        if "how" in cues:
            if department:
                return "department_profile"
            if r.slots.get("topic") or r.slots.get("function"):
                return "indicators_by_topic"
        return None

    @staticmethod
    def _status(r: Reading) -> str | None:
        statuses = r.slots.get("status") or []
        return statuses[0] if len(statuses) == 1 else None

    # -- step 3: the parameters

    def parameters(self, name: str, r: Reading) -> tuple[dict, list[str]]:
        """The query's parameters from the slots; Unroutable when a slot has no parameter to go to."""
        query = catalogue()[name]
        takes = {p.name for p in query.parameters}
        given: dict[str, tuple[str, Any]] = {}  # parameter: (slot kind, value)
        notes = list(r.notes)
        leftover = []

        slots = {k: list(v) for k, v in r.slots.items()}
        if name == "report_facts" and not slots.get("report") and slots.get("department"):
            slots["report"] = slots.pop("department")
        if name in ("indicators_below_target", "below_target_by_year_and_district", "self_score_against_indicators"):
            slots.pop("status", None)
        if name in ("department_profile", "department_reports") and slots.get("report_kind"):
            slots.pop("report_kind")  # a department's reports are listed whatever their kind
            notes.append("报告类型不作筛选")
        if name == "metrics" and slots.get("metric"):
            slots["search"] = slots.pop("metric")  # its labels hold the metric's name
        if name in ("department_over_years", "metric_over_years") and slots.get("year"):
            slots.pop("year")
            notes.append("历年全部列出")
        if slots.get("function") and "function" not in takes and "topic" in takes and not slots.get("topic"):
            slots["topic"] = slots.pop("function")
        # A district's name that is a department's too (朝天区) is the department where only it fits.
        if "district" not in takes and "department" in takes and not slots.get("department") and \
                len(slots.get("district") or []) == 1 and slots["district"][0] in r.also_department:
            slots["department"] = [r.also_department[slots.pop("district")[0]]]
        elif slots.get("district") and "district" in takes:
            notes.extend(f"“{x}”按区理解" for x in slots["district"] if x in r.also_department)
        # A district or city the question names beside a department of that place says nothing more.
        departments = [d for v in slots.get("department", []) for d in self.department_by_value.get(v, [])]
        if "district" not in takes and slots.get("district") and departments and \
                all(d.district in slots["district"] for d in departments):
            slots.pop("district")
        if slots.get("city"):
            places = {c for x in slots.get("district", []) for c in self.cities_of_district.get(x, ())}
            places |= {d.city for d in departments}
            if set(slots["city"]) <= places:
                slots.pop("city")
        for kind in ("status", "report_kind", "kind", "source"):
            values = slots.get(kind) or []
            if len(values) > 1:  # 预算和支出: both, so neither filter
                notes.append(f"{PARAM_ZH[kind]}：问题提到{'、'.join(self._display(kind, v) for v in values)}，"
                             "不按它筛选")
                slots.pop(kind)
        for kind, values in slots.items():
            param = kind
            if param not in takes:
                leftover.append(kind)
                continue
            if len(values) > 1:
                raise Unroutable(r.text, f"{name} 的“{PARAM_ZH[param]}”只能取一个值，问题提到了"
                                 f"{'、'.join(self._display(kind, v) for v in values)}",
                                 self.suggestions(r))
            given[param] = (kind, values[0])
        if leftover:
            names = "、".join(f"{PARAM_ZH.get(k, k)}（{self._display(k, slots[k][0])}）" for k in leftover)
            raise Unroutable(r.text, f"问题像是在问“{QUERY_ZH[name]}”（{name}），但它不能按{names}筛选",
                             self.suggestions(r, must_take=leftover))
        missing = [p.name for p in query.parameters if p.required and p.name not in given]
        if missing:
            raise Unroutable(r.text, f"“{QUERY_ZH[name]}”（{name}）需要指明"
                             f"{'、'.join(PARAM_ZH.get(m, m) for m in missing)}", self.suggestions(r))
        implied = []
        if name in ("indicators_below_target", "below_target_by_year_and_district"):
            implied.append("状态=未达标")
        for p in query.parameters:
            if p.name not in given and p.default is not None:
                implied.append(f"{PARAM_ZH.get(p.name, p.name)}={self._display(p.name, p.default)}（默认）")
        # In the query's own order.
        ordered = [p.name for p in query.parameters if p.name in given]
        shown = [f"{PARAM_ZH[p]}={self._display(given[p][0], given[p][1])}" for p in ordered]
        return {p: given[p][1] for p in ordered}, shown + implied + notes

    def _display(self, kind: str, value: Any) -> str:
        if kind in ("topic", "function"):
            found = self.scheme.resolve(str(value))
            return found.name_zh if found else str(value)
        if kind == "status":
            return STATUS_ZH.get(value, str(value))
        if kind == "report_kind":
            return REPORT_KIND_ZH.get(value, str(value))
        if kind == "kind":
            return FUND_KIND_ZH.get(value, str(value))
        if kind == "source":
            return FUND_SOURCE_ZH.get(value, str(value))
        if kind == "severity":
            return SEVERITY_ZH.get(value, str(value))
        return str(value)

    def suggestions(self, r: Reading, must_take=()) -> list[dict]:
        """The named queries closest to the question: those its cue words point to and that
        take the most of what it names, each with the parameters it would take."""
        scored = []
        for position, query in enumerate(catalogue().values()):
            takes = {p.name for p in query.parameters}
            if not set(must_take) <= takes:
                continue
            kinds = {("topic" if k == "function" and "function" not in takes else k) for k in r.slots}
            fit = {k for k in kinds if k in takes}
            required = {p.name for p in query.parameters if p.required}
            score = 2 * sum(query.name in CUE_QUERIES.get(c, ()) for c in r.cues) + len(fit) + len(fit & required)
            if score > 0:
                params = {}
                for k in (p.name for p in query.parameters if p.name in fit):
                    values = r.slots.get(k) or r.slots.get("function") or []
                    if len(values) == 1:
                        params[k] = values[0]
                scored.append((-score, position, query.name, query.summary, params))
        scored.sort()
        return [{"query": name, "summary": summary, "params": params}
                for _, _, name, summary, params in scored[:3]]

    def route(self, question: str) -> tuple[str, dict, str]:
        """(named query, parameters, interpretation) of a question; Unroutable when none answers it."""
        if not question or not question.strip():
            raise Unroutable(question, "问题是空的", [])
        r = self.read(question)
        name = self.choose(r)
        if r.slots.get("metric") and name not in METRIC_QUERIES:
            # An indicator's name the question does not ask about as a metric: read without them.
            r = self.read(question, metrics=False)
            name = self.choose(r)
        if name is None:
            what = "、".join(f"{PARAM_ZH.get(k, k)}={self._display(k, v[0])}" for k, v in r.slots.items() if v)
            reason = ("没有看出问的是什么（指标、资金、报告、问题、扣分、项目……）" +
                      (f"；问题提到 {what}" if what else ""))
            raise Unroutable(question, reason, self.suggestions(r), asked=bool(r.cues))
        try:
            params, shown = self.parameters(name, r)
        except Unroutable as error:
            error.question = question
            raise
        interpretation = f"查询 {name}（{QUERY_ZH[name]}）" + ("：" + "，".join(shown) if shown else "：不加筛选")
        return name, params, interpretation


# -- routers per store content, and the answer -----------------------------------------------------------

_ROUTERS: "OrderedDict[str, Router]" = OrderedDict()
_ROUTERS_KEPT = 4
_ROUTERS_LOCK = threading.Lock()


def router(store) -> Router:
    """The router of the store's current names: built once per content (jieba's dictionary
    with the graph's names), kept for the next question."""
    key = (store.kind, store.location, tuple(store.read(_FINGERPRINT).rows[0]))
    with _ROUTERS_LOCK:
        found = _ROUTERS.get(key)
        if found is not None:
            _ROUTERS.move_to_end(key)
            return found
    built = Router(Vocabulary.read(store))
    with _ROUTERS_LOCK:
        _ROUTERS[key] = built
        while len(_ROUTERS) > _ROUTERS_KEPT:
            _ROUTERS.popitem(last=False)
    return built


def ask(client, question: str, *, row_limit: int | None = None, timeout_ms: int | None = None) -> dict:
    """The answer to a question: {question, query, params, cypher, interpretation, rows,
    truncated}, rows as the named query gives them. Unroutable when no named query answers it."""
    name, params, interpretation = router(client.store).route(question)
    result = client.run(name, params, row_limit=row_limit, timeout_ms=timeout_ms)
    return {"question": question, "query": name, "params": params, "cypher": catalogue()[name].cypher,
            "interpretation": interpretation, "columns": result.columns, "rows": result.records(),
            "truncated": result.truncated}
