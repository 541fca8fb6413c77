"""The explorer's words, in Chinese and English: column headings here; the
names of labels, topics and the closed values of the graph contract
(statuses, report kinds, fund kinds and sources) from the ontology. A value
not listed shows as it is stored."""

from __future__ import annotations

import re

from perfkg import ontology

COLUMNS = {
    "department": ("部门", "Department"),
    "district": ("区", "District"),
    "city": ("市", "City"),
    "year": ("年度", "Year"),
    "kind": ("类型", "Kind"),
    "title": ("标题", "Title"),
    "execution_rate": ("预算执行率 %", "Execution rate %"),
    "self_score": ("自评得分", "Self score"),
    "self_grade": ("自评等级", "Grade"),
    "budget": ("预算数 万元", "Budget (10k CNY)"),
    "expenditure": ("执行数 万元", "Spent (10k CNY)"),
    "indicators": ("指标数", "Indicators"),
    "met": ("达标", "Met"),
    "not_met": ("未达标", "Not met"),
    "unknown": ("无法判断", "Unknown"),
    "departments": ("部门数", "Departments"),
    "mean_completion_rate": ("平均完成率 %", "Mean completion %"),
    "category": ("指标类别", "Category"),
    "indicator": ("指标", "Indicator"),
    "target": ("目标值", "Target"),
    "actual": ("实际完成值", "Actual"),
    "unit": ("单位", "Unit"),
    "completion_rate": ("完成率 %", "Completion %"),
    "status": ("状态", "Status"),
    "topics": ("主题", "Topics"),
    "task": ("任务", "Task"),
    "source": ("资金来源", "Source"),
    "amount": ("金额 万元", "Amount (10k CNY)"),
    "section": ("一级指标", "Section"),
    "item": ("评分项", "Item"),
    "level": ("层级", "Level"),
    "max_score": ("分值", "Max"),
    "score": ("得分", "Score"),
    "metric_score": ("名称匹配度", "Name match"),
    "lost": ("扣分", "Lost"),
    "label": ("类型", "Kind"),
    "name": ("名称", "Name"),
    "value": ("数值", "Value"),
    "maximum": ("满分", "Out of"),
    "evidence": ("原文依据", "Evidence"),
    "location": ("位置", "Location"),
    "source_file": ("来源文件", "Source file"),
    "rule": ("核查规则", "Rule"),
    "severity": ("严重程度", "Severity"),
    "message": ("发现", "Finding"),
    "stated": ("报告所填", "Stated"),
    "expected": ("规则应得", "Expected"),
    "figures": ("所涉数字及位置", "Figures, where"),
    "read_by": ("读取方式", "Read by"),
    "flags": ("存疑标记", "Flags"),
}

SEVERITIES = {
    "error": ("矛盾", "error"),
    "warning": ("存疑", "warning"),
    "info": ("提示", "info"),
    "not_evaluable": ("无法核查", "not evaluable"),
}


def values(label: str, prop: str) -> dict[str, tuple[str, str]]:
    """The words for the closed values of a property, as the ontology gives
    them (pk:Values): {value: (Chinese, English)}."""
    return ontology.value_labels().get((label, prop), {})


STATUS = values("Indicator", "status")
REPORT_KINDS = values("Report", "kind")
FUND_KINDS = values("Fund", "kind")
FUND_SOURCES = values("Fund", "source")
READ_BY = values("Indicator", "read_by")
FLAGS = values("Indicator", "flags")


def topic(slug: str) -> tuple[str, str]:
    """A topic's (Chinese, English) labels, or its slug twice when the scheme has no such topic."""
    found = ontology.topics().topics.get(slug)
    return (found.name_zh, found.name_en) if found else (slug, slug)


def label(name: str) -> tuple[str, str]:
    """A graph label's (Chinese, English) names, as the ontology gives them."""
    spec = ontology.schema().labels.get(name) or ontology.schema().secondary.get(name)
    return (spec.label_zh, spec.label_en) if spec else (name, name)


def pair(table: dict[str, tuple[str, str]], key) -> tuple[str, str]:
    """(Chinese, English) for a key, or the key itself twice when not listed."""
    if key is None:
        return ("", "")
    return table.get(key, (str(key), str(key)))


# A report's own title, as extracted, is shown when it reads as one: a
# document's name (it ends with what the document is) that says whose or
# which (a year, the department, a project), without a web page's furniture.
_TITLE_END = re.compile(r"(报告|報告|报告书|自评表|自評表|目标表|目標表|评价表|評價表|申报表|申報表)([(（][^()（）]{1,30}[)）])?$")
_PAGE_FURNITURE = re.compile(r"首页|首頁|位置|来源|來源|浏览|瀏覽|发布|發布|索引号|字体|字號|字号|导语|欢迎阅读|录入|錄入")
TITLE_MAX = 60


def report_title(report: dict) -> str:
    """What to call a report: its title when it reads as one, else who, when
    and what (department, year, kind and projects). `report` holds title,
    department or short_name, year, kind and projects, each possibly None."""
    title = re.sub(r"\s+", " ", report.get("title") or "").strip()
    department = report.get("department") or report.get("short_name") or ""
    projects = [p for p in report.get("projects") or [] if p]
    named = [str(report.get("year") or ""), report.get("short_name") or "", department, *projects]
    if (title and len(title) <= TITLE_MAX and _TITLE_END.search(title) and not _PAGE_FURNITURE.search(title)
            and any(part and part in title for part in named)):
        return title
    kind = pair(REPORT_KINDS, report.get("kind"))[0] or "报告"
    year = f"{report['year']}年度" if report.get("year") else ""
    what = "".join(filter(None, (department or "部门不详", " " + year if year else "", " " + kind)))
    return what + (f"：{'、'.join(projects)}" if projects else "")
