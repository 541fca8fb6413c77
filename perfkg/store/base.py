"""The one small interface every graph store implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Sequence

from perfkg.ontology import Schema


class StoreError(Exception):
    """The store could not do what was asked."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or started."""


class QueryError(StoreError):
    """The database refused the query: a syntax error, a bad parameter, or a write in a read."""


class QueryTimeout(StoreError):
    """The database stopped the query at its time limit."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False
    # What the database says it spent on the query (FalkorDB's internal execution
    # time; Neo4j's time to the first record plus to the last), without sending
    # the rows and making Python values of them. None where a store does not say.
    server_ms: float | None = None

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


@dataclass(frozen=True)
class Statement:
    cypher: str
    params: dict[str, Any] = field(default_factory=dict)


class GraphStore(ABC):
    """A property-graph database perfkg reads from and writes to.

    Values in results are plain Python: numbers, strings, booleans, None,
    lists, dicts; a node comes back as {"labels": [...], "properties": {...}}
    and a relationship as {"type": ..., "properties": {...}}, whatever the
    store.
    """

    kind: str
    location: str

    @abstractmethod
    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        row_limit: int | None = None,
    ) -> QueryResult:
        """Run a query that the database itself guarantees cannot write.

        A query that would write raises QueryError; one that runs past
        timeout_ms raises QueryTimeout. With row_limit, at most that many rows
        come back and `truncated` says whether more existed.
        """

    @abstractmethod
    def write(self, cypher: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run one statement that may write, in its own transaction."""

    @abstractmethod
    def write_batch(self, statements: Sequence[Statement]) -> None:
        """Run the statements in order, in one transaction: all or none."""

    @abstractmethod
    def ensure_schema(self, schema: Schema) -> None:
        """Create the uniqueness constraints or indexes the schema calls for."""

    def clear(self) -> None:
        """Delete every node and relationship (indexes and constraints stay), in
        batches so a large graph does not need one huge transaction."""
        while True:
            result = self.write("MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted")
            if not result.rows or not result.rows[0][0]:
                return

    @abstractmethod
    def ping(self) -> bool:
        """True when the store answers."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (and, for the embedded store, persist the data)."""

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
