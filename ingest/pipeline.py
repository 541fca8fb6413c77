"""read -> normalise -> find sections and tables -> extract -> tag -> validate.

`extract_text` turns one report's text into an Extraction; `extract_file`
reads the file first. Loading the result into a graph is `ingest.load`.
"""

from __future__ import annotations

from pathlib import Path

from .document import Doc
from .extract.context import Context
from .extract.funds import extract_funds
from .extract.header import extract_header
from .extract.indicators import extract_indicators
from .extract.narrative import extract_narrative
from .extract.organisation import extract_organisation
from .extract.scores import extract_scores
from .extract.tasks import extract_tasks
from .model import Extraction
from .reader import SourceFile, read_source
from .text import Text
from .topics import tag
from .validate import validate

# Steps run in this order: tasks before funds (a project's funds become a
# task) and before indicators (indicators under a task's section are tied to it).
STEPS = (
    extract_header,
    extract_organisation,
    extract_tasks,
    extract_funds,
    extract_scores,
    extract_indicators,
    extract_narrative,
)


def extract_text(raw: str, *, source_file: str = "<text>", sha256: str = "", encoding: str = "utf-8") -> Extraction:
    doc = Doc(Text(raw))
    out = Extraction(source_file=source_file, sha256=sha256, encoding=encoding)
    ctx = Context(doc=doc, out=out)
    for step in STEPS:
        step(ctx)
    _tag_topics(out)
    validate(out, raw)
    return out


def extract_source(source: SourceFile) -> Extraction:
    return extract_text(source.text, source_file=source.name, sha256=source.sha256, encoding=source.encoding)


def extract_file(path: str | Path, *, max_bytes: int | None = None) -> Extraction:
    return extract_source(read_source(path, max_bytes=max_bytes))


def _tag_topics(out: Extraction) -> None:
    for item in out.duties + out.outcomes + out.problems + out.measures:
        item.topics = tag(item.text)
    for task in out.tasks:
        task.topics = tag(task.name, task.goal or "")
    for indicator in out.indicators:
        inherited = out.tasks[indicator.task].topics if indicator.task is not None else None
        indicator.topics = tag(indicator.name, indicator.evidence, inherited)
