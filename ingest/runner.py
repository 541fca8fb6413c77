"""Ingest many files: read and extract (in worker processes when asked),
load one report per transaction, and report what happened to each file.

A file that fails (unreadable, not a report, a database error) is reported
and the others go on; nothing of a failed file is written.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from perfkg.store import GraphStore, StoreError

from .load import load, prepare
from .model import Extraction
from .pipeline import extract_source
from .reader import IngestError, NotAReport, read_source, report_files


@dataclass
class FileOutcome:
    path: str
    status: str  # loaded | replaced | skipped (not a report) | failed
    report_id: str | None = None
    department: str | None = None
    year: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # source files of the versions it replaced
    error: str | None = None
    encoding: str | None = None


def check_is_report(extraction: Extraction) -> None:
    """A file with no recognisable part of a report is refused, not stored empty."""
    found = extraction.counts()
    if extraction.department is None and extraction.title is None and not any(found.values()):
        raise NotAReport(extraction.source_file, "not a performance report: no recognisable section "
                         "(title, department, duties, tasks, indicators, funds, problems or measures); nothing written")


def extract_path(path: str, max_bytes: int | None) -> Extraction | IngestError:
    """Read and extract one file; errors come back as values so a worker process can return them."""
    try:
        extraction = extract_source(read_source(path, max_bytes=max_bytes))
        check_is_report(extraction)
        return extraction
    except IngestError as error:
        return error
    except Exception as error:  # an extractor bug must not stop the other files
        return IngestError(Path(path).name, f"extraction failed: {type(error).__name__}: {error}")


def extractions(paths: list[Path], *, max_bytes: int | None, workers: int) -> Iterable[tuple[Path, Extraction | IngestError]]:
    if workers <= 1 or len(paths) < 2:
        for path in paths:
            yield path, extract_path(str(path), max_bytes)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # map keeps input order, so loading (and which duplicate wins) does not depend on timing.
        for path, result in zip(paths, pool.map(extract_path, [str(p) for p in paths], [max_bytes] * len(paths),
                                                chunksize=8)):
            yield path, result


def ordered_files(paths: list[str | Path]) -> list[Path]:
    """Files to ingest, oldest first: when two files hold the same department
    and year, the one modified last is loaded last and wins."""
    files = report_files(paths)

    def mtime(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(files, key=lambda p: (mtime(p), str(p)))


def ingest(
    store: GraphStore,
    paths: list[str | Path],
    *,
    max_bytes: int | None = None,
    workers: int = 1,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    files = ordered_files(paths)
    prepare(store)
    outcomes = []
    for path, result in extractions(files, max_bytes=max_bytes, workers=workers):
        outcome = _load_one(store, path, result)
        outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    return outcomes


def _load_one(store: GraphStore, path: Path, result: Extraction | IngestError) -> FileOutcome:
    if isinstance(result, NotAReport):
        return FileOutcome(str(path), "skipped", warnings=[result.problem])
    if isinstance(result, IngestError):
        return FileOutcome(str(path), "failed", error=result.problem)
    extraction = result
    outcome = FileOutcome(
        str(path), "loaded",
        department=extraction.department.short_name if extraction.department else None,
        year=extraction.year, counts=extraction.counts(), warnings=list(extraction.warnings),
        encoding=extraction.encoding,
    )
    try:
        loaded = load(store, extraction)
    except StoreError as error:
        outcome.status, outcome.error = "failed", f"not written: {error}"
        return outcome
    outcome.report_id = loaded.report_id
    others = [f for f in loaded.replaced_files if f != extraction.source_file]
    if loaded.replaced:
        outcome.status = "replaced"
        outcome.replaced = others
    return outcome


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
