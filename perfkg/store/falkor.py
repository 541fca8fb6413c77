"""The embedded default: FalkorDB in-process via falkordblite, persisted to a file."""

from __future__ import annotations

import fcntl
import math
import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Sequence

from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from perfkg.ontology import Schema

from .base import GraphStore, QueryError, QueryResult, QueryTimeout, Statement, StoreError, StoreUnavailable
from .values import plain


# A last resort: every read carries its own time limit, enforced by the server.
_SOCKET_TIMEOUT_S = 300

# Redis persistence for the embedded server. The append-only file (AOF) makes
# every committed transaction durable even if the server process itself is
# killed, and it is what a restart loads. redislite's default RDB save points
# (every 15 s after 1,000 changes) are off: each forks and copies the whole
# graph, so an ingest slowed down as the graph grew, and the AOF already
# keeps the data.
_SERVER_CONFIG = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "save": '""',
}
# Restarting replays the queries logged since the AOF was last compacted
# (about 14 s per 1,000 reports); compacting turns them into a snapshot that
# loads in a fraction of that. The last process to close a store compacts
# its log when it has grown past this many bytes.
_COMPACT_AOF_BYTES = 8 * 1024 * 1024


# The escapes FalkorDB's parameter parser reads; any other character, control
# characters included, goes in as itself, except NUL, which it cannot read.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_TO_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


# Values that come back from the server as they are (most of them).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _literal(value: Any) -> str:
    """A parameter value as FalkorDB reads it in a query's CYPHER header
    (map keys must be identifiers)."""
    if isinstance(value, str):
        if "\0" in value:
            raise QueryError("a parameter string holds a NUL character, which the embedded store cannot take")
        # (str.translate would be simpler but is many times slower on Chinese text)
        return '"' + _TO_ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], value) + '"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise QueryError(f"parameter value {value!r} is not a finite number")
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        for key in value:
            if not (isinstance(key, str) and key.isidentifier()):
                raise QueryError(f"invalid map key {key!r} in a parameter")
        return "{" + ",".join(f"{key}:{_literal(v)}" for key, v in value.items()) + "}"
    raise QueryError(f"parameter values must be strings, numbers, booleans, lists or maps, not {type(value).__name__}")


def _params_header(params: dict[str, Any] | None) -> str:
    if not params:
        return ""
    parts = []
    for key, value in params.items():
        if not key.isidentifier():
            raise QueryError(f"invalid parameter name {key!r}")
        parts.append(f"{key}={_literal(value)}")
    return "CYPHER " + " ".join(parts) + " "


@contextmanager
def _file_lock(path: Path):
    """One process at a time starts or stops the embedded server of a file:
    two processes opening the same store at once share one server instead of
    each starting its own on the same data file."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def chain(statements: Sequence[Statement]) -> tuple[str, dict[str, Any]]:
    """Statements as one query: `s0; s1; …` becomes `s0 WITH count(*) AS _1 s1 …`
    with each statement's parameters prefixed by its position."""
    parts, params = [], {}
    for index, statement in enumerate(statements):
        prefix = f"s{index}_"
        parts.append(re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", lambda m: "$" + prefix + m.group(1), statement.cypher))
        params.update({prefix + key: value for key, value in statement.params.items()})
    query = parts[0]
    for index, part in enumerate(parts[1:], start=1):
        query += f"\nWITH count(*) AS _{index}\n" + part
    return query, params


# FalkorDB's parser takes time exponential in how deeply a query nests
# brackets or CASE expressions (depth 20: seconds; 30: hours), before any time
# limit applies. Reads nested deeper than this are refused unparsed.
MAX_NESTING = 12
_TOKENS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|\bCASE\b|\bEND\b|[()\[\]{}]", re.I)


def nesting_depth(cypher: str) -> int:
    """The deepest nesting of (), [], {} and CASE…END, outside strings and comments."""
    depth = deepest = 0
    for m in _TOKENS.finditer(cypher):
        token = m.group(0)
        if token[0] in "'\"`/":
            continue
        if token in "([{" or token.upper() == "CASE":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def _classify(error: Exception) -> StoreError:
    message = str(error)
    if "timed out" in message.lower() or isinstance(error, RedisTimeoutError):
        return QueryTimeout(message)
    if isinstance(error, RedisConnectionError):
        return StoreUnavailable(message)
    return QueryError(message)


class FalkorStore(GraphStore):
    kind = "falkordb"

    def __init__(self, path: str | Path, graph: str = "perfkg", *, query_memory_mb: int = 512):
        path = Path(path).expanduser().resolve()
        self.location = str(path)
        self.graph_name = graph
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_path = path.with_name(path.name + ".lock")
        try:
            # Imported here: redislite starts a server process, which only a
            # store that is actually opened should pay for.
            from redislite.falkordb_client import FalkorDB

            # The server is local (a unix socket): a dropped connection means
            # it is gone, so retrying with back-off only delays the error.
            with _file_lock(self._lock_path):
                self._db = FalkorDB(str(path), serverconfig=dict(_SERVER_CONFIG), retry=Retry(NoBackoff(), 0),
                                    socket_timeout=_SOCKET_TIMEOUT_S)
        except Exception as error:  # the embedded server failed to start
            raise StoreUnavailable(f"cannot start the embedded FalkorDB at {path}: {error}") from error
        self._graph = self._db.select_graph(graph)
        # FalkorDB checks a query's time limit between operations, so a query
        # that builds one huge list (UNWIND range(1, 10^9)) would run on; a
        # memory cap per query stops it instead.
        self._db.client.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", query_memory_mb * 1024 * 1024)
        # A read-only query on a graph key that does not exist yet fails
        # ("empty key"): make sure the (empty) graph exists.
        if not self._db.client.exists(graph):
            self._graph.query("RETURN 1")
        self._closed = False
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------

    def read(self, cypher, params=None, *, timeout_ms=None, row_limit=None) -> QueryResult:
        depth = nesting_depth(cypher)
        if depth > MAX_NESTING:
            raise QueryError(f"the query nests {depth} levels deep; the embedded store parses at most {MAX_NESTING}")
        try:
            result = self._graph.ro_query(_params_header(params) + cypher, timeout=timeout_ms)
        except (ResponseError, RedisTimeoutError) as error:
            raise _classify(error) from error
        except RedisConnectionError as error:
            raise StoreUnavailable(str(error)) from error
        return self._to_result(result, row_limit)

    def write(self, cypher, params=None) -> QueryResult:
        try:
            result = self._graph.query(_params_header(params) + cypher)
        except (ResponseError, RedisTimeoutError) as error:
            raise _classify(error) from error
        except RedisConnectionError as error:
            raise StoreUnavailable(str(error)) from error
        return self._to_result(result, None)

    def write_batch(self, statements: Sequence[Statement]) -> None:
        """One query, so one atomic unit: the statements are chained with
        `WITH count(*)` between them (each then runs once, whatever the
        previous one matched) and their parameters renamed apart. FalkorDB
        undoes a query that fails anywhere, and a query this process never
        finished sending is never run. (Redis MULTI/EXEC would not undo the
        statements before a failing one.)"""
        if not statements:
            return
        self.write(*chain(statements))

    def _to_result(self, result, row_limit: int | None) -> QueryResult:
        columns = [name for _, name in result.header] if result.header else []
        rows = result.result_set or []
        truncated = row_limit is not None and len(rows) > row_limit
        if truncated:
            rows = rows[:row_limit]
        return QueryResult(columns=columns, rows=[[v if type(v) in _SCALARS else plain(v) for v in row] for row in rows],
                           truncated=truncated, server_ms=result.run_time_ms)

    # -- schema ----------------------------------------------------------

    def ensure_schema(self, schema: Schema) -> None:
        existing = set()
        for label, properties in self.read("CALL db.indexes() YIELD label, properties").rows:
            existing.update((label, p) for p in properties)
        for label, spec in schema.labels.items():
            for prop in ["id", *spec.indexed]:
                if (label, prop) in existing:
                    continue
                try:
                    self._graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
                except ResponseError as error:  # another process created it first
                    if "already indexed" not in str(error):
                        raise _classify(error) from error

    # -- lifecycle -------------------------------------------------------

    def ping(self) -> bool:
        try:
            return bool(self._db.client.ping())
        except Exception:
            return False

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            client = self._db.client
            with _file_lock(self._lock_path):
                try:
                    # This process's own idle connections (one per thread that
                    # read at once) would count as other users: drop them first,
                    # so the count is the one connection asking plus the others'.
                    client.connection_pool.disconnect()
                    alone = client._connection_count() <= 1
                except RedisConnectionError:
                    alone = False  # the server is already gone
                if not alone:
                    # Another process uses the same file: its server keeps running.
                    client.connection_pool.disconnect()
                    return
                self._shutdown(client)

    @staticmethod
    def _shutdown(client) -> None:
        """Save and stop the embedded server, then tidy redislite's files.

        redislite's own cleanup issues SHUTDOWN through a client that retries
        the dropped connection and then waits on the process for seconds; a
        direct SHUTDOWN SAVE returns in milliseconds."""
        try:
            _compact_log(client)
            client.execute_command("SHUTDOWN", "SAVE", "NOW", "FORCE")
        except (RedisConnectionError, ResponseError):
            pass  # the server closes the connection as it exits
        # The server removes its pid file once the data is saved, then takes
        # a second more to exit; a new server on the same file need not wait.
        deadline = time.monotonic() + 10
        while client.pidfile and os.path.exists(client.pidfile) and time.monotonic() < deadline:
            time.sleep(0.005)
        client.connection_pool.disconnect()
        for path in (client.settingregistryfile,):
            if path and os.path.exists(path):
                os.remove(path)
        if client.redis_dir and os.path.isdir(client.redis_dir):
            shutil.rmtree(client.redis_dir, ignore_errors=True)
        client.redis_dir = None
        client.running = False


def _compact_log(client) -> None:
    """Rewrite the append-only file as a snapshot when its log of queries has
    grown, and wait for the rewrite, so the next start loads fast."""
    persistence = client.info("persistence")
    if persistence.get("aof_current_size", 0) - persistence.get("aof_base_size", 0) < _COMPACT_AOF_BYTES:
        return
    client.execute_command("BGREWRITEAOF")
    while True:
        persistence = client.info("persistence")
        if not (persistence.get("aof_rewrite_in_progress") or persistence.get("aof_rewrite_scheduled")):
            return
        time.sleep(0.05)
