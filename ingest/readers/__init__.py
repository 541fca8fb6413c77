"""Readers: a file of any supported format -> the document model.

One module per format family, each a function `(name, data, source) ->
Document`; this registry maps suffixes to them and does what every reader
shares: the size limit (a larger file is refused unread), reading the bytes,
empty files, the sha256 of the bytes. A reader's library is imported only
when a file of its format is read.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..document import Document, Source
from ..errors import IngestError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Format:
    name: str  # what Source.format says
    module: str  # the reader module, in this package
    function: str


# Suffix -> format. Every suffix here is taken by a folder ingest and by uploads.
FORMATS: dict[str, Format] = {
    ".txt": Format("txt", "text", "read_text"),
    ".text": Format("txt", "text", "read_text"),
    ".md": Format("md", "markdown", "read_markdown"),
    ".markdown": Format("md", "markdown", "read_markdown"),
    ".html": Format("html", "html", "read_html"),
    ".htm": Format("html", "html", "read_html"),
    ".pdf": Format("pdf", "pdf", "read_pdf"),
    ".docx": Format("docx", "docx", "read_docx"),
    ".xlsx": Format("xlsx", "xlsx", "read_xlsx"),
    ".xlsm": Format("xlsx", "xlsx", "read_xlsx"),
    ".xls": Format("xls", "xls", "read_xls"),
    # Scans and photographs, read by OCR when perfkg[ocr] is installed.
    ".png": Format("png", "pdf", "read_image"),
    ".jpg": Format("jpg", "pdf", "read_image"),
    ".jpeg": Format("jpg", "pdf", "read_image"),
    # Old binary formats, converted by LibreOffice when it is installed.
    ".doc": Format("doc", "legacy", "read_legacy"),
    ".wps": Format("wps", "legacy", "read_legacy"),
    ".et": Format("et", "legacy", "read_legacy"),
}
SUFFIXES = tuple(FORMATS)


def document_from_bytes(name: str, data: bytes, *, max_bytes: int | None = None) -> Document:
    """Read one file's bytes (`name` says its format by its suffix)."""
    limit = max_bytes or DEFAULT_MAX_BYTES
    if len(data) > limit:
        raise IngestError(name, f"file is {len(data):,} bytes, over the limit of {limit:,} (PERFKG_MAX_REPORT_BYTES)")
    if not data.strip():
        raise IngestError(name, "empty file")
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        supported = " ".join(SUFFIXES)
        raise IngestError(name, f"unsupported file type {Path(name).suffix or '(no suffix)'!r}; perfkg reads {supported}")
    reader: Callable[[str, bytes, Source], Document] = getattr(
        importlib.import_module(f".{fmt.module}", __name__), fmt.function)
    source = Source(name=name, format=fmt.name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    return reader(name, data, source)


def read_document(path: str | Path, *, max_bytes: int | None = None) -> Document:
    path = Path(path)
    limit = max_bytes or DEFAULT_MAX_BYTES
    try:
        # Opened without blocking (a pipe would wait for a writer), then judged by what
        # was opened: a device or pipe is refused, and no more than the limit is read
        # whatever the size says (/dev/zero's is 0).
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with open(descriptor, "rb") as handle:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise IngestError(path.name, "not a regular file (a device, pipe or socket): refused unread")
            if info.st_size > limit:  # refused unread
                raise IngestError(path.name, f"file is {info.st_size:,} bytes, over the limit of {limit:,} "
                                  "(PERFKG_MAX_REPORT_BYTES)")
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise IngestError(path.name, f"file is over the limit of {limit:,} bytes (PERFKG_MAX_REPORT_BYTES)")
    except OSError as error:
        raise IngestError(path.name, f"cannot read: {error.strerror or error}") from error
    return document_from_bytes(path.name, data, max_bytes=limit)


def report_files(paths: list[str | Path]) -> list[Path]:
    """The files to ingest: files as given, folders searched for every supported suffix (sorted)."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            found.append(path)
    return found
