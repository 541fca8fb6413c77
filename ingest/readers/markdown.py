"""Markdown (.md), parsed by markdown-it-py (CommonMark with pipe tables).

Headings (`#`) become headings, paragraphs and list items paragraphs, pipe
tables grids (the header row marked as such), code blocks lines as they are.
Inline markup (`**bold**`, links, `code`) leaves its text. Every block is
located by the lines it takes in the file; a table's cells by their row's
line. A report copied into Markdown with its tables as tab rows (in a
paragraph) or space-aligned rows (in a code block) keeps them as lines, for
the layout stage to recover.
"""

from __future__ import annotations

import re

from ..document import Document, Location, Source
from ..errors import IngestError
from .builder import DocumentBuilder, GridCell
from .text import decode, looks_binary

_TAG = re.compile(r"<[^>]*>")


def read_markdown(name: str, data: bytes, source: Source) -> Document:
    from markdown_it import MarkdownIt

    text, encoding = decode(data, name)
    if looks_binary(text):
        raise IngestError(name, "binary file (control characters), not a Markdown report")
    source.encoding = encoding
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)
    out = DocumentBuilder(source)
    index = 0
    tables = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            out.heading(_inline(tokens[index + 1]), int(token.tag[1:]), _lines(token))
            index += 3
        elif token.type == "paragraph_open":
            text = _inline(tokens[index + 1])
            if "\t" in text and token.map:
                # Tab rows pasted into Markdown: lines, for the layout stage to find the table in.
                for offset, line in enumerate(text.split("\n")):
                    out.line(line, Location("text", line=token.map[0] + 1 + offset))
            else:
                out.paragraph(text, _lines(token))
            index += 3
        elif token.type == "table_open":
            index = _table(tokens, index, out, tables)
            tables += 1
        elif token.type in ("code_block", "fence", "html_block"):
            for offset, line in enumerate(token.content.split("\n")):
                if token.type == "html_block":
                    line = _TAG.sub("", line)
                out.line(line, Location("text", line=token.map[0] + 1 + offset + (token.type == "fence")))
            index += 1
        else:
            index += 1
    return out.build()


def _lines(token) -> Location | None:
    if not token.map:
        return None
    first, last = token.map[0] + 1, token.map[1]
    return Location("text", line=first, end_line=last if last != first else None)


def _inline(token) -> str:
    """The text of an inline token: its words without their markup, soft and hard breaks as line breaks."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)  # its alt text
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append("\n")
    return "".join(parts)


def _table(tokens, index: int, out: DocumentBuilder, table_index: int) -> int:
    cells: list[GridCell] = []
    row = -1
    column = 0
    row_line = None
    first_line = tokens[index].map[0] + 1 if tokens[index].map else None
    last_line = tokens[index].map[1] if tokens[index].map else None
    index += 1
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            row += 1
            column = 0
            row_line = token.map[0] + 1 if token.map else None
        elif token.type in ("th_open", "td_open"):
            inline = tokens[index + 1]
            cells.append(GridCell(_inline(inline), row, column, header=token.type == "th_open",
                                  location=Location("text", line=row_line, table=table_index, row=row, column=column)))
            column += 1
        index += 1
    out.table(cells, Location("text", line=first_line, end_line=last_line, table=table_index))
    return index + 1
