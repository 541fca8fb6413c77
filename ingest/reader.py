"""Read a report file: size limit, encoding detection, binary and empty files.

Reports saved from many sites come in UTF-8 (with or without BOM), GBK /
GB18030 and UTF-16. Decoding tries what the bytes announce (a BOM, the NUL
pattern of UTF-16), then UTF-8, then GB18030, which covers GBK and GB2312.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".txt", ".text", ".md")


class IngestError(Exception):
    """A file that cannot be ingested, and why."""

    def __init__(self, file: str, problem: str):
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem

    def __reduce__(self):
        # Rebuilt from (file, problem), not from the message, when a worker
        # process sends it back (Exception's default pickles only the message).
        return type(self), (self.file, self.problem)


class NotAReport(IngestError):
    """A readable file with nothing of a performance report in it: skipped, not failed."""


@dataclass(frozen=True)
class SourceFile:
    name: str
    text: str
    encoding: str
    sha256: str
    size: int


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding used)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise IngestError(name, f"starts with a {encoding} byte-order mark but does not decode: {error}")
    candidates = []
    nul = data.count(0)
    if nul:
        # UTF-16 without a BOM: the digits, spaces and line breaks among the
        # Chinese put a NUL in every other byte, always on the same side.
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if len(data) % 2 == 0 and odd >= 0.95 * nul:
            candidates.append("utf-16-le")
        elif len(data) % 2 == 0 and even >= 0.95 * nul:
            candidates.append("utf-16-be")
        else:
            raise IngestError(name, "binary file (NUL bytes), not a text report")
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding.startswith("utf-16") and _looks_binary(text):
            raise IngestError(name, "binary file (NUL bytes), not a text report")
        return text, encoding
    controls = sum(1 for byte in data[:20000] if byte < 9 or 13 < byte < 32)
    if nul or controls > max(8, len(data[:20000]) // 200):
        raise IngestError(name, "binary file (control bytes), not a text report")
    raise IngestError(name, "cannot decode the text: it is not UTF-8, UTF-16 or GB18030/GBK")


# Unicode's control characters (category Cc) but the layout ones, \t to \r.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    controls = len(_CONTROL_CHARACTERS.findall(sample))
    return controls > max(8, len(sample) // 200)


def source_from_bytes(name: str, data: bytes, *, max_bytes: int | None = None) -> SourceFile:
    limit = max_bytes or DEFAULT_MAX_BYTES
    if len(data) > limit:
        raise IngestError(name, f"file is {len(data):,} bytes, over the limit of {limit:,} (PERFKG_MAX_REPORT_BYTES)")
    if not data.strip():
        raise IngestError(name, "empty file")
    text, encoding = decode(data, name)
    if _looks_binary(text):
        raise IngestError(name, "binary file (control characters), not a text report")
    if not text.strip():
        raise IngestError(name, "empty file")
    return SourceFile(name=name, text=text, encoding=encoding, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def read_source(path: str | Path, *, max_bytes: int | None = None) -> SourceFile:
    path = Path(path)
    limit = max_bytes or DEFAULT_MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:  # refused unread
            raise IngestError(path.name, f"file is {size:,} bytes, over the limit of {limit:,} (PERFKG_MAX_REPORT_BYTES)")
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path.name, f"cannot read: {error.strerror or error}") from error
    return source_from_bytes(path.name, data, max_bytes=limit)


def report_files(paths: list[str | Path]) -> list[Path]:
    """The files to ingest: files as given, folders searched for *.txt (sorted)."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            found.append(path)
    return found
