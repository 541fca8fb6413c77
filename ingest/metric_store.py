"""Metrics in the graph: each batch of reports joins the metrics already
there, in the transaction that writes it; `resolve_all` resolves the whole
graph again (after reports were replaced, or with a new curated scheme).

Each Indicator keeps its `metric_key`, so a metric's indicators are found by
key when metrics merge. A metric's properties are functions of its keys and
of what its indicators showed (kinds, categories, names), never of the order
they came in.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from perfkg import ontology
from perfkg.store import GraphStore, Statement

from . import metrics as resolver
from .model import Indicator

METRICS_SETTING = "PERFKG_METRICS"


def curated() -> resolver.Curated | None:
    """The curated scheme the setting names, if any."""
    return resolver.curated_from(os.environ.get(METRICS_SETTING) or None)


def indicator_fields(indicator: Indicator) -> dict[str, Any]:
    """What an Indicator row carries for its metric."""
    return {"metric_key": resolver.metric_key(indicator.name) or indicator.name,
            "unit_kind": resolver.unit_kind(indicator.unit, indicator.target_text, indicator.actual_text)}


@dataclass
class Observed:
    """What indicators showed of one key: their names, kinds and categories."""

    names: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)

    def add(self, name: str | None, kind: str | None, category: str | None) -> None:
        if name:
            self.names.add(" ".join(name.split()))
        if kind:
            self.kinds.add(kind)
        if category:
            self.categories.add(category)

    def update(self, other: "Observed") -> None:
        self.names |= other.names
        self.kinds |= other.kinds
        self.categories |= other.categories


def _observe(rows: Iterable[dict[str, Any]]) -> dict[str, Observed]:
    found: dict[str, Observed] = {}
    for row in rows:
        category = resolver.category_slug(row.get("level2") or row.get("category") or row.get("level1"))
        found.setdefault(row["metric_key"], Observed()).add(row.get("name"), row.get("unit_kind"), category)
    return found


def _metric_row(group: resolver.Group, observed: Observed, curated: resolver.Curated | None) -> dict[str, Any]:
    names = sorted(observed.names)
    spelled = [n for n in names if resolver.metric_key(n) == group.representative]
    name = curated.concepts[group.curated] if group.curated and curated else \
        min(spelled or names or [group.representative], key=lambda n: (len(n), n))
    row = {
        "id": group.id, "name": name, "aliases": names or [group.representative], "keys": group.keys,
        "merges": group.merges or None,
        "unit_kind": resolver.pick_kind(resolver.name_kind(group.representative), observed.kinds),
        "observed_kinds": sorted(observed.kinds) or None,
        "framework": resolver.pick_category(resolver.name_category(group.representative), observed.categories),
        "observed_categories": sorted(observed.categories) or None,
        "curated": curated.source if group.curated and curated else None,
    }
    row = {k: v for k, v in row.items() if v is not None}
    ontology.schema().check_node("Metric", row)
    return row


def _stored(rows: list[dict[str, Any]]) -> Observed:
    """What stored Metric rows have observed."""
    merged = Observed()
    for row in rows:
        merged.update(Observed(set(row.get("aliases") or []), set(row.get("observed_kinds") or []),
                               set(row.get("observed_categories") or [])))
    return merged


_SET_METRICS = "UNWIND $rows AS row MERGE (m:Metric {id: row.id}) SET m = row"


@dataclass
class _Known:
    """The graph's metrics as their keys: id -> keys, and key -> id."""

    keys_of: dict[str, list[str]]
    metric_of_key: dict[str, str]

    @classmethod
    def read(cls, store: GraphStore) -> "_Known":
        keys_of = {mid: list(keys or []) for mid, keys in store.read("MATCH (m:Metric) RETURN m.id, m.keys").rows}
        return cls(keys_of, {key: mid for mid, keys in keys_of.items() for key in keys})

    def fingerprint(self) -> list[int]:
        return [len(self.keys_of), sum(map(len, self.keys_of.values()))]

    def apply(self, gone: set[str], changed: list[dict[str, Any]]) -> None:
        for mid in gone:
            for key in self.keys_of.pop(mid, []):
                if self.metric_of_key.get(key) == mid:
                    del self.metric_of_key[key]
        for row in changed:
            self.keys_of[row["id"]] = list(row["keys"])
            self.metric_of_key.update(dict.fromkeys(row["keys"], row["id"]))


# What the graph holds as a _Known's fingerprint: read at each batch instead of
# every metric's keys, whose reading cost each batch in proportion to the graph.
_FINGERPRINT = "MATCH (m:Metric) RETURN count(m), sum(size(m.keys))"


@dataclass
class _Resolving:
    """What the batches written to one store keep between them: the index of
    the graph's keys, the metrics as the last batch left them, and whether a
    batch regrouped the whole graph, under which curated scheme."""

    index: resolver.KeyIndex = field(default_factory=resolver.KeyIndex)
    regrouping: bool = False  # the batch being made regroups the whole graph
    regrouped_under: resolver.Curated | None | bool = False  # False: not yet
    known: _Known | None = None
    # What the batch being written does to the metrics (ids gone, rows set),
    # applied to `known` once it is written.
    writing: tuple[set[str], list[dict[str, Any]]] = (set(), [])

    def known_in(self, store: GraphStore) -> _Known:
        """The metrics as the store holds them: as the last batch left them
        unless the graph's count of metrics or keys says another hand changed them."""
        if self.known is None or store.read(_FINGERPRINT).rows[0] != self.known.fingerprint():
            self.known = _Known.read(store)
        return self.known


_resolving: weakref.WeakKeyDictionary[GraphStore, _Resolving] = weakref.WeakKeyDictionary()


def batch_written(store: GraphStore) -> None:
    """The statements of batch_statements were written."""
    resolving = _resolving.get(store)
    if resolving is None:
        return
    if resolving.regrouping:
        resolving.regrouped_under = curated()
    if resolving.known is not None:
        resolving.known.apply(*resolving.writing)
    resolving.writing = (set(), [])


def batch_statements(store: GraphStore, indicator_rows: list[dict[str, Any]]) -> list[Statement]:
    """Statements that join a batch's indicators (already given their
    metric_key) to metrics, after the statements that create them. Sets each
    row's metric_score."""
    resolving = _resolving.setdefault(store, _Resolving())
    resolving.regrouping = False
    resolving.writing = (set(), [])
    if not indicator_rows:
        return []
    known_metrics = resolving.known_in(store)
    known, metric_of_key = known_metrics.keys_of, known_metrics.metric_of_key
    new_keys = {row["metric_key"] for row in indicator_rows}
    scheme = curated()
    # The first batch a process writes to a store regroups the whole graph, so a
    # metric grouped otherwise before (under another curated scheme) is
    # written again; later ones, only the groups that hold the batch's keys.
    resolving.regrouping = resolving.regrouped_under is not scheme
    groups = resolver.group(new_keys, scheme, known, index=resolving.index,
                            touching=None if resolving.regrouping else new_keys)
    observed = _observe(indicator_rows)
    group_of: dict[str, resolver.Group] = {key: g for g in groups for key in g.keys}
    touched = [g for g in groups
               if {metric_of_key.get(k) for k in g.keys} != {g.id} or any(k in observed for k in g.keys)]
    # What the metrics a touched group holds have observed so far.
    stored = {row[0]: {"aliases": row[1], "observed_kinds": row[2], "observed_categories": row[3]}
              for row in store.read("MATCH (m:Metric) WHERE m.id IN $ids RETURN m.id, m.aliases, m.observed_kinds, "
                                    "m.observed_categories",
                                    {"ids": sorted({metric_of_key[k] for g in touched for k in g.keys
                                                    if k in metric_of_key})}).rows}
    changed, gone, moved = [], set(), []
    for g in touched:
        before = {metric_of_key[k] for k in g.keys if k in metric_of_key}
        gone |= before - {g.id}
        seen = _stored([stored[mid] for mid in sorted(before)])
        for key in g.keys:
            if key in observed:
                seen.update(observed[key])
        changed.append(_metric_row(g, seen, scheme))
        # Keys whose metric was absorbed into this one: their stored indicators move.
        moved += [{"key": k, "metric": g.id, "score": resolver.similarity(k, g.representative)[0]}
                  for k in g.keys if k in metric_of_key and metric_of_key[k] != g.id]
    moved_keys = {m["key"] for m in moved}
    pairs = []
    for row in indicator_rows:
        g = group_of[row["metric_key"]]
        row["metric_score"] = resolver.similarity(row["metric_key"], g.representative)[0]
        if row["metric_key"] not in moved_keys:
            pairs.append({"from": row["id"], "to": g.id})
    ontology.schema().check_relationship("MEASURES", "Indicator", "Metric")
    resolving.writing = (gone, changed)
    out = []
    if gone:
        out.append(Statement("MATCH (m:Metric) WHERE m.id IN $ids DETACH DELETE m", {"ids": sorted(gone)}))
    if changed:
        out.append(Statement(_SET_METRICS, {"rows": changed}))
    if moved:
        out.append(Statement(
            "UNWIND $rows AS row MATCH (m:Metric {id: row.metric}) MATCH (i:Indicator {metric_key: row.key}) "
            "CREATE (i)-[:MEASURES]->(m) SET i.metric_score = row.score", {"rows": moved}))
    if pairs:
        out.append(Statement("UNWIND $pairs AS p MATCH (i:Indicator {id: p.from}) MATCH (m:Metric {id: p.to}) "
                             "CREATE (i)-[:MEASURES]->(m)", {"pairs": pairs}))
    return out


def resolve_all(store: GraphStore) -> int:
    """Resolve every indicator of the graph again, from nothing: metrics of
    replaced reports' names go, and a changed curated scheme takes effect.
    Returns the number of metrics."""
    if store in _resolving:
        _resolving[store].known = None  # the metrics the last batch left are rewritten: read them again
    rows = store.read(
        "MATCH (i:Indicator) RETURN i.metric_key, i.name, i.unit_kind, coalesce(i.level2, i.category, i.level1)").rows
    observed = _observe({"metric_key": key, "name": name, "unit_kind": kind, "category": category}
                        for key, name, kind, category in rows if key is not None)
    scheme = curated()
    groups = resolver.group(observed, scheme)
    metrics = [_metric_row(g, _union(observed, g.keys), scheme) for g in groups]
    assignments = [{"key": key, "metric": g.id, "score": g.scores[key]} for g in groups for key in g.keys]
    store.write_batch([
        Statement("MATCH (m:Metric) DETACH DELETE m"),
        *([Statement(_SET_METRICS, {"rows": metrics})] if metrics else []),
        *([Statement("UNWIND $rows AS row MATCH (m:Metric {id: row.metric}) MATCH (i:Indicator {metric_key: row.key}) "
                     "CREATE (i)-[:MEASURES]->(m) SET i.metric_score = row.score", {"rows": assignments})]
          if assignments else []),
    ])
    return len(metrics)


def _union(observed: dict[str, Observed], keys: list[str]) -> Observed:
    merged = Observed()
    for key in keys:
        merged.update(observed[key])
    return merged
