"""The whole graph out: JSON lines (APOC's shape), RDF (see ontology.rdf), a
Cypher script for cypher-shell, and CSV files for `neo4j-admin database import`.

JSON lines, in the shape of APOC's JSON export:

    {"type":"node","id":"report-…","labels":["Report"],"properties":{…}}
    {"type":"relationship","id":"report-…:HAS_TASK:task-…","label":"HAS_TASK",
     "start":{"id":"report-…","labels":["Report"]},"end":{"id":"task-…","labels":["Task"]},"properties":{}}

Ids are the nodes' stable `id` properties (not database-internal ids), so two
exports of the same reports are identical whatever the store. Nodes and
relationships are read a page at a time, in id order.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Iterable, Iterator

from perfkg import ontology
from perfkg.store import GraphStore

PAGE = 5000


def nodes(store: GraphStore) -> Iterator[dict]:
    """Every node, by primary label; `labels` lists the primary label first,
    then any second labels (NotMetIndicator ...)."""
    for label in ontology.schema().labels:
        skip = 0
        while True:
            page = store.read(
                f"MATCH (n:{label}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS properties "
                "ORDER BY id SKIP $skip LIMIT $limit",
                {"skip": skip, "limit": PAGE},
            )
            for node_id, labels, properties in page.rows:
                labels = [label] + sorted(other for other in labels if other != label)
                yield {"type": "node", "id": node_id, "labels": labels, "properties": properties}
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


# -- RDF ---------------------------------------------------------------------


def rdf(store: GraphStore, fmt: str) -> str:
    """Turtle, N-Triples or JSON-LD instance data in the ontology's terms."""
    from perfkg.ontology.rdf import serialize, to_rdf

    return serialize(to_rdf(nodes(store), relationships(store)), fmt)


# -- Cypher script -----------------------------------------------------------

BATCH = 500


def cypher_literal(value) -> str:
    """A value as a Cypher literal both Neo4j and FalkorDB read."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "null"
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {cypher_literal(v)}" for key, v in value.items()) + "}"
    text = str(value)
    for old, new in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = text.replace(old, new)
    return '"' + text + '"'


def _batches(items: Iterator[dict], size: int = BATCH) -> Iterator[list[dict]]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def cypher_script(store: GraphStore) -> Iterator[str]:
    """Statements, one per line and `;`-terminated, that recreate the graph in
    an empty database: `cypher-shell -f graph.cypher`."""
    yield "// perfkg graph export. Run in an empty database: cypher-shell -u neo4j -p … -f graph.cypher\n"
    for label in ontology.schema().labels:
        yield f"CREATE INDEX FOR (n:{label}) ON (n.id);\n"
    by_labels: dict[tuple[str, ...], list] = {}
    for node in nodes(store):
        by_labels.setdefault(tuple(node["labels"]), []).append(node["properties"])
    for labels, rows in by_labels.items():
        for batch in _batches(iter(rows)):
            yield f"UNWIND {cypher_literal(batch)} AS row CREATE (n:{':'.join(labels)}) SET n = row;\n"
    by_type: dict[tuple[str, str, str], list] = {}
    for rel in relationships(store):
        key = (rel["label"], rel["start"]["labels"][0], rel["end"]["labels"][0])
        by_type.setdefault(key, []).append({"s": rel["start"]["id"], "e": rel["end"]["id"]})
    for (rel_type, source, target), pairs in by_type.items():
        for batch in _batches(iter(pairs)):
            yield (f"UNWIND {cypher_literal(batch)} AS p MATCH (a:{source} {{id: p.s}}) "
                   f"MATCH (b:{target} {{id: p.e}}) CREATE (a)-[:{rel_type}]->(b);\n")


def split_script(script: str) -> list[str]:
    """The statements of a script written by cypher_script."""
    return [line.rstrip().rstrip(";") for line in script.splitlines() if line.strip() and not line.startswith("//")]


# -- CSV ---------------------------------------------------------------------

# A cell a spreadsheet would read as a formula (=HYPERLINK(...), +, -, @) or
# whose tab or carriage return starts one: OWASP's CSV injection advice is to
# prefix it with a single quote, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A value as a CSV cell no spreadsheet runs: text that starts like a
    formula gets a leading single quote; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(columns: list[str], rows: Iterable[list]) -> Iterator[str]:
    """A header and one CSV line per row, every cell spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: list) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        return buffer.getvalue()

    yield line(columns)
    for row in rows:
        yield line(row)


# -- CSV for neo4j-admin -----------------------------------------------------

_CSV_TYPES = {"string": "", "integer": ":int", "decimal": ":double", "boolean": ":boolean"}


def admin_csv(store: GraphStore) -> dict[str, str]:
    """File name -> CSV text, in the header format of `neo4j-admin database import`:
    nodes_<Label>.csv (id:ID, typed properties, :LABEL) and
    relationships_<TYPE>.csv (:START_ID, :END_ID, :TYPE)."""
    schema = ontology.schema()
    files: dict[str, str] = {}
    node_rows: dict[str, list[dict]] = {}
    for node in nodes(store):
        node_rows.setdefault(node["labels"][0], []).append(node)
    for label, rows in node_rows.items():
        properties = [p for p in sorted(schema.labels[label].properties) if p != "id"]
        out = io.StringIO()
        writer = csv.writer(out)
        specs = schema.labels[label].properties
        writer.writerow(["id:ID"] + [p + _CSV_TYPES[specs[p].datatype] + ("[]" if specs[p].many else "")
                                     for p in properties] + [":LABEL"])
        for node in rows:
            values = node["properties"]
            writer.writerow([node["id"]] + [_csv_value(values.get(p)) for p in properties]
                            + [";".join(node["labels"])])
        files[f"nodes_{label}.csv"] = out.getvalue()
    rel_rows: dict[str, list[dict]] = {}
    for rel in relationships(store):
        rel_rows.setdefault(rel["label"], []).append(rel)
    for rel_type, rows in rel_rows.items():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([":START_ID", ":END_ID", ":TYPE"])
        for rel in rows:
            writer.writerow([rel["start"]["id"], rel["end"]["id"], rel_type])
        files[f"relationships_{rel_type}.csv"] = out.getvalue()
    return files


def _csv_value(value) -> str:
    """A property as neo4j-admin reads it (a list joined by its array
    delimiter), each text spreadsheet-safe."""
    if isinstance(value, list):
        return ";".join(_csv_value(v) for v in value)
    return spreadsheet_safe(value)


def admin_import_command(files: list[str], database: str = "neo4j") -> str:
    node_args = " ".join(f"--nodes=import/{f}" for f in sorted(files) if f.startswith("nodes_"))
    rel_args = " ".join(f"--relationships=import/{f}" for f in sorted(files) if f.startswith("relationships_"))
    return f"neo4j-admin database import full {database} {node_args} {rel_args}"
