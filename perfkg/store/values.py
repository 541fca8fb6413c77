"""Turn driver-specific values into plain Python (JSON-ready) values."""

from __future__ import annotations

from typing import Any

import falkordb


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Nodes, relationships and paths of either driver become dicts and lists:
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
    if kind is falkordb.Node:
        return {"labels": sorted(value.labels or []), "properties": plain(value.properties)}
    if kind is falkordb.Edge:
        return {"type": value.relation, "properties": plain(value.properties)}
    if kind is falkordb.Path:
        return {"nodes": [plain(n) for n in value.nodes()], "relationships": [plain(e) for e in value.edges()]}
    if isinstance(value, (str, int, float, bool)):  # subclasses of the scalars
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if kind.__module__.startswith("neo4j"):
        return _plain_neo4j(value)
    return str(value)


def _plain_neo4j(value: Any) -> Any:
    # Imported here: the Neo4j driver takes longer to import than a CLI
    # command on the embedded store takes to run.
    import neo4j.graph

    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), "properties": plain(dict(value))}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, "properties": plain(dict(value))}
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": plain(list(value.nodes)), "relationships": plain(list(value.relationships))}
    return str(value)
