"""The explorer's words, in Chinese and English: column headings and the
closed value lists of the graph contract (statuses, report kinds, fund
kinds and sources). A value not listed shows as it is stored. Names of
labels come from the ontology."""

from __future__ import annotations

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
    "lost": ("扣分", "Lost"),
    "label": ("类型", "Kind"),
    "name": ("名称", "Name"),
    "value": ("数值", "Value"),
    "maximum": ("满分", "Out of"),
    "evidence": ("原文依据", "Evidence"),
    "source_file": ("来源文件", "Source file"),
    "rule": ("核查规则", "Rule"),
    "severity": ("严重程度", "Severity"),
    "message": ("发现", "Finding"),
    "stated": ("报告所填", "Stated"),
    "expected": ("规则应得", "Expected"),
    "figures": ("所涉数字及位置", "Figures, where"),
}

SEVERITIES = {
    "error": ("矛盾", "error"),
    "warning": ("存疑", "warning"),
    "info": ("提示", "info"),
    "not_evaluable": ("无法核查", "not evaluable"),
}

STATUS = {
    "met": ("达标", "met"),
    "not_met": ("未达标", "not met"),
    "unknown": ("无法判断", "unknown"),
}

REPORT_KINDS = {
    "department_report": ("部门整体支出绩效自评报告", "department report"),
    "department_form": ("部门整体支出绩效自评表", "department form"),
    "project_report": ("项目支出绩效自评报告", "project report"),
    "project_form": ("项目支出绩效自评表", "project form"),
    "target_declaration": ("绩效目标表", "target declaration"),
}

FUND_KINDS = {
    "initial_budget": ("年初预算", "initial budget"),
    "budget": ("全年预算", "budget"),
    "adjustment": ("年度调整", "adjustment"),
    "expenditure": ("执行数", "expenditure"),
    "basic_expenditure": ("基本支出", "basic expenditure"),
    "project_expenditure": ("项目支出", "project expenditure"),
    "carryover": ("结转结余", "carry-over"),
    "task_allocation": ("任务资金", "task allocation"),
}

FUND_SOURCES = {
    "total": ("合计", "total"),
    "fiscal_appropriation": ("财政拨款", "fiscal appropriation"),
    "general_public_budget": ("一般公共预算", "general public budget"),
    "government_fund_budget": ("政府性基金预算", "government fund budget"),
    "state_capital_budget": ("国有资本经营预算", "state capital budget"),
    "other": ("其他资金", "other"),
}

def label(name: str) -> tuple[str, str]:
    """A graph label's (Chinese, English) names, as the ontology gives them."""
    spec = ontology.schema().labels.get(name) or ontology.schema().secondary.get(name)
    return (spec.label_zh, spec.label_en) if spec else (name, name)


def pair(table: dict[str, tuple[str, str]], key) -> tuple[str, str]:
    """(Chinese, English) for a key, or the key itself twice when not listed."""
    if key is None:
        return ("", "")
    return table.get(key, (str(key), str(key)))
