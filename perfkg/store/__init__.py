"""Graph stores behind one small interface: embedded FalkorDB or Neo4j 5."""

from __future__ import annotations

from perfkg.config import Settings

from .base import GraphStore, QueryError, QueryResult, QueryTimeout, Statement, StoreError, StoreUnavailable

__all__ = [
    "GraphStore",
    "QueryError",
    "QueryResult",
    "QueryTimeout",
    "Statement",
    "StoreError",
    "StoreUnavailable",
    "open_store",
]


def open_store(settings: Settings) -> GraphStore:
    """The store the settings name: Neo4j for a bolt:// or neo4j:// URI, else
    the embedded FalkorDB persisted at that path."""
    if settings.is_neo4j:
        from .neo4j_store import Neo4jStore

        return Neo4jStore(
            settings.store,
            user=settings.neo4j_user,
            password=settings.neo4j_password,
            database=settings.neo4j_database,
        )
    if "://" in settings.store:
        raise StoreUnavailable(
            f"unsupported store {settings.store!r}: give a file path (embedded FalkorDB) "
            "or a bolt://, neo4j:// or neo4j+s:// URI"
        )
    from .falkor import FalkorStore

    return FalkorStore(settings.store, graph=settings.graph, query_memory_mb=settings.query_memory_mb)
