"""What extraction produces: one report's facts, each with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
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


@dataclass
class Indicator:
    name: str
    evidence: Evidence
    origin: str  # table | narrative
    status: str = "unknown"
    category: str | None = None
    target_text: str | None = None
    target_value: float | None = None
    target_op: str | None = None
    actual_text: str | None = None
    actual_value: float | None = None
    unit: str | None = None
    completion_rate: float | None = None
    task: int | None = None  # index into Extraction.tasks
    topics: list[str] = field(default_factory=list)


@dataclass
class Fund:
    kind: str
    source: str
    amount: float  # 万元
    evidence: Evidence
    task: int | None = None  # index into Extraction.tasks


@dataclass
class ScoreItem:
    name: str | None
    level: int
    evidence: Evidence
    max_score: float | None = None
    score: float | None = None
    parent: int | None = None  # index into Extraction.score_items


@dataclass
class Extraction:
    """Everything one report states, before it becomes graph nodes."""

    source_file: str
    sha256: str
    encoding: str | None
    format: str = "txt"
    # The document's text: every evidence is a span of it.
    text: str = ""
    kind: str = "report"  # report | form
    title: str | None = None
    year: int | None = None
    department: DepartmentFacts | None = None
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
    indicators: list[Indicator] = field(default_factory=list)
    funds: list[Fund] = field(default_factory=list)
    score_items: list[ScoreItem] = field(default_factory=list)
    outcomes: list[TextItem] = field(default_factory=list)
    problems: list[TextItem] = field(default_factory=list)
    measures: list[TextItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "duties": len(self.duties),
            "offices": len(self.offices),
            "tasks": len(self.tasks),
            "indicators": len(self.indicators),
            "funds": len(self.funds),
            "score_items": len(self.score_items),
            "outcomes": len(self.outcomes),
            "problems": len(self.problems),
            "measures": len(self.measures),
        }
