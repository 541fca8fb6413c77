"""FalkorDB's compact replies read straight into plain Python values.

A compact reply gives every cell as `[type, value]`. falkordb-py turns each
cell into a value through a call per cell (and a Node, Edge or OrderedDict
that perfkg then turns into plain values again); here the common cells —
null, string, integer, which the reply parser has already made Python values
— are taken as they are, and only the rest is converted. On the broad listing
(33,860 rows of 17 columns) that took the client's share from about 0.75 s
to a fifth of it (BENCHMARKS.md). Nodes, relationships, paths and the
temporal types, which need the graph's schema (label and property names by
number), go through falkordb-py's own parser.
"""

from __future__ import annotations

from typing import Any

from falkordb.query_result import parse_scalar

from .values import plain

# FalkorDB's value types (falkordb.query_result.ResultSetScalarTypes).
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _MAP = 1, 2, 3, 4, 5, 6, 10
_AS_IS = frozenset({_NULL, _STRING, _INTEGER})


def value(cell: list, graph) -> Any:
    """One `[type, value]` cell as a plain value (see GraphStore)."""
    kind, raw = cell
    if kind in _AS_IS:
        return raw
    if kind == _DOUBLE:
        return float(raw)
    if kind == _BOOLEAN:
        return raw == "true"
    if kind == _ARRAY:
        return [item[1] if item[0] in _AS_IS else value(item, graph) for item in raw]
    if kind == _MAP:
        return {raw[i]: value(raw[i + 1], graph) for i in range(0, len(raw), 2)}
    return plain(parse_scalar(cell, graph))


def rows(raw_rows: list, graph, limit: int | None = None) -> list[list[Any]]:
    """The reply's rows (at most `limit` of them) as lists of plain values."""
    if limit is not None:
        raw_rows = raw_rows[:limit]
    return [[cell[1] if cell[0] in _AS_IS else value(cell, graph) for cell in row] for row in raw_rows]
