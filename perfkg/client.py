"""The Python entry point: one object that wires settings, store, ingest and queries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from perfkg.cypher import PAGE_END, NamedQuery, catalogue
from perfkg.ingest.chars import fold

from . import config
from .store import GraphStore, QueryResult, guard, open_store


class Client:
    def __init__(self, store: GraphStore, settings: config.Settings):
        self.store = store
        self.settings = settings

    @classmethod
    def open(cls, store: str | None = None, settings: config.Settings | None = None, *,
             create: bool = False) -> "Client":
        """The store the settings (or `store`) name; a missing embedded store
        is refused unless `create` is asked."""
        settings = (settings or config.from_env()).with_store(store)
        return cls(open_store(settings, create=create), settings)

    # -- ingest ------------------------------------------------------------

    def ingest(self, paths: list[str | Path], *, workers: int | None = None, on_file: Callable | None = None):
        """Ingest report files or folders; returns one outcome per file. `workers`
        extracting processes; by default one per core for 16 files or more."""
        from perfkg.ingest.runner import ingest
        from perfkg.ingest.workers import Budget

        budget = Budget(seconds=self.settings.max_file_seconds, memory_mb=self.settings.max_file_memory_mb)
        return ingest(self.store, paths, max_bytes=self.settings.max_report_bytes, workers=workers, budget=budget,
                      on_file=on_file)

    # -- queries -----------------------------------------------------------

    def named(self, name: str) -> NamedQuery | None:
        return catalogue().get(name)

    def run(
        self,
        name_or_cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        row_limit: int | None = None,
        offset: int = 0,
    ) -> QueryResult:
        """A named query if there is one by that name, else the user's own
        read-only Cypher (guarded: see read_untrusted). A named query's rows
        may start at `offset` (a page after the first; the named queries order
        their rows completely, so pages neither repeat nor skip a row)."""
        named = self.named(name_or_cypher)
        if named is not None:
            rows = _lower(row_limit, self.settings.row_limit)
            # Asked for in the query (a named query ends with its RETURN), the limit
            # lets the database sort only the rows it sends; one row more tells the
            # store the answer was cut.
            # Names are held folded (traditional as simplified): so are the names a query is given.
            bound = {key: fold(value) if isinstance(value, str) else value
                     for key, value in named.bind(params or {}).items()}
            # As parameters, so every page is one query text, planned once (Neo4j caches plans by text).
            bound.update({"page_start": int(offset), "page_rows": rows + 1, PAGE_END: int(offset) + rows + 1})
            return self.read(f"{named.cypher}\nSKIP $page_start LIMIT $page_rows", bound, timeout_ms=timeout_ms,
                             row_limit=rows)
        if offset:
            raise ValueError("an offset is for named queries; write SKIP in your own Cypher")
        return self.read_untrusted(name_or_cypher, params, timeout_ms=timeout_ms, row_limit=row_limit)

    def check_untrusted(self, cypher: str, params: dict[str, Any] | None = None) -> None:
        """Refuse Cypher a user wrote that reaches outside the database or would
        cost the store too much (perfkg.store.guard), naming why."""
        guard.check_parameters(params)
        guard.check(cypher, params)

    def read_untrusted(self, cypher: str, params: dict[str, Any] | None = None, **limits: int | None) -> QueryResult:
        """Cypher a user wrote: refused before it runs (check_untrusted), then
        read like any other query (`limits`: timeout_ms, row_limit)."""
        self.check_untrusted(cypher, params)
        return self.read(cypher, params, **limits)

    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        row_limit: int | None = None,
    ) -> QueryResult:
        """Read-only Cypher within the configured time and row limits (a caller
        may lower them, never raise them)."""
        return self.store.read(
            cypher, dict(params or {}),
            timeout_ms=_lower(timeout_ms, self.settings.query_timeout_ms),
            row_limit=_lower(row_limit, self.settings.row_limit),
        )

    def query(self, name_or_cypher: str, **params: Any):
        """Run a named query or read-only Cypher; a pandas DataFrame back."""
        import pandas as pd

        result = self.run(name_or_cypher, params)
        return pd.DataFrame(result.rows, columns=result.columns)

    # -- the graph ---------------------------------------------------------

    def tables(self, *names: str) -> dict:
        """The graph as typed tables joined by ids (perfkg.tables): table name ->
        pandas DataFrame, every table or the ones named (`tables("indicators",
        "indicator_about_topic")`)."""
        from perfkg.tables import dataframes

        return dataframes(self.store, list(names) or None)

    def stats(self) -> dict[str, dict[str, int]]:
        """Nodes by label (each node once, by its primary label), second labels,
        and relationships by type; labels and types with none are left out."""
        from perfkg import ontology

        schema = ontology.schema()

        def count(label: str) -> int:
            return int(self.store.read(f"MATCH (n:{label}) RETURN count(n)").rows[0][0])

        nodes = {label: count(label) for label in schema.labels}
        second = {label: count(label) for label in schema.secondary}
        rels = self.store.read("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count ORDER BY type")
        return {
            "nodes": {label: n for label, n in nodes.items() if n},
            "status_labels": {label: n for label, n in second.items() if n},
            "relationships": {rel: int(n) for rel, n in rels.rows},
        }

    def departments(self) -> list[dict[str, Any]]:
        """Every department: its place, how many reports it published, the
        names its reports give it (aliases) and why they are one office (identity)."""
        result = self.store.read(
            "MATCH (d:Department) OPTIONAL MATCH (d)-[:PUBLISHED]->(r:Report) "
            "RETURN d.id AS id, d.name AS name, d.short_name AS short_name, d.province AS province, d.city AS city, "
            "d.district AS district, d.town AS town, d.aliases AS aliases, d.identity AS identity, "
            "count(r) AS reports ORDER BY name, id")
        return [dict(zip(result.columns, row)) for row in result.rows]

    def resolve_metrics(self) -> int:
        """Group every indicator of the graph into metrics again (after the
        curated scheme, PERFKG_METRICS, changed); the number of metrics."""
        from perfkg.ingest.metric_store import resolve_all

        return resolve_all(self.store)

    def reset(self) -> None:
        self.store.clear()

    def close(self, *, stop_server: bool = True) -> None:
        """Release the store. The embedded store's server stops now when no
        other process uses it, unless `stop_server` is False: then it stays up
        for PERFKG_SERVER_IDLE_S seconds, for the next command to reuse."""
        if self.store.kind == "falkordb":
            self.store.close(stop_server=stop_server)
        else:
            self.store.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _lower(asked: int | None, ceiling: int) -> int:
    return ceiling if asked is None or asked <= 0 else min(asked, ceiling)


def parse_param(text: str) -> tuple[str, Any]:
    """`key=value` from the command line; the value is read as JSON when it
    is JSON (2021, true, null, "a string"), else kept as a string."""
    if "=" not in text:
        raise ValueError(f"parameter {text!r} is not key=value")
    key, value = text.split("=", 1)
    key = key.strip()
    if not key:
        raise ValueError(f"parameter {text!r} has no name")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value
