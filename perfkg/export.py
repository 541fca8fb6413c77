"""The whole graph as JSON lines, in the shape of APOC's JSON export.

    {"type":"node","id":"report-…","labels":["Report"],"properties":{…}}
    {"type":"relationship","id":"report-…:HAS_TASK:task-…","label":"HAS_TASK",
     "start":{"id":"report-…","labels":["Report"]},"end":{"id":"task-…","labels":["Task"]},"properties":{}}

Ids are the nodes' stable `id` properties (not database-internal ids), so two
exports of the same reports are identical whatever the store. Nodes and
relationships are read a page at a time, in id order.
"""

from __future__ import annotations

import json
from typing import Iterator

from perfkg.store import GraphStore

import ontology

PAGE = 5000


def nodes(store: GraphStore) -> Iterator[dict]:
    for label in ontology.schema().labels:
        skip = 0
        while True:
            page = store.read(
                f"MATCH (n:{label}) RETURN n.id AS id, properties(n) AS properties "
                "ORDER BY id SKIP $skip LIMIT $limit",
                {"skip": skip, "limit": PAGE},
            )
            for node_id, properties in page.rows:
                yield {"type": "node", "id": node_id, "labels": [label], "properties": properties}
            if len(page.rows) < PAGE:
                break
            skip += PAGE


def relationships(store: GraphStore) -> Iterator[dict]:
    schema = ontology.schema()
    for rel_type, spec in schema.relationships.items():
        for source in spec.sources:
            for target in spec.targets:
                skip = 0
                while True:
                    page = store.read(
                        f"MATCH (a:{source})-[r:{rel_type}]->(b:{target}) "
                        "RETURN a.id AS start, b.id AS end, properties(r) AS properties "
                        "ORDER BY start, end SKIP $skip LIMIT $limit",
                        {"skip": skip, "limit": PAGE},
                    )
                    for start, end, properties in page.rows:
                        yield {
                            "type": "relationship",
                            "id": f"{start}:{rel_type}:{end}",
                            "label": rel_type,
                            "start": {"id": start, "labels": [source]},
                            "end": {"id": end, "labels": [target]},
                            "properties": properties or {},
                        }
                    if len(page.rows) < PAGE:
                        break
                    skip += PAGE


def jsonl(store: GraphStore) -> Iterator[str]:
    for item in nodes(store):
        yield json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n"
    for item in relationships(store):
        yield json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n"
