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


def open_store(settings: Settings, *, create: bool = False) -> GraphStore:
    """The store the settings name: Neo4j for a bolt:// or neo4j:// URI, else
    the embedded FalkorDB store in the folder that path names. A missing
    embedded store is refused unless `create` is asked."""
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
    from .server import ServerConfig

    config = ServerConfig(threads=settings.query_threads, query_memory_mb=settings.query_memory_mb,
                          result_rows=settings.row_limit + 1, idle_s=settings.server_idle_s,
                          hung_s=settings.server_hung_s, memory_mb=settings.server_memory_mb)
    return FalkorStore(settings.store, graph=settings.graph, create=create, config=config)
