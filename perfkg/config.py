"""Settings, from the environment (PERFKG_*) with CLI overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

DEFAULT_STORE = "var/perfkg.db"
NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def _names(name: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in os.environ.get(name, "").split(",") if n.strip())


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    # A file path means the embedded FalkorDB store, a bolt:// or neo4j:// URI Neo4j.
    store: str = DEFAULT_STORE
    graph: str = "perfkg"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str | None = None
    # Ad-hoc and named queries: the most a request may ask for (it may ask less).
    query_timeout_ms: int = 5000
    row_limit: int = 10000
    # Embedded store: memory one query may use before FalkorDB stops it; the
    # threads its queries run on (fixed when its server starts); how long its
    # server stays up with no user, so the next command reuses it; how long it
    # may answer nothing while using no CPU before it is killed as deadlocked.
    query_memory_mb: int = 512
    query_threads: int = 4
    server_idle_s: float = 30.0
    server_hung_s: float = 60.0
    # The embedded store's server may take this much memory (address space); -1: half the machine's.
    server_memory_mb: int = -1
    # Reports bigger than this are refused unread; reading and extracting one
    # file may take this long and this much memory (its worker is killed past it).
    max_report_bytes: int = 5 * 1024 * 1024
    max_file_seconds: int = 300
    max_file_memory_mb: int = 2048
    # HTTP uploads: extracted this many at once, this many more waiting (then 503).
    upload_workers: int = 2
    upload_queue: int = 8
    # HTTP: uploads need this key; CORS is off unless origins are listed.
    api_key: str | None = None
    cors_origins: tuple[str, ...] = ()
    # Host names served besides loopback's ("*": any), as the Host header gives them.
    allowed_hosts: tuple[str, ...] = field(default_factory=lambda: _names("PERFKG_ALLOWED_HOSTS"))
    max_request_bytes: int = 6 * 1024 * 1024
    # Answers of queries are cut to this many bytes (and say `truncated`);
    # an export of the whole graph stops after this many seconds.
    max_response_bytes: int = 16 * 1024 * 1024
    export_timeout_s: int = 120

    @property
    def is_neo4j(self) -> bool:
        return self.store.startswith(NEO4J_SCHEMES)

    def with_store(self, store: str | None) -> "Settings":
        return replace(self, store=store) if store else self


def from_env() -> Settings:
    env = os.environ
    return Settings(
        store=env.get("PERFKG_STORE") or DEFAULT_STORE,
        graph=env.get("PERFKG_GRAPH") or "perfkg",
        neo4j_user=env.get("PERFKG_NEO4J_USER") or "neo4j",
        neo4j_password=env.get("PERFKG_NEO4J_PASSWORD") or "",
        neo4j_database=env.get("PERFKG_NEO4J_DATABASE") or None,
        query_timeout_ms=_int("PERFKG_QUERY_TIMEOUT_MS", 5000),
        row_limit=_int("PERFKG_ROW_LIMIT", 10000),
        query_memory_mb=_int("PERFKG_QUERY_MEMORY_MB", 512),
        query_threads=_int("PERFKG_QUERY_THREADS", 4),
        server_idle_s=_int("PERFKG_SERVER_IDLE_S", 30),
        server_hung_s=_int("PERFKG_SERVER_HUNG_S", 60),
        server_memory_mb=_int("PERFKG_SERVER_MEMORY_MB", -1),
        max_report_bytes=_int("PERFKG_MAX_REPORT_BYTES", 5 * 1024 * 1024),
        max_file_seconds=_int("PERFKG_MAX_FILE_SECONDS", 300),
        max_file_memory_mb=_int("PERFKG_MAX_FILE_MEMORY_MB", 2048),
        upload_workers=_int("PERFKG_UPLOAD_WORKERS", 2),
        upload_queue=_int("PERFKG_UPLOAD_QUEUE", 8),
        api_key=env.get("PERFKG_API_KEY") or None,
        cors_origins=_names("PERFKG_CORS_ORIGINS"),
        max_request_bytes=_int("PERFKG_MAX_REQUEST_BYTES", 6 * 1024 * 1024),
        max_response_bytes=_int("PERFKG_MAX_RESPONSE_BYTES", 16 * 1024 * 1024),
        export_timeout_s=_int("PERFKG_EXPORT_TIMEOUT_S", 120),
    )
