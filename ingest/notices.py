"""What was not read, said once: each warning an extraction gives, sorted into
its kind and severity, so that an ingest of a folder ends with a count per kind,
the serious first, instead of a wall of lines where the few that matter drown.

Serious: a value dropped as impossible, a department not found, a table that
names indicators but yielded none, a part of the document not read at all.
Notes: a section the document's kind has but this one lacks, a unit the reader
does not know, a row cut off by the end of an excerpt.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

# (severity, kind, pattern over the warning's text): the first that matches names it.
KINDS: list[tuple[str, str, re.Pattern]] = [
    ("serious", "a value dropped as impossible", re.compile(r"out of range, dropped|^dropped ")),
    ("serious", "department not found", re.compile(r"^department not found")),
    ("serious", "an indicator table yielded no indicator", re.compile(r"yielded none")),
    ("serious", "part of the file not read (scans, pictures, hidden sheets, text boxes)",
     re.compile(r"no text layer|not read\"?\)?$|picture|chart|text box|hidden sheet|formula cell")),
    ("serious", "a plan-and-result statement no rule read", re.compile(r"statement no rule read")),
    ("note", "a file that is not a report, skipped", re.compile(r"^not a performance report")),
    ("note", "year not found", re.compile(r"^year not found")),
    ("note", "a section of the document's kind not found", re.compile(r"not found")),
    ("note", "a unit the reader does not know", re.compile(r"^the unit ")),
    ("note", "a table row cut off by the end of the text", re.compile(r"cut off by the end")),
]
_ORDER = {"serious": 0, "note": 1}


def kind_of(warning: str) -> tuple[str, str]:
    """(severity, kind) of one warning."""
    for severity, kind, pattern in KINDS:
        if pattern.search(warning):
            return severity, kind
    return "note", "other"


def summary(warnings_by_file: Iterable[tuple[str, list[str]]]) -> list[tuple[str, str, int, int]]:
    """(severity, kind, warnings, files) for each kind seen, the serious first, then the most frequent."""
    warnings: Counter = Counter()
    files: dict[tuple[str, str], set[str]] = {}
    for name, found in warnings_by_file:
        for warning in found:
            key = kind_of(warning)
            warnings[key] += 1
            files.setdefault(key, set()).add(name)
    return sorted(((severity, kind, count, len(files[(severity, kind)])) for (severity, kind), count in warnings.items()),
                  key=lambda row: (_ORDER[row[0]], -row[2], row[1]))
