"""Turn the Neo4j driver's values into plain Python (JSON-ready) values. (The
embedded store reads its replies into the same plain values: perfkg.store.compact.)"""

from __future__ import annotations

from typing import Any

from neo4j import graph


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Nodes, relationships and paths become dicts and lists:
    a node {"labels": [...], "properties": {...}}, a relationship
    {"type": ..., "properties": {...}}, a path {"nodes": [...], "relationships": [...]}.
    (Scalars, most of any result, are passed over without a call: a result of
    ten thousand paths spent most of its time here.)"""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _SCALARS else plain(v) for v in value]
    if kind is dict:
        return {str(k): v if type(v) in _SCALARS else plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)):  # subclasses of the scalars
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    # (Relationships are of classes the driver makes per type at run time.)
    if isinstance(value, graph.Node):
        return {"labels": sorted(value.labels), "properties": plain(dict(value))}
    if isinstance(value, graph.Relationship):
        return {"type": value.type, "properties": plain(dict(value))}
    if isinstance(value, graph.Path):
        return {"nodes": plain(list(value.nodes)), "relationships": plain(list(value.relationships))}
    return str(value)
