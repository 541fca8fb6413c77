"""FalkorDB's compact replies read straight into plain Python values.

A compact reply gives every cell as `[type, value]`. falkordb-py turned each
cell into a value through a call per cell (and a Node, Edge or OrderedDict
that perfkg then turned into plain values again); here the common cells —
null, string, integer, which the reply parser has already made Python values
— are taken as they are, and only the rest is converted. On the broad listing
(33,860 rows of 17 columns) that took the client's share from about 0.75 s
to a fifth of it (BENCHMARKS.md).

The values are those falkordb-py gave, made plain as the Neo4j store's are
(perfkg.store.values): a node {"labels": [...], "properties": {...}}, a relationship
{"type": ..., "properties": {...}}, a path {"nodes": [...], "relationships":
[...]}, a point {"latitude": ..., "longitude": ...}, a vector a list of
floats, and the temporal types as the text of Python's datetime, date, time
and dateutil's relativedelta. Nodes and relationships name their labels,
type and property keys by number: `Names` knows them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

# FalkorDB's value types (ResultSetScalarTypes in falkordb-py; 0 is "unknown").
(_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _EDGE, _NODE, _PATH, _MAP, _POINT, _VECTORF32, _DATETIME,
 _DATE, _TIME, _DURATION) = range(1, 17)
_AS_IS = frozenset({_NULL, _STRING, _INTEGER})


class Names:
    """The graph's labels, relationship types and property keys by the numbers
    compact replies give them, fetched (`fetch(procedure)`, the names in order)
    when first needed and again when a number is past those known: a name made
    since. As falkordb-py does; a name is never renumbered."""

    def __init__(self, fetch: Callable[[str], list[str]]):
        self._fetch = fetch
        self._known: dict[str, list[str]] = {}

    def _name(self, procedure: str, number: int) -> str:
        names = self._known.get(procedure, [])
        if number >= len(names):
            names = self._known[procedure] = self._fetch(procedure)
        return names[number]

    def label(self, number: int) -> str:
        return self._name("db.labels", number)

    def relationship_type(self, number: int) -> str:
        return self._name("db.relationshipTypes", number)

    def property_key(self, number: int) -> str:
        return self._name("db.propertyKeys", number)


def _properties(raw: list, names: Names) -> dict[str, Any]:
    """An entity's properties: `[key number, type, value]` each."""
    return {names.property_key(key): raw_value if kind in _AS_IS else value([kind, raw_value], names)
            for key, kind, raw_value in raw}


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _duration(seconds: int) -> str:
    from dateutil.relativedelta import relativedelta  # only a duration needs it

    return str(relativedelta(_utc(seconds), _utc(0)))


_TEMPORAL: dict[int, Callable[[int], str]] = {
    _DATETIME: lambda seconds: str(_utc(seconds)),
    _DATE: lambda seconds: str(_utc(seconds).date()),
    _TIME: lambda seconds: str(_utc(seconds).time()),
    _DURATION: _duration,
}


def value(cell: list, names: Names) -> Any:
    """One `[type, value]` cell as a plain value (see GraphStore)."""
    kind, raw = cell
    if kind in _AS_IS:
        return raw
    if kind == _DOUBLE:
        return float(raw)
    if kind == _BOOLEAN:
        return raw == "true"
    if kind == _ARRAY:
        return [item[1] if item[0] in _AS_IS else value(item, names) for item in raw]
    if kind == _MAP:
        return {raw[i]: value(raw[i + 1], names) for i in range(0, len(raw), 2)}
    if kind == _NODE:  # [id, [label numbers], [properties]]
        return {"labels": sorted(names.label(number) for number in raw[1]), "properties": _properties(raw[2], names)}
    if kind == _EDGE:  # [id, type number, source id, destination id, [properties]]
        return {"type": names.relationship_type(raw[1]), "properties": _properties(raw[4], names)}
    if kind == _PATH:  # [array of nodes, array of relationships]
        return {"nodes": value(raw[0], names), "relationships": value(raw[1], names)}
    if kind == _POINT:
        return {"latitude": float(raw[0]), "longitude": float(raw[1])}
    if kind == _VECTORF32:
        return [float(v) for v in raw]
    if kind in _TEMPORAL:
        return _TEMPORAL[kind](raw)
    return None  # a type this client does not know: falkordb-py gave None too


def rows(raw_rows: list, names: Names, limit: int | None = None) -> list[list[Any]]:
    """The reply's rows (at most `limit` of them) as lists of plain values."""
    if limit is not None:
        raw_rows = raw_rows[:limit]
    return [[cell[1] if cell[0] in _AS_IS else value(cell, names) for cell in row] for row in raw_rows]
