"""Ingest one report received as bytes (an upload over HTTP)."""

from __future__ import annotations

from perfkg.ingest.load import load
from perfkg.ingest.errors import IngestError, NotAReport
from perfkg.ingest.pipeline import extract_document
from perfkg.ingest.readers import SUFFIXES, document_from_bytes
from perfkg.ingest.runner import check_is_report
from perfkg.store import GraphStore, StoreError

__all__ = ["SUFFIXES", "Refused", "ingest_bytes"]


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def ingest_bytes(store: GraphStore, name: str, data: bytes, max_bytes: int) -> dict:
    """Decode, extract and load one report, whole or not at all."""
    try:
        document = document_from_bytes(name, data, max_bytes=max_bytes)
        extraction = extract_document(document)
        check_is_report(extraction)
    except NotAReport as error:
        raise Refused(422, str(error)) from None
    except IngestError as error:
        raise Refused(400, str(error)) from None
    try:
        loaded = load(store, extraction)
    except StoreError as error:
        raise Refused(503, f"{name}: not written: {error}") from None
    department = extraction.department
    return {
        "report_id": loaded.report_id,
        "file": name,
        "encoding": document.source.encoding,
        "format": document.source.format,
        "department": department.name if department else None,
        "year": extraction.year,
        "counts": extraction.counts(),
        "warnings": extraction.warnings,
        "replaced": [f for f in loaded.replaced_files if f != name] or ([name] if loaded.replaced else []),
    }
