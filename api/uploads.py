"""Ingest one report received as bytes (an upload over HTTP)."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

from perfkg.ingest.errors import IngestError, NotAReport
from perfkg.ingest.load import load
from perfkg.ingest.readers import SUFFIXES
from perfkg.ingest.runner import extract_path
from perfkg.ingest.workers import Budget, extract_in_workers
from perfkg.store import GraphStore, StoreError

__all__ = ["SUFFIXES", "Refused", "ingest_bytes"]


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def ingest_bytes(store: GraphStore, name: str, data: bytes, max_bytes: int, budget: Budget = Budget()) -> dict:
    """Decode, extract and load one report, whole or not at all. It is read and
    extracted in a worker process within `budget`, as a file of `perfkg ingest` is
    (from a private temporary folder), so a file that hangs or exhausts a reader
    costs the server nothing past the budget."""
    with tempfile.TemporaryDirectory(prefix="perfkg-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        [(_, extraction, _)] = extract_in_workers([path], partial(extract_path, max_bytes=max_bytes), workers=1,
                                                  budget=budget)
    if isinstance(extraction, NotAReport):
        raise Refused(422, str(extraction))
    if isinstance(extraction, IngestError):
        raise Refused(400, str(extraction))
    try:
        loaded = load(store, extraction)
    except StoreError as error:
        raise Refused(503, f"{name}: not written: {error}") from None
    department = extraction.department
    return {
        "report_id": loaded.report_id,
        "file": name,
        "encoding": extraction.encoding,
        "format": extraction.format,
        "department": department.name if department else None,
        "year": extraction.year,
        "counts": extraction.counts(),
        "warnings": extraction.warnings,
        "replaced": [f for f in loaded.replaced_files if f != name] or ([name] if loaded.replaced else []),
    }
