"""Where a cell recovered from lines is: the location of the lines it spans."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from typing import Sequence

from ..document import Line, Location


def span_location(lines: Sequence[Line], start: int, end: int) -> Location | None:
    """The location of text[start:end] given the lines it lies on (in order):
    the first line's, running to the last line when they differ."""
    starts = [line.start for line in lines]
    first = lines[max(0, bisect_right(starts, start) - 1)]
    last = lines[max(0, bisect_right(starts, max(start, end - 1)) - 1)]
    if first.location is None:
        return None
    if last is first or last.location is None or last.location.line is None:
        return first.location
    if last.location.page != first.location.page:
        return first.location  # a cell across a page break: where it starts
    return replace(first.location, end_line=last.location.end_line or last.location.line)
