"""The layout stage: tables written as text become Table blocks.

A reader that cannot see a table grid (plain text, Markdown, a PDF's text
layer without ruling lines) gives `Line` blocks. Tables among them were
written in one of a dozen text layouts (GUIDE §5): tab-separated rows, pipe
rows, one cell per line, space-separated rows, ... Each layout is a detector
over runs of lines that returns the tables it recognises as `Table` blocks of
the same document (cells are spans of the document's text, so evidence stays
verbatim); the lines it does not claim stay lines.

Detectors run in order, each on the lines the earlier ones left.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..document import Block, Document, Line, Table
from .fields import field_tables
from .glued import glued_tables
from .pipes import pipe_tables
from .spaced import spaced_tables
from .tab import tab_tables

# (name, detector): a detector takes the document and a run of consecutive
# Line blocks, and returns the tables it finds among them, each covering a
# contiguous sub-run of those lines.
Detector = Callable[[Document, Sequence[Line]], list[Table]]
DETECTORS: list[tuple[str, Detector]] = [
    ("tab", tab_tables),
    ("pipes", pipe_tables),
    ("fields", field_tables),  # a field per line (三级指标：…), before the glued and spaced guesses
    ("glued", glued_tables),  # a long line with no delimiter at all, but the form's words
    ("spaced", spaced_tables),  # last: it needs the genre's words, the others their delimiters
]


def recover_tables(document: Document) -> Document:
    """The document with the tables written as text among its lines turned into Table blocks."""
    blocks = list(document.blocks)
    for _, detect in DETECTORS:
        blocks = _apply(document, blocks, detect)
    document.blocks = blocks
    return document


def _apply(document: Document, blocks: list[Block], detect: Detector) -> list[Block]:
    result: list[Block] = []
    run: list[Line] = []

    def flush() -> None:
        if not run:
            return
        tables = sorted(detect(document, run), key=lambda t: t.start)
        pending = iter(tables)
        table = next(pending, None)
        for line in run:
            while table is not None and table.end <= line.start:
                table = next(pending, None)
            if table is not None and table.start <= line.start < table.end:
                if not result or result[-1] is not table:
                    result.append(table)
                continue
            result.append(line)
        run.clear()

    for block in blocks:
        if isinstance(block, Line):
            run.append(block)
            continue
        flush()
        result.append(block)
    flush()
    return result
