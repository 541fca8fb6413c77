"""The graph as typed tables, for analysts who work in pandas, DuckDB or R.

One table per node label of the ontology (`indicators`, `reports`, ...: every
property the ontology declares, typed by its datatype, `id` first) and one per
relationship between two labels (`indicator_about_topic`: `indicator_id`,
`topic_id`), so the tables join on ids as the graph's nodes connect. The list
follows the ontology: a label or relationship added there is a table here.
Written as Parquet by `perfkg export --format parquet --output DIR`; read as
pandas DataFrames by `Client.tables()`. docs/analysis.md has recipes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from perfkg import ontology
from perfkg.store import GraphStore

# Rows a query reads at a time (below the embedded store's row cap).
PAGE = 5000

_ARROW_TYPES = {"string": "string", "integer": "int64", "decimal": "float64", "boolean": "bool_"}


def snake(name: str) -> str:
    """ScoreItem -> score_item, HAS_INDICATOR -> has_indicator."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


@dataclass(frozen=True)
class Table:
    """One table: its name, its columns with their ontology datatype (and
    whether a value is a list), and the Cypher that reads a page of it after
    a given key."""

    name: str
    columns: tuple[tuple[str, str, bool], ...]
    cypher: str
    key_columns: int  # how many leading columns order the table and page it

    def arrow_schema(self):
        import pyarrow as pa

        def kind(datatype: str, many: bool):
            base = getattr(pa, _ARROW_TYPES[datatype])()
            return pa.list_(base) if many else base

        return pa.schema([(name, kind(datatype, many)) for name, datatype, many in self.columns])


def node_table(label: str) -> Table:
    spec = ontology.schema().labels[label]
    names = ["id", *(p for p in spec.properties if p != "id")]
    columns = tuple((p, spec.properties[p].datatype, spec.properties[p].many) for p in names)
    returns = ", ".join(f"n.{p} AS {p}" for p in names)
    # Keyset paging: each page starts after the last id of the one before
    # (SKIP would sort and walk the skipped rows again for every page).
    cypher = f"MATCH (n:{label}) WHERE n.id > $after WITH n ORDER BY n.id LIMIT $page RETURN {returns}"
    return Table(plural(snake(label)), columns, cypher, 1)


def relationship_table(rel_type: str, source: str, target: str) -> Table:
    start, end = snake(source), snake(target)
    verb = snake(rel_type)
    name = f"{start}_{verb}" if verb.endswith(end) else f"{start}_{verb}_{end}"
    end_column = f"{end}_id" if start != end else f"{verb}_{end}_id"
    cypher = (f"MATCH (a:{source})-[:{rel_type}]->(b:{target}) "
              # (the first condition alone lets the store start from its index of ids)
              "WHERE a.id >= $after AND (a.id > $after OR b.id > $after_end) "
              "WITH a.id AS a, b.id AS b ORDER BY a, b LIMIT $page "
              f"RETURN a AS {start}_id, b AS {end_column}")
    return Table(name, ((f"{start}_id", "string", False), (end_column, "string", False)), cypher, 2)


def tables() -> list[Table]:
    """Every table, in the ontology's order: the labels', then the relationships'."""
    schema = ontology.schema()
    out = [node_table(label) for label in schema.labels]
    for rel_type, spec in schema.relationships.items():
        out += [relationship_table(rel_type, source, target) for source in spec.sources for target in spec.targets]
    return out


def rows(store: GraphStore, table: Table) -> Iterator[list]:
    """The table's rows in key order, read a page at a time."""
    after, after_end = "", ""
    while True:
        page = store.read(table.cypher, {"after": after, "after_end": after_end, "page": PAGE}).rows
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1][0]
        after_end = page[-1][1] if table.key_columns == 2 else ""


def arrow(store: GraphStore, table: Table):
    """The table as a pyarrow Table of its ontology types."""
    import pyarrow as pa

    schema = table.arrow_schema()
    columns: list[list] = [[] for _ in table.columns]
    for row in rows(store, table):
        for column, value in zip(columns, row):
            column.append(value)
    return pa.Table.from_arrays([pa.array(values, type=field.type) for values, field in zip(columns, schema)],
                                schema=schema)


def write_parquet(store: GraphStore, folder: str | Path) -> dict[str, int]:
    """Every table as FOLDER/<name>.parquet; the rows written, by table."""
    import pyarrow.parquet as pq

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in tables():
        data = arrow(store, table)
        pq.write_table(data, folder / f"{table.name}.parquet")
        counts[table.name] = data.num_rows
    return counts


def dataframes(store: GraphStore, names: list[str] | None = None) -> dict:
    """Table name -> pandas DataFrame, every table or the ones named."""
    known = {table.name: table for table in tables()}
    unknown = sorted(set(names or ()) - set(known))
    if unknown:
        raise ValueError(f"no table {', '.join(unknown)}; the tables are {', '.join(known)}")
    return {name: arrow(store, table).to_pandas() for name, table in known.items() if names is None or name in names}
