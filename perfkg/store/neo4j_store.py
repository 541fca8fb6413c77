"""Neo4j 5 through the official driver."""

from __future__ import annotations

from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import neo4j
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

from perfkg.ontology import Schema

from .base import GraphStore, QueryError, QueryResult, QueryTimeout, Statement, StoreError, StoreUnavailable
from .values import plain

# Neo4j reports a transaction stopped by its timeout with these codes.
_TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.LockClientStopped",
)


# How long the server may take to plan a query (asked before it runs, with EXPLAIN): a
# deadline for plans the guard's cost model did not foresee, on servers whose own
# db.transaction.timeout is longer or unset. Generous: the heaviest named query plans in
# under a second on a quiet machine, and took 21 s at a load average of 25 on two cores.
PLANNING_TIMEOUT_S = 60
# A call not answered within its time limit and this much more is given up by
# perfkg itself: a server without that setting, or one whose time-limit monitor
# has failed, can plan or run a query for ever. The caller is answered then;
# the call goes on, on one of CALL_THREADS threads, until the server ends it,
# so however many calls are stuck, perfkg waits on at most that many (as many
# as the API's threads: a call waiting for one counts against its deadline).
CLIENT_GRACE_S = 5
CALL_THREADS = 40

# Plan operators that read from outside the database.
_OUTSIDE_READS = ("LoadCSV",)
# Plan operators of commands on the server's state: Neo4j types SHOW TRANSACTIONS, SHOW
# SETTINGS and TERMINATE TRANSACTIONS as reads, yet they show every user's running queries and
# the configuration, and stop other users' transactions.
_ADMINISTRATION = ("Show", "Terminate", "AdministrationCommand", "SystemProcedureCall")


def _operators(plan: dict) -> Iterator[str]:
    """Every operator of a plan, however deep (walked without recursion: a plan of a
    thousand clauses nests a thousand deep)."""
    pending = [plan]
    while pending:
        operator = pending.pop()
        yield operator.get("operatorType", "")
        pending.extend(operator.get("children", []))


def _classify(error: Neo4jError) -> StoreError:
    code = getattr(error, "code", "") or ""
    message = getattr(error, "message", None) or str(error)
    if code in _TIMEOUT_CODES or "timed out" in message.lower() or "terminated" in message.lower():
        return QueryTimeout(message)
    return QueryError(message)


@contextmanager
def _store_errors() -> Iterator[None]:
    """The driver's errors as the store's: the server's refusals and time-outs, a server
    that cannot be reached (or a driver already closed) as unavailable, and parameters
    no database could hold as refusals."""
    try:
        yield
    except Neo4jError as error:
        raise _classify(error) from error
    except DriverError as error:
        raise StoreUnavailable(str(error)) from error
    # The driver refuses, before sending, what Bolt cannot carry.
    except UnicodeEncodeError as error:
        raise QueryError("the query or a parameter holds text that is not valid Unicode "
                         f"(a lone surrogate, {error.object[error.start:error.end]!r})") from None
    except OverflowError as error:
        raise QueryError(f"a parameter is outside the 64-bit range the database stores ({error})") from None


class Neo4jStore(GraphStore):
    kind = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None = None):
        self.location = uri
        self.database = database or None
        # The server's notifications (a label not in the graph yet, a cartesian product)
        # are advice for someone writing a query at a console; here they would only be
        # logged as warnings under every command's output.
        self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                                  notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF)
        try:
            self._driver.verify_connectivity()
        except (ServiceUnavailable, AuthError, OSError) as error:
            self._driver.close()
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {error}") from error
        # Query text -> the server's query type ('r', 'rw', 'w', 's', or 'outside' for a
        # read from outside the database). It depends on the text only: asked once per query.
        self._query_types: OrderedDict[str, str] = OrderedDict()
        self.planning_timeout_s: float = PLANNING_TIMEOUT_S
        self._calls = ThreadPoolExecutor(max_workers=CALL_THREADS, thread_name_prefix="perfkg-neo4j")

    def _within(self, limit_s: float | None, call: Callable[[], Any]) -> Any:
        """`call`'s answer, given up CLIENT_GRACE_S after `limit_s` (the limit the server was given)."""
        if limit_s is None:
            return call()
        try:
            waited = self._calls.submit(call)
        except RuntimeError:  # its threads are shut down with it
            raise StoreUnavailable("the Neo4j store was closed") from None
        try:
            return waited.result(timeout=limit_s + CLIENT_GRACE_S)
        except FutureTimeout:
            raise QueryTimeout(f"Neo4j did not answer within {limit_s:g} s and {CLIENT_GRACE_S} s more: perfkg "
                               "stopped waiting (the server ends the query at its own time limit)") from None

    def _session(self, access_mode: str):
        return self._driver.session(database=self.database, default_access_mode=access_mode)

    def query_type(self, cypher: str, params: dict[str, Any] | None) -> str:
        """Ask the server what the query would do (EXPLAIN plans without running): 'r',
        'rw', 'w' or 's', 'outside' when its plan reads from outside the database
        (LOAD CSV fetches URLs and reads files, yet Neo4j types it a read), or 'admin'
        for a command on the server's state. Planning runs in a transaction of its own
        limited to PLANNING_TIMEOUT_S, which the server applies to planning too."""
        cached = self._query_types.get(cypher)
        if cached is not None:
            return cached
        def plan():
            with _store_errors(), self._session(neo4j.READ_ACCESS) as session:
                tx = session.begin_transaction(timeout=self.planning_timeout_s)
                try:
                    return tx.run("EXPLAIN " + cypher, params or {}).consume()
                finally:
                    tx.close()

        summary = self._within(self.planning_timeout_s, plan)
        query_type = summary.query_type or "rw"
        operators = list(_operators(summary.plan)) if summary.plan else []
        if any(op.startswith(_OUTSIDE_READS) for op in operators):
            query_type = "outside"
        elif query_type == "s" or any(op.startswith(_ADMINISTRATION) for op in operators):
            query_type = "admin"
        self._query_types[cypher] = query_type
        if len(self._query_types) > 1024:
            self._query_types.popitem(last=False)
        return query_type

    def read(self, cypher, params=None, *, timeout_ms=None, row_limit=None) -> QueryResult:
        # The server refuses a write in a READ transaction too; asking its plan
        # first refuses it unrun, with a clear message, and finds LOAD CSV.
        query_type = self.query_type(cypher, params)
        if query_type == "outside":
            raise QueryError("LOAD CSV is refused: it reads files and URLs outside the graph")
        if query_type == "admin":
            raise QueryError("administration commands (SHOW, TERMINATE …) are refused: only reads of the graph run")
        if query_type != "r":
            raise QueryError("the query would write to the graph; only read-only queries are allowed")
        timeout = timeout_ms / 1000 if timeout_ms else None

        def run() -> QueryResult:
            with _store_errors(), self._session(neo4j.READ_ACCESS) as session:
                tx = session.begin_transaction(timeout=timeout)
                try:
                    result = tx.run(cypher, params or {})
                    columns = list(result.keys())
                    rows = []
                    truncated = False
                    for record in result:
                        if row_limit is not None and len(rows) >= row_limit:
                            truncated = True
                            break
                        rows.append([plain(v) for v in record.values()])
                    server_ms = None
                    if not truncated:  # a cut result is abandoned, not run to its end for a summary
                        summary = result.consume()
                        server_ms = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
                finally:
                    tx.close()  # rolls back: a read is never committed
            return QueryResult(columns=columns, rows=rows, truncated=truncated, server_ms=server_ms)

        return self._within(timeout, run)

    def write(self, cypher, params=None) -> QueryResult:
        with _store_errors():
            records, _, keys = self._driver.execute_query(
                cypher, params or {}, database_=self.database, routing_=neo4j.RoutingControl.WRITE
            )
        return QueryResult(columns=list(keys), rows=[[plain(v) for v in r.values()] for r in records])

    def write_batch(self, statements: Sequence[Statement]) -> None:
        def work(tx):
            for statement in statements:
                tx.run(statement.cypher, statement.params).consume()

        with _store_errors(), self._session(neo4j.WRITE_ACCESS) as session:
            session.execute_write(work)

    def ensure_schema(self, schema: Schema) -> None:
        existing = {name for (name,) in self.write("SHOW CONSTRAINTS YIELD name RETURN name").rows}
        existing |= {name for (name,) in self.write("SHOW INDEXES YIELD name RETURN name").rows}
        for label, spec in schema.labels.items():
            name = f"perfkg_{label.lower()}_id"
            if name not in existing:
                self.write(f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE")
            for prop in spec.indexed:
                name = f"perfkg_{label.lower()}_{prop}"
                if name not in existing:
                    self.write(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")

    def ping(self) -> bool:
        try:
            self._driver.verify_connectivity()
            return True
        except Exception:
            return False

    def close(self) -> None:
        self._calls.shutdown(wait=False, cancel_futures=True)  # a call still stuck is the server's to end
        self._driver.close()
