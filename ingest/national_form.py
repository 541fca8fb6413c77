"""The Ministry of Finance's project self-evaluation form (项目支出绩效自评表, GUIDE §5), declared once.

Its blocks in order — identification, the funds block, the year's goal, the indicator
table, the total and grade — with the words the Ministry's template and the provincial
variants write in them. Two sides read this declaration:

- the layout generator (`perfkg.layouts`) draws every form it writes from these blocks
  and wordings, so the generated families are forms of this model and nothing else;
- the parser recognises the same words by role (`ingest.vocabulary`: a header cell's
  column role, a field label, a funds row or column) — tests/test_national_form.py
  holds every wording declared here to the role the parser gives it, and the glued-cell
  splitter (`ingest.layout.glued`) cuts at exactly these words.

The parser's vocabulary is wider than this list on purpose (it must read variants not
declared yet); a wording added here is one the generator starts writing and the test
then requires the parser to read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A column of the indicator table: its role (ingest.vocabulary's) and how heads write it,
    the Ministry's own wording first."""

    role: str
    wordings: tuple[str, ...]


# The title and the identification block's field labels.
TITLE = "项目支出绩效自评表"
IDENTIFICATION = ("项目名称", "主管部门", "实施单位")

# The funds block: its label, its column heads and its row labels (amounts in 万元).
FUNDS_LABEL = "项目资金（万元）"
FUNDS_COLUMNS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
FUNDS_ROWS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")

# The year's goal: planned and done, side by side.
GOAL_LABEL = "年度总体目标"
GOAL_COLUMNS = ("预期目标", "实际完成情况")

# The indicator table, under its block label, in the template's column order. The
# operator and unit columns appear only where a province splits the target into
# 指标性质 | 指标值 | 度量单位; scores and the reason column are left out by some.
INDICATORS_LABEL = "绩效指标"
LEVEL1 = Column("level1", ("一级指标",))
LEVEL2 = Column("level2", ("二级指标",))
NAME = Column("level3", ("三级指标",))
OPERATOR = Column("operator", ("指标性质",))
TARGET = Column("target", ("年度指标值", "指标值", "年度指标值（A）", "预期值", "目标值"))
UNIT = Column("unit", ("度量单位",))
ACTUAL = Column("actual", ("实际完成值", "全年实际值", "实际完成值（B）", "完成值", "实施进度"))
MAX_SCORE = Column("max_score", ("分值",))
SCORE = Column("score", ("得分",))
REASON = Column("reason", ("偏差原因分析及改进措施", "未完成原因分析"))
INDICATOR_COLUMNS = (LEVEL1, LEVEL2, NAME, OPERATOR, TARGET, UNIT, ACTUAL, MAX_SCORE, SCORE, REASON)

# The indicator categories: 一级 over its 二级 (the national framework).
CATEGORIES = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

# The total and its grade (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below).
TOTAL = "总分"
GRADE_LABEL = "自评等级"
GRADES = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))


def words() -> tuple[str, ...]:
    """Every fixed word of the form: labels, heads and categories."""
    found = [TITLE, *IDENTIFICATION, FUNDS_LABEL, *FUNDS_COLUMNS, *FUNDS_ROWS, GOAL_LABEL, *GOAL_COLUMNS,
             INDICATORS_LABEL, *(w for column in INDICATOR_COLUMNS for w in column.wordings),
             *CATEGORIES, *(c for level2 in CATEGORIES.values() for c in level2), TOTAL, GRADE_LABEL]
    return tuple(dict.fromkeys(found))
