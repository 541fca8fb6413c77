"""Turn driver-specific values into plain Python (JSON-ready) values."""

from __future__ import annotations

from typing import Any

import falkordb


def plain(value: Any) -> Any:
    """Nodes, relationships and paths of either driver become dicts and lists:
    a node {"labels": [...], "properties": {...}}, a relationship
    {"type": ..., "properties": {...}}, a path {"nodes": [...], "relationships": [...]}."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, falkordb.Node):
        return {"labels": sorted(value.labels or []), "properties": plain(value.properties)}
    if type(value).__module__.startswith("neo4j"):
        return _plain_neo4j(value)
    if isinstance(value, falkordb.Edge):
        return {"type": value.relation, "properties": plain(value.properties)}
    if isinstance(value, falkordb.Path):
        return {"nodes": plain(value.nodes()), "relationships": plain(value.edges())}
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
