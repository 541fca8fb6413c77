"""Ingest many files: read and extract (in worker processes when asked),
load them in batches, one transaction each, and report what happened to
each file.

A file that fails (unreadable, not a report, a database error) is reported
and the others go on; nothing of a failed file is written. A batch the store
refuses is written again one report at a time, so a report is loaded whole
or not at all, and one bad report fails alone.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from perfkg.store import GraphStore, StoreError, StoreUnavailable

from .load import GraphRows, prepare, to_rows, write_rows
from .metric_store import resolve_all
from .model import Extraction
from .errors import IngestError, NotAReport
from .pipeline import extract_document
from .readers import read_document, report_files
from .workers import OVER_MEMORY, Budget, extract_in_workers


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
    seconds: dict[str, float] = field(default_factory=dict)  # read, extract, load
    flags: dict[str, int] = field(default_factory=dict)  # indicators flagged by the checks of their values, by flag


def check_is_report(extraction: Extraction) -> None:
    """A file with no recognisable part of a report is refused, not stored empty."""
    found = extraction.counts()
    if extraction.department is None and extraction.title is None and not extraction.names_the_genre \
            and not any(found.values()):
        raise NotAReport(extraction.source_file, "not a performance report: no recognisable section "
                         "(title, department, duties, tasks, indicators, funds, problems or measures) and no word "
                         "of the genre (绩效); nothing written")


def extract_path(path: str, max_bytes: int | None) -> tuple[Extraction | IngestError, dict[str, float]]:
    """Read and extract one file. Errors come back as values, and the time
    spent reading and extracting with them, so a worker process can return both."""
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    try:
        document = read_document(path, max_bytes=max_bytes)
        seconds["read"] = time.perf_counter() - started
        extraction = extract_document(document)
        seconds["extract"] = time.perf_counter() - started - seconds["read"]
        check_is_report(extraction)
        return extraction, seconds
    except IngestError as error:
        return error, seconds
    except MemoryError:
        return IngestError(Path(path).name, OVER_MEMORY), seconds
    except Exception as error:  # an extractor bug must not stop the other files
        return IngestError(Path(path).name, f"extraction failed: {type(error).__name__}: {error}"), seconds


def prepare_path(path: str, max_bytes: int | None) -> tuple[tuple[FileOutcome, GraphRows | None] | IngestError,
                                                             dict[str, float]]:
    """Read and extract one file and make its rows, in an extracting process:
    made in the ingest process, the rows took the interpreter lock its writer
    thread needs, and a batch waited for them."""
    result, seconds = extract_path(path, max_bytes)
    if isinstance(result, IngestError):
        return result, seconds
    try:
        return _prepare_one(Path(path), result, seconds), seconds
    except Exception as error:  # a loader bug must not stop the other files either
        return IngestError(Path(path).name, f"making its rows failed: {type(error).__name__}: {error}"), seconds


def extractions(paths: list[Path], *, max_bytes: int | None, workers: int, budget: Budget,
                refused: dict[Path, IngestError] | None = None,
                ) -> Iterable[tuple[Path, Extraction | IngestError, dict[str, float]]]:
    """(path, extraction or error, seconds) in input order, so loading (and
    which duplicate wins) does not depend on timing; each file extracted in a
    worker process within `budget` (see workers.py)."""
    return extract_in_workers(paths, partial(extract_path, max_bytes=max_bytes), workers=workers, budget=budget,
                              refused=refused)


def links_leaving(paths: list[str | Path], files: list[Path]) -> dict[Path, IngestError]:
    """The files found in a folder that are links to somewhere outside it, refused:
    ingesting a folder must not publish a private file a link in it points to."""
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    refused = {}
    for file in files:
        for folder in folders:
            if file.is_relative_to(folder):
                target = file.resolve()
                if not target.is_relative_to(folder.resolve()):
                    refused[file] = IngestError(file.name, f"a link to {target}, outside the folder {folder}: "
                                                "refused (links are followed only within the ingested folder)")
                break
    return refused


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


# Reports per transaction. Each write operation costs the embedded store
# time that grows with the graph, and a batch costs as many operations as a
# single report (see ingest.load.statements); beyond a few dozen reports the
# gain flattens while a batch's query text grows.
BATCH_REPORTS = 25


def ingest(
    store: GraphStore,
    paths: list[str | Path],
    *,
    max_bytes: int | None = None,
    workers: int | None = None,
    batch_size: int = BATCH_REPORTS,
    budget: Budget = Budget(),
    on_file: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Ingest files in file order, in batches of up to `batch_size` reports.
    The extracting processes read, extract and make each report's rows; a
    single writer thread sends batch k to the store while this thread
    gathers batch k+1, so the store and Python work at the same time. A
    report whose id or file content is already in the open batch starts the
    next one, so the later version replaces the earlier, as it would alone.
    `workers` extracting processes (one at least); by default one per core for 16 files
    or more. Each file is read and extracted within `budget`."""
    files = ordered_files(paths)
    refused = links_leaving(paths, files)
    workers = default_workers(len(files)) if workers is None else workers
    prepare(store)
    outcomes: list[FileOutcome] = []
    batch: list[tuple[FileOutcome, GraphRows | None]] = []
    in_batch: set[str] = set()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="perfkg-writer") as writer:
        pending: Future | None = None

        def send() -> None:
            nonlocal pending, batch, in_batch
            if pending is not None:
                _finish(pending, outcomes, on_file)
            pending = writer.submit(_write_batch, store, batch)
            batch, in_batch = [], set()

        for path, result, seconds in extract_in_workers(files, partial(prepare_path, max_bytes=max_bytes),
                                                        workers=workers, budget=budget, refused=refused):
            outcome, rows = _prepare_one(path, result, seconds) if isinstance(result, IngestError) else result
            keys = {rows.report_id, rows.report["sha256"]} if rows is not None else set()
            if keys & in_batch:
                send()
            batch.append((outcome, rows))
            in_batch |= keys
            if len(batch) >= batch_size:
                send()
        if batch:
            send()
        if pending is not None:
            _finish(pending, outcomes, on_file)
    if any(outcome.status == "replaced" for outcome in outcomes):
        # A replaced report's names may have held metrics together: resolve them again from the graph.
        resolve_all(store)
    return outcomes


def _finish(pending: Future, outcomes: list[FileOutcome], on_file) -> None:
    for outcome in pending.result():
        outcomes.append(outcome)
        if on_file:
            on_file(outcome)


def _prepare_one(path: Path, result: Extraction | IngestError,
                 seconds: dict[str, float]) -> tuple[FileOutcome, GraphRows | None]:
    if isinstance(result, NotAReport):
        return FileOutcome(str(path), "skipped", warnings=[result.problem], seconds=seconds), None
    if isinstance(result, IngestError):
        return FileOutcome(str(path), "failed", error=result.problem, seconds=seconds), None
    extraction = result
    outcome = FileOutcome(
        str(path), "loaded",
        department=extraction.department.short_name if extraction.department else None,
        year=extraction.year, counts=extraction.counts(), warnings=list(extraction.warnings),
        encoding=extraction.encoding, seconds=seconds,
        flags=dict(Counter(flag for indicator in extraction.indicators for flag in indicator.flags)),
    )
    return outcome, to_rows(extraction)


def _write_batch(store: GraphStore, batch: list[tuple[FileOutcome, GraphRows | None]]) -> list[FileOutcome]:
    """Write a batch's reports in one transaction; the outcomes in batch order.
    Each report's `load` seconds are its share of the batch's time."""
    to_write = [(outcome, rows) for outcome, rows in batch if rows is not None]
    if to_write:
        started = time.perf_counter()
        try:
            loaded = write_rows(store, [rows for _, rows in to_write])
        except StoreError as error:
            if len(to_write) == 1 or isinstance(error, StoreUnavailable):
                for outcome, _ in to_write:
                    outcome.status, outcome.error = "failed", f"not written: {error}"
            else:  # find the report the store refused: write them one at a time
                for one in to_write:
                    _write_batch(store, [one])
            return [outcome for outcome, _ in batch]
        share = (time.perf_counter() - started) / len(to_write)
        for (outcome, rows), result in zip(to_write, loaded):
            outcome.seconds["load"] = share
            outcome.report_id = result.report_id
            if result.replaced:
                outcome.status = "replaced"
                outcome.replaced = [f for f in result.replaced_files if f != rows.report["source_file"]]
    return [outcome for outcome, _ in batch]


# Below this many files, a second extracting process saves less than it costs.
PARALLEL_FROM_FILES = 16


def default_workers(files: int) -> int:
    """One extracting process per core for a large ingest, one for a small one."""
    return max(1, min(os.cpu_count() or 1, 8)) if files >= PARALLEL_FROM_FILES else 1
