"""What user-supplied Cypher may do, decided before a database sees it.

Applied to every query a user writes (`POST /cypher`, `perfkg query
'<cypher>'`, `Client.query`), on both stores; the named queries and perfkg's
own are trusted. The query is tokenised as the databases read it: comments
(`//`, `/* */`), strings with their escapes and backtick-quoted names are
tokens of their own, so a keyword or bracket inside one counts for nothing,
and case and whitespace do not matter. A query the tokeniser cannot close
(an unterminated string or comment) is refused too: nothing is guessed.

Refused:
- `LOAD CSV`: Neo4j types it as a read, and the server fetches the URL or
  reads the file it names (FalkorDB too, from its import folder);
- procedures other than a short list of catalogue and index reads: APOC's
  `apoc.load.*`, `apoc.import.*`, `apoc.export.*` and `apoc.cypher.*` reach
  outside the database or run Cypher this guard never saw, and FalkorDB's
  `algo.*` run to their end whatever the time limit (79 s measured against a
  5 s limit);
- APOC functions outside its pure namespaces (text, collections, maps, maths,
  conversions, dates);
- a parse cost over the budget: FalkorDB's parser takes time exponential in
  how deeply expressions nest (20 nested minus signs: 4 s; 22 brackets: 28 s),
  before any time limit applies. Every bracket, CASE and prefix operator (`-`,
  `+`, `NOT`) opens a level; a level at depth d costs 2^d, and a query may cost
  at most MAX_PARSE_COST (one chain 13 deep, or many shallower ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import QueryError

MAX_PARSE_COST = 2 ** 14
# Parameters reach FalkorDB's parser too (as a header of the query): a user's
# may nest lists and maps this deep.
MAX_PARAMETER_DEPTH = 8

ALLOWED_PROCEDURES = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.indexes", "db.constraints", "db.meta.stats",
    "db.idx.fulltext.querynodes", "db.idx.fulltext.queryrelationships", "db.idx.vector.querynodes",
    "db.idx.vector.queryrelationships", "dbms.procedures", "dbms.functions", "dbms.components", "db.info",
    "db.schema.visualization", "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
})
PURE_APOC_NAMESPACES = ("apoc.text.", "apoc.coll.", "apoc.map.", "apoc.math.", "apoc.number.", "apoc.convert.",
                        "apoc.date.", "apoc.temporal.", "apoc.agg.", "apoc.label.", "apoc.node.", "apoc.nodes.",
                        "apoc.rel.", "apoc.any.", "apoc.scoring.", "apoc.hashing.")


class GuardRefused(QueryError):
    """User Cypher refused before it reached the database."""


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>`(?:[^`]|``)*`)
  | (?P<unclosed>/\*|['"`])
  | (?P<param>\$(?:\w+|`(?:[^`]|``)*`))
  | (?P<number>\d[\w.]*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.S | re.X)

# Words after which a `-` or `+` is a sign, not a subtraction or addition.
_KEYWORDS = frozenset({
    "return", "with", "where", "and", "or", "xor", "not", "when", "then", "else", "case", "in", "unwind", "skip",
    "limit", "by", "contains", "starts", "ends", "is", "set", "as", "yield", "distinct", "create", "merge", "match",
    "optional", "delete", "detach", "remove", "call", "on", "union", "all", "order", "asc", "desc", "ascending",
    "descending", "filter", "extract", "any", "none", "single", "exists",
})
_OPENING = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokens(cypher: str) -> list[_Token]:
    """The query's tokens, comments and whitespace left out."""
    found = []
    for match in _TOKEN.finditer(cypher):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "unclosed":
            what = {"/*": "comment", "`": "quoted name"}.get(match.group(), "string")
            raise GuardRefused(f"the query has an unterminated {what} at character {match.start() + 1}")
        text = match.group()
        if kind == "name":
            text = text[1:-1].replace("``", "`")
        found.append(_Token(kind, text))
    return found


def _ends_operand(token: _Token | None) -> bool:
    if token is None:
        return False
    if token.kind in ("string", "name", "param", "number"):
        return True
    if token.kind == "word":
        return token.lower not in _KEYWORDS
    return token.text in (")", "]", "}")


def parse_cost(toks: list[_Token]) -> tuple[int, int]:
    """(deepest nesting, cost) of brackets, CASE and prefix operators."""
    stack: list[str] = []
    deepest = cost = 0
    previous: _Token | None = None

    def open_level(kind: str) -> None:
        nonlocal deepest, cost
        stack.append(kind)
        deepest = max(deepest, len(stack))
        cost += 2 ** min(len(stack), 62)

    def close_prefixes() -> None:
        while stack and stack[-1] == "prefix":
            stack.pop()

    for token in toks:
        text = token.text
        if token.kind == "other" and text in _OPENING:
            open_level(text)
        elif token.kind == "other" and text in (")", "]", "}"):
            while stack and stack[-1] not in _OPENING:
                stack.pop()
            if stack:
                stack.pop()
            close_prefixes()
        elif token.kind == "word" and token.lower == "case":
            open_level("case")
        elif token.kind == "word" and token.lower == "end":
            while stack and stack[-1] not in ("case", *_OPENING):
                stack.pop()
            if stack and stack[-1] == "case":
                stack.pop()
            close_prefixes()
        elif (token.kind == "word" and token.lower == "not") or (
                token.kind == "other" and text in "-+" and not _ends_operand(previous)):
            open_level("prefix")
        elif _ends_operand(token):
            close_prefixes()
        previous = token
    return deepest, cost


def _dotted_names(toks: list[_Token], start: int) -> tuple[str, int]:
    """The dotted name starting at toks[start] (`apoc.load.json`), and the index after it."""
    parts = []
    index = start
    while index < len(toks) and toks[index].kind in ("word", "name"):
        parts.append(toks[index].text)
        if index + 2 < len(toks) and toks[index + 1].text == "." and toks[index + 2].kind in ("word", "name"):
            index += 2
        else:
            index += 1
            break
    return ".".join(parts), index


def check(cypher: str) -> None:
    """Refuse (GuardRefused, saying why) what a user's read must not do."""
    toks = tokens(cypher)
    for index, token in enumerate(toks):
        following = toks[index + 1] if index + 1 < len(toks) else None
        if token.kind == "word" and token.lower == "load" and following and following.lower == "csv":
            raise GuardRefused("LOAD CSV is refused: it reads files and URLs outside the graph")
        if token.kind == "word" and token.lower == "call" and following and following.kind in ("word", "name"):
            procedure, _ = _dotted_names(toks, index + 1)
            if procedure.lower() not in ALLOWED_PROCEDURES:
                raise GuardRefused(f"procedure {procedure} is refused: queries may call only "
                                   + ", ".join(sorted(ALLOWED_PROCEDURES)))
        if token.kind in ("word", "name") and (index == 0 or toks[index - 1].text != "."):
            function, after = _dotted_names(toks, index)
            called = after < len(toks) and toks[after].text == "("
            if called and function.lower().startswith("apoc.") and not function.lower().startswith(
                    PURE_APOC_NAMESPACES) and not (index and toks[index - 1].lower == "call"):
                raise GuardRefused(f"function {function} is refused: of APOC, queries may use only "
                                   + ", ".join(n + "*" for n in PURE_APOC_NAMESPACES))
    deepest, cost = parse_cost(toks)
    if cost > MAX_PARSE_COST:
        raise GuardRefused(
            f"the query nests {deepest} levels deep (brackets, CASE and prefix operators: parse cost {cost:,}, over "
            f"the limit of {MAX_PARSE_COST:,}); FalkorDB's parser takes time exponential in nesting, so deeply "
            "nested reads are refused unparsed")


def check_parameters(params: dict | None) -> None:
    """Refuse a user's parameters nested deeper than MAX_PARAMETER_DEPTH."""
    frontier = [(value, 1) for value in (params or {}).values()]
    while frontier:
        value, depth = frontier.pop()
        if isinstance(value, (list, tuple, dict)):
            if depth > MAX_PARAMETER_DEPTH:
                raise GuardRefused(f"a parameter nests lists or maps more than {MAX_PARAMETER_DEPTH} deep")
            frontier.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
