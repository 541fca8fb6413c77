"""The library of named Cypher queries, one .cypher file each.

Each file starts with a header of `//` lines that the catalogue, the CLI, the
API and docs/queries.md all read:

    // @name indicators_below_target
    // @summary One line: what the query answers.
    // @description More lines, optional; a tag goes on over the lines
    //   below it that are indented by two spaces or more.
    // @param department: string = required — a parameter the caller must give
    // @param topic: topic = null — what it filters
    // @param year: integer = null — ...
    // @param status: string = not_met in [met, not_met, unknown] — ...
    // @example perfkg query indicators_below_target -p topic=垃圾分类

A parameter has a type (string, integer, number, boolean, topic), a default
(null for optional filters, `required` for none) and may list its allowed
values. A `topic`
parameter accepts a slug, a Chinese label or any alternative label of the
SKOS scheme and reaches the query as `$<name>s`: the list of that topic's slug
and every narrower one (null when not given).

Any other `//` line is a comment of the query itself, and starts its body.

The queries keep to the Cypher that both FalkorDB and Neo4j 5 speak: no
EXISTS {} or COUNT {} subqueries, no =~, no round(x, n); a WITH between an
OPTIONAL MATCH and a MATCH after it. Each ends with the RETURN (and ORDER BY)
of its whole answer: no LIMIT or SKIP after it and no UNION outside a CALL {}
subquery, because the client appends the row limit as a LIMIT (the database
then sorts and sends only the rows asked for).

A query whose rows are costly to complete may cut them early with
`$page_end`, which the client gives every named query: the number of rows up
to the end of the page asked for (its offset, its rows, and one more that
tells whether the answer goes on). The cut is an `ORDER BY … LIMIT $page_end`
over rows that each give one row of the answer or more, ordered as the final
ORDER BY begins and by a key that no two of them share, so the answer's
first $page_end rows all come from the rows kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from perfkg import ontology

TYPES = ("string", "integer", "number", "boolean", "topic")
# The parameter the client gives every named query: see above.
PAGE_END = "page_end"
# A $page_end past any answer's rows. (FalkorDB reads a LIMIT of 2^32 or more as 0:
# 2^62 gave the embedded store's benchmarks and profiles empty answers.)
WHOLE_ANSWER = 2**31 - 1


class ParameterError(ValueError):
    """A parameter that is missing, of the wrong type or not allowed."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: Any
    allowed: tuple[str, ...] | None
    description: str
    required: bool = False

    @property
    def cypher_name(self) -> str:
        return self.name + "s" if self.type == "topic" else self.name

    def coerce(self, value: Any) -> Any:
        """The value as the query expects it, from a string (CLI, URL) or a JSON value."""
        if value is None or value == "":
            if self.required:
                raise ParameterError(f"parameter {self.name!r} is required")
            return self._topic_list(self.default) if self.type == "topic" else self.default
        try:
            if self.type == "integer":
                if isinstance(value, bool):
                    raise ValueError
                coerced: Any = int(value)
            elif self.type == "number":
                if isinstance(value, bool):
                    raise ValueError
                coerced = float(value)
            elif self.type == "boolean":
                if isinstance(value, bool):
                    coerced = value
                elif str(value).lower() in ("true", "1", "yes"):
                    coerced = True
                elif str(value).lower() in ("false", "0", "no"):
                    coerced = False
                else:
                    raise ValueError
            else:
                coerced = str(value)
        except (TypeError, ValueError):
            raise ParameterError(f"parameter {self.name!r} must be {self.type}, got {value!r}") from None
        if self.allowed is not None and str(coerced) not in self.allowed:
            raise ParameterError(f"parameter {self.name!r} must be one of {list(self.allowed)}, got {value!r}")
        if self.type == "topic":
            return self._topic_list(coerced)
        return coerced

    def _topic_list(self, name: str | None) -> list[str] | None:
        if name is None:
            return None
        scheme = ontology.topics()
        topic = scheme.resolve(name)
        if topic is None:
            raise ParameterError(
                f"unknown topic {name!r}: give a slug (e.g. waste_sorting) or a Chinese label (e.g. 垃圾分类); "
                "GET /topics lists them"
            )
        return scheme.narrower_closure(topic.slug)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    examples: tuple[str, ...]
    cypher: str
    file: str

    def bind(self, given: dict[str, Any]) -> dict[str, Any]:
        """Validated query parameters from the caller's (string or JSON) values."""
        known = {p.name for p in self.parameters}
        unknown = sorted(set(given) - known)
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {unknown} for {self.name}; it takes {sorted(known) or 'none'}"
            )
        bound = {p.cypher_name: p.coerce(given.get(p.name)) for p in self.parameters}
        # Run outside the client's pages (a benchmark, a profile), a query's answer is whole.
        bound[PAGE_END] = WHOLE_ANSWER
        return bound

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "parameters": [
                {"name": p.name, "type": p.type, "default": p.default, "required": p.required,
                 "allowed": list(p.allowed) if p.allowed else None, "description": p.description}
                for p in self.parameters
            ],
            "examples": list(self.examples),
        }


_PARAM = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s*:\s*(?P<type>[a-z]+)\s*=\s*(?P<default>\S+)"
    r"(?:\s+in\s+\[(?P<allowed>[^\]]*)\])?\s*(?:—|--|-)\s*(?P<description>.+)$"
)


def parse(text: str, file: str = "<string>") -> NamedQuery:
    header: dict[str, list[str]] = {}
    body = []
    key = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("//") and not body:
            after = stripped[2:]
            m = re.match(r"@(\w+)\s*(.*)$", after.strip())
            if m:
                key = m.group(1)
                header.setdefault(key, []).append(m.group(2).strip())
                continue
            if key and after.startswith("  ") and after.strip():  # an indented line continues a tag
                header[key][-1] += " " + after.strip()
                continue
            # any other comment is the query's own, and starts its body
        if stripped or body:
            body.append(line)
    for required in ("name", "summary"):
        if required not in header:
            raise ValueError(f"{file}: the header has no @{required}")
    parameters = []
    for spec in header.get("param", []):
        m = _PARAM.match(spec)
        if not m or m.group("type") not in TYPES:
            raise ValueError(f"{file}: cannot read @param {spec!r}")
        default_text = m.group("default")
        allowed = tuple(a.strip() for a in m.group("allowed").split(",")) if m.group("allowed") else None
        parameter = Parameter(m.group("name"), m.group("type"), None, allowed, m.group("description").strip(),
                              required=default_text == "required")
        default = None
        if default_text not in ("null", "required"):
            # a topic's default stays its name; it is resolved when bound
            default = default_text if parameter.type == "topic" else parameter.coerce(default_text)
        parameters.append(Parameter(parameter.name, parameter.type, default, allowed, parameter.description,
                                    parameter.required))
    cypher = "\n".join(body).strip()
    if problem := _open_ended(cypher):
        raise ValueError(f"{file}: {problem}")
    return NamedQuery(
        name=header["name"][0],
        summary=header["summary"][0],
        description=" ".join(header.get("description", [])),
        parameters=tuple(parameters),
        examples=tuple(header.get("example", [])),
        cypher=cypher,
        file=file,
    )


def _open_ended(cypher: str) -> str | None:
    """Why a LIMIT appended to the query would not limit its whole answer, if it would not."""
    # Strings and comments out first, in one pass (an apostrophe in a comment opens no string).
    text = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*",
                  lambda m: "" if m.group().startswith("//") else "''", cypher)
    top, depth = [], 0
    for char in text:  # the query outside CALL {} subqueries and map literals
        depth += (char == "{") - (char == "}")
        top.append(char if depth == 0 else " ")
    top_level = "".join(top)
    if re.search(r"\bUNION\b", top_level, re.I):
        return "a UNION outside a CALL {} subquery: the row limit would cut its last part only"
    returns = [m.end() for m in re.finditer(r"\bRETURN\b", top_level, re.I)]
    if not returns:
        return "it does not end with a RETURN"
    if re.search(r"\b(?:LIMIT|SKIP|WITH|MATCH|UNWIND|CALL)\b", top_level[returns[-1]:], re.I):
        return "the query does not end with its RETURN (and ORDER BY): the client appends the row limit"
    return None


@lru_cache(maxsize=1)
def catalogue() -> dict[str, NamedQuery]:
    """Every named query of this package, by name."""
    found = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            query = parse(entry.read_text(encoding="utf-8"), entry.name)
            if query.name != entry.name[: -len(".cypher")]:
                raise ValueError(f"{entry.name}: @name {query.name!r} does not match the file name")
            found[query.name] = query
    return found
