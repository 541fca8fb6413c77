"""Neo4j 5 through the official driver."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Sequence

import neo4j
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from perfkg.ontology import Schema

from .base import GraphStore, QueryError, QueryResult, QueryTimeout, Statement, StoreError, StoreUnavailable
from .values import plain

# Neo4j reports a transaction stopped by its timeout with these codes.
_TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.LockClientStopped",
)


def _classify(error: Neo4jError) -> StoreError:
    code = getattr(error, "code", "") or ""
    message = getattr(error, "message", None) or str(error)
    if code in _TIMEOUT_CODES or "timed out" in message.lower() or "terminated" in message.lower():
        return QueryTimeout(message)
    return QueryError(message)


class Neo4jStore(GraphStore):
    kind = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None = None):
        self.location = uri
        self.database = database or None
        self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
        try:
            self._driver.verify_connectivity()
        except (ServiceUnavailable, AuthError, OSError) as error:
            self._driver.close()
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {error}") from error
        # Query text -> the server's query type ('r', 'rw', 'w', 's'). The type
        # depends on the text only, so it is asked once per distinct query.
        self._query_types: OrderedDict[str, str] = OrderedDict()

    def _session(self, access_mode: str):
        return self._driver.session(database=self.database, default_access_mode=access_mode)

    def query_type(self, cypher: str, params: dict[str, Any] | None) -> str:
        """Ask the server what the query would do (EXPLAIN plans without running)."""
        cached = self._query_types.get(cypher)
        if cached is not None:
            return cached
        with self._session(neo4j.READ_ACCESS) as session:
            try:
                summary = session.run("EXPLAIN " + cypher, params or {}).consume()
            except Neo4jError as error:
                raise _classify(error) from error
        query_type = summary.query_type or "rw"
        self._query_types[cypher] = query_type
        if len(self._query_types) > 1024:
            self._query_types.popitem(last=False)
        return query_type

    def read(self, cypher, params=None, *, timeout_ms=None, row_limit=None) -> QueryResult:
        # READ access mode only routes the transaction to a reader; it does
        # not stop a write on a single server. The server's own plan decides.
        if self.query_type(cypher, params) != "r":
            raise QueryError("the query would write to the graph; only read-only queries are allowed")
        timeout = timeout_ms / 1000 if timeout_ms else None
        with self._session(neo4j.READ_ACCESS) as session:
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
            except Neo4jError as error:
                raise _classify(error) from error
            except ServiceUnavailable as error:
                raise StoreUnavailable(str(error)) from error
            finally:
                tx.close()  # rolls back: a read is never committed
        return QueryResult(columns=columns, rows=rows, truncated=truncated, server_ms=server_ms)

    def write(self, cypher, params=None) -> QueryResult:
        try:
            records, _, keys = self._driver.execute_query(
                cypher, params or {}, database_=self.database, routing_=neo4j.RoutingControl.WRITE
            )
        except Neo4jError as error:
            raise _classify(error) from error
        return QueryResult(columns=list(keys), rows=[[plain(v) for v in r.values()] for r in records])

    def write_batch(self, statements: Sequence[Statement]) -> None:
        def work(tx):
            for statement in statements:
                tx.run(statement.cypher, statement.params).consume()

        with self._session(neo4j.WRITE_ACCESS) as session:
            try:
                session.execute_write(work)
            except Neo4jError as error:
                raise _classify(error) from error

    def ensure_schema(self, schema: Schema) -> None:
        for label, spec in schema.labels.items():
            self.write(
                f"CREATE CONSTRAINT perfkg_{label.lower()}_id IF NOT EXISTS "
                f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
            )
            for prop in spec.indexed:
                self.write(
                    f"CREATE INDEX perfkg_{label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
                )

    def ping(self) -> bool:
        try:
            self._driver.verify_connectivity()
            return True
        except Exception:
            return False

    def close(self) -> None:
        self._driver.close()
