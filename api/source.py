"""The shape of `GET /reports/{id}/source`: a report's text and where each
of its facts is in it, for a page that highlights them."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Span(BaseModel):
    start: int = Field(description="Where the fact's evidence starts in `text` (a character offset from 0).")
    end: int = Field(description="Where it ends (exclusive): text[start:end] is the evidence, verbatim.")
    label: str = Field(description="The fact's node label (Indicator, Fund, Task, …); Report for the report's "
                                   "execution rate and self score.")
    id: str = Field(description="The fact's node id (the report's id for its figures).")
    location: str | None = Field(None, description="Where the evidence is in the source file: `line 12`, "
                                                   "`p. 3, lines 4–5`, `table 2, row 3`, `自评表!A12:H12`.")
    what: str | None = Field(None, description="A caption: the indicator's or task's name, the fund's kind, the "
                                               "text of a duty, `execution_rate 98.64`.")
    also: list[list[int]] | None = Field(None, description="Further [start, end] spans the fact draws on (a target "
                                                           "stated in an earlier paragraph).")


class ReportSource(BaseModel):
    report_id: str
    source_file: str | None = Field(None, description="The file the report was read from.")
    format: str | None = Field(None, description="Its format: txt, md, html, pdf, docx, xlsx, xls.")
    text: str = Field(description="The text the reader produced from the file; every span is a part of it.")
    spans: list[Span] = Field(description="Every fact's evidence, sorted by start; spans may nest or overlap.")
