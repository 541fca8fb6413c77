"""Where a cell recovered from lines is: the location of the lines it spans."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from operator import attrgetter
from typing import Sequence

from ..document import Line, Location


_START = attrgetter("start")


def span_location(lines: Sequence[Line], start: int, end: int) -> Location | None:
    """The location of text[start:end] given the lines it lies on (in order):
    the first line's, running to the last line when they differ."""
    # Searched by each line's start, not in a list of the starts: made for every
    # cell, that list cost a table's every line per cell.
    first = lines[max(0, bisect_right(lines, start, key=_START) - 1)]
    last = lines[max(0, bisect_right(lines, max(start, end - 1), key=_START) - 1)]
    if first.location is None:
        return None
    if last is first or last.location is None or last.location.line is None:
        return first.location
    if last.location.page != first.location.page:
        return first.location  # a cell across a page break: where it starts
    return replace(first.location, end_line=last.location.end_line or last.location.line)
