"""read -> recover tables -> normalise -> find sections -> extract -> tag -> validate -> audit.

`extract_document` turns one document (what a reader produced) into an
Extraction; `extract_file` reads the file first, `extract_text` takes a text
as if read from a .txt file. Loading the result into a graph is
`perfkg.ingest.load`.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from .audit import audit
from .document import Document, Source
from .extract.context import Context
from .extract.forms import extract_forms
from .extract.funds import extract_funds
from .extract.header import extract_header
from .extract.identity import extract_identity
from .extract.indicators import extract_indicators
from .extract.narrative import extract_narrative
from .extract.organisation import extract_organisation
from .extract.scores import extract_scores
from .extract.tasks import extract_tasks
from .layout import recover_tables
from .model import PART_NAMES, Extraction
from .numbers import unknown_unit
from .provenance import mark
from .readers import read_document
from .readers.text import text_document
from .text import Text
from .topics import tag
from .validate import validate
from .view import Doc

# Steps run in this order: tasks before funds (a project's funds become a
# task) and before indicators (indicators under a task's section are tied to it).
STEPS = (
    extract_header,
    extract_forms,
    extract_identity,
    extract_organisation,
    extract_tasks,
    extract_funds,
    extract_scores,
    extract_indicators,
    extract_narrative,
)


def extract_document(document: Document, *, timings: dict[str, float] | None = None) -> Extraction:
    """The document's facts. With `timings`, each stage's seconds are added to
    it by name (layout, normalise text, outline, each step, topics, validate)."""
    clock = _Clock(timings)
    recover_tables(document)
    clock.lap("layout")
    text = Text(document)
    clock.lap("normalise text")
    doc = Doc(text)
    clock.lap("outline")
    source = document.source
    out = Extraction(source_file=source.name, sha256=source.sha256, encoding=source.encoding, format=source.format,
                     text=document.text, warnings=list(document.warnings))
    ctx = Context(doc=doc, out=out)
    for step in STEPS:
        step(ctx)
        clock.lap(step.__name__.removeprefix("extract_"))
    missing = out.missing_parts()
    if missing:  # said once, all together: an excerpt of a report lacks most of them at once
        out.warnings.append(f"not found, of what a {out.kind.replace('_', ' ')} has: "
                            + "; ".join(PART_NAMES[part] for part in missing))
    _tag_topics(out)
    clock.lap("topics")
    _unknown_units(out)
    validate(out, document)
    clock.lap("validate")
    out.findings = audit(out)  # checks of the report's own arithmetic, on the facts as read
    clock.lap("audit")
    mark(out, document)  # how each indicator was read, and what its checks found
    return out


class _Clock:
    def __init__(self, timings: dict[str, float] | None):
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        if self.timings is None:
            return
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now


def _unknown_units(out: Extraction) -> None:
    """A value whose measure word the reader does not know is kept, and said."""
    for indicator in out.indicators:
        for text in (indicator.target_text, indicator.actual_text):
            unit = unknown_unit(text)
            if unit:
                out.warnings.append(f"the unit {unit!r} of {text!r} ({indicator.name}, "
                                    f"{indicator.evidence.location}) is not one the reader knows: "
                                    "its status may be unknown")
                break


def text_as_document(raw: str, *, source_file: str = "<text>") -> Document:
    """A text as if read from a .txt file, its tables recovered."""
    data = raw.encode("utf-8")
    source = Source(name=source_file, format="txt", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                    encoding="utf-8")
    return recover_tables(text_document(raw, source))


def extract_text(raw: str, *, source_file: str = "<text>") -> Extraction:
    return extract_document(text_as_document(raw, source_file=source_file))


def extract_file(path: str | Path, *, max_bytes: int | None = None) -> Extraction:
    return extract_document(read_document(path, max_bytes=max_bytes))


def _tag_topics(out: Extraction) -> None:
    for item in out.duties + out.outcomes + out.problems + out.measures:
        item.topics = tag(item.text)
    for task in out.tasks:
        task.topics = tag(task.name, task.goal or "")
    for project in out.projects:
        project.topics = tag(project.name, project.goal or "")
    # What the whole report is about, by who wrote it and its title: the
    # sector of a 卫生院's or a 市场监督管理局's indicators that name none
    # (资金到位率, 项目完成时间).
    report_topics = tag(" ".join(filter(None, (out.department.name if out.department else None, out.title))))
    for indicator in out.indicators:
        inherited = (out.tasks[indicator.task].topics if indicator.task is not None
                     else out.projects[indicator.project].topics if indicator.project is not None else None)
        indicator.topics = tag(indicator.name, indicator.evidence.text, inherited or report_topics)
