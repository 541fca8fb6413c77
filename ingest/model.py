"""What extraction produces: one report's facts, each with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact was read: `text` is the document's text[start:end],
    verbatim, and `location` says where that is in the source file."""

    text: str
    start: int
    end: int
    location: str = ""
    # Other spans the fact draws on (a target stated in an earlier paragraph
    # than its result), as (start, end) of the document's text.
    also: tuple[tuple[int, int], ...] = ()

    def __str__(self) -> str:
        return self.text


@dataclass
class DepartmentFacts:
    name: str  # full official name
    short_name: str | None
    district: str | None
    city: str | None


@dataclass
class TextItem:
    """A duty, outcome, problem or measure."""

    text: str
    evidence: Evidence
    topics: list[str] = field(default_factory=list)


@dataclass
class Office:
    name: str
    evidence: Evidence


@dataclass
class Task:
    name: str
    evidence: Evidence
    goal: str | None = None
    kind: str = "key_task"  # key_task | project
    topics: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # what the check of its name found (ingest/provenance.py)


@dataclass
class Project:
    """A project a form or report evaluates (项目支出绩效自评表): its name, the
    department responsible for it (主管部门) and the unit carrying it out (实施单位)."""

    name: str
    evidence: Evidence
    supervisor: str | None = None  # 主管部门 as written
    implementer: str | None = None  # 实施单位 as written
    goal: str | None = None  # 年度总体目标: 预期目标
    goal_result: str | None = None  # 年度总体目标: 实际完成情况
    # The department responsible for it, when the form names one other than the publisher.
    responsible: DepartmentFacts | None = None
    topics: list[str] = field(default_factory=list)


@dataclass
class Indicator:
    name: str
    evidence: Evidence
    origin: str  # table | narrative
    status: str = "unknown"
    category: str | None = None  # the 二级指标 (else 一级) the source files it under
    level1: str | None = None  # 一级指标 as written (产出指标, 效益指标, 满意度指标)
    level2: str | None = None  # 二级指标 as written (数量指标, 社会效益指标 ...)
    max_score: float | None = None  # 分值 / 权重 of its row
    score: float | None = None  # 得分 of its row
    deviation_reason: str | None = None  # 偏差原因分析及改进措施
    target_text: str | None = None
    target_value: float | None = None
    target_op: str | None = None
    actual_text: str | None = None
    actual_value: float | None = None
    unit: str | None = None
    completion_rate: float | None = None
    task: int | None = None  # index into Extraction.tasks
    project: int | None = None  # index into Extraction.projects
    topics: list[str] = field(default_factory=list)
    # How it was read and what the checks of its values found (ingest/provenance.py): set
    # where it is made (a table's layout, a rule), then ocr and flags once the document is read.
    read_by: str | None = None
    flags: list[str] = field(default_factory=list)


@dataclass
class Fund:
    kind: str
    source: str
    amount: float  # 万元
    evidence: Evidence
    task: int | None = None  # index into Extraction.tasks
    project: int | None = None  # index into Extraction.projects
    execution_rate: float | None = None  # the row's 执行率, on its expenditure
    max_score: float | None = None  # the row's 分值
    score: float | None = None  # the row's 得分


@dataclass
class ScoreItem:
    name: str | None
    level: int
    evidence: Evidence
    max_score: float | None = None
    score: float | None = None
    parent: int | None = None  # index into Extraction.score_items


@dataclass
class Finding:
    """A check of the report's own arithmetic that did not hold, or could not
    be made: what the report states, what the rule expects, and the figures
    involved (`concerns`: (label, index into the Extraction's list of it))."""

    rule: str
    severity: str  # error | warning | info | not_evaluable
    message: str
    stated: str | None = None
    expected: str | None = None
    figures: tuple[str, ...] = ()  # the figures involved, by place: "分值 20, 得分 18 (line 40)"
    evidence: tuple[Evidence, ...] = ()  # where those figures are, each span once
    concerns: tuple[tuple[str, int], ...] = ()


# What each kind of document has: a part a kind does not have is never said
# to be missing (a project form has no duties, a work summary no funds block).
EXPECTED_PARTS = {
    "department_report": frozenset({"duties", "tasks", "problems", "measures", "department_funds"}),
    "department_form": frozenset({"department_funds"}),
}
# How a warning names each part: in English, with the headings the genre gives it.
PART_NAMES = {
    "duties": "duties (部门职能 / 主要职责)",
    "tasks": "key tasks (重点工作任务)",
    "department_funds": "department funds (预算数 / 执行数)",
    "problems": "problems (存在的主要问题)",
    "measures": "measures (下一步改进措施)",
}


@dataclass
class Extraction:
    """Everything one report states, before it becomes graph nodes."""

    source_file: str
    sha256: str
    encoding: str | None
    format: str = "txt"
    # The document's text: every evidence is a span of it.
    text: str = ""
    # department_report | department_form | project_report | project_form | target_declaration | other
    kind: str = "department_report"
    title: str | None = None
    year: int | None = None
    department: DepartmentFacts | None = None
    # The text speaks of performance (绩效): a report of the genre, even when nothing else was read.
    names_the_genre: bool = False
    # Where the document is from when its department is unknown (district, city; no name).
    place: DepartmentFacts | None = None
    execution_rate: float | None = None
    self_score: float | None = None
    # The sentence or form row that states each: a report's headline figures
    # are checkable as its facts are.
    execution_rate_evidence: Evidence | None = None
    self_score_evidence: Evidence | None = None
    self_grade: str | None = None
    duties: list[TextItem] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    funds: list[Fund] = field(default_factory=list)
    score_items: list[ScoreItem] = field(default_factory=list)
    outcomes: list[TextItem] = field(default_factory=list)
    problems: list[TextItem] = field(default_factory=list)
    measures: list[TextItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What the checks of the report's own arithmetic found (ingest/audit.py).
    findings: list[Finding] = field(default_factory=list)

    def expects(self, part: str) -> bool:
        """Does a document of this kind have this part, so that its absence is worth a warning?"""
        return part in EXPECTED_PARTS.get(self.kind, frozenset())

    def missing_parts(self) -> list[str]:
        """The parts a document of this kind has that none were read of, in PART_NAMES' order."""
        found = {"duties": bool(self.duties), "tasks": bool(self.tasks), "problems": bool(self.problems),
                 "measures": bool(self.measures),
                 "department_funds": any(fund.task is None for fund in self.funds)}
        return [part for part in PART_NAMES if self.expects(part) and not found[part]]

    def counts(self) -> dict[str, int]:
        return {
            "duties": len(self.duties),
            "offices": len(self.offices),
            "tasks": len(self.tasks),
            "projects": len(self.projects),
            "indicators": len(self.indicators),
            "funds": len(self.funds),
            "score_items": len(self.score_items),
            "outcomes": len(self.outcomes),
            "problems": len(self.problems),
            "measures": len(self.measures),
        }
