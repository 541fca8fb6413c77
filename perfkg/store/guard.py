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
- administration commands: SHOW … (transactions, settings, procedures,
  databases, users: the server's state, other users' queries among them),
  TERMINATE TRANSACTIONS, USE, and CREATE/ALTER/DROP/START/STOP/GRANT/DENY/
  REVOKE/RENAME/ENABLE of anything that is not a node or relationship. Neo4j
  types SHOW and TERMINATE plans as reads, so only the guard keeps them from a
  read-only endpoint;
- a parse cost over the budget: FalkorDB's parser takes time exponential in
  how deeply expressions nest (20 nested minus signs: 4 s; 22 brackets: 28 s),
  before any time limit applies. Every bracket, CASE and prefix operator (`-`,
  `+`, `NOT`) opens a level; a level at depth d costs 2^d, and a query may cost
  at most MAX_PARSE_COST (one chain 13 deep, or many shallower ones);
- a query over the cost model's bounds (see `cost`), each refusal naming the
  bound: Neo4j plans a query before its time limit applies, in time that grows
  with clauses, pattern length and expression size (150 OPTIONAL MATCH: 104 s;
  a property chain 3,000 long: a StackOverflowError after 123 s), and FalkorDB
  evaluates one expression (a nested comprehension, a range) with no time
  check inside it, allocating as it goes (15.8 GB for three nested
  comprehensions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import QueryError

MAX_PARSE_COST = 2 ** 14
# The cost model's bounds (docs/reliability.md). Neo4j's planning time grows fast with
# clauses and pattern length, so the longest shapes accepted plan in about the time the
# heaviest named query (department_profile: 1,077 tokens, 30 clauses, 16 relationships)
# does; the named queries and the README's examples all pass.
MAX_TOKENS = 1500  # expression nodes: names, literals, operators (6,000 `+` terms planned 10 s on Neo4j)
MAX_CLAUSES = 40  # MATCH, OPTIONAL MATCH, WITH, UNWIND, RETURN, CALL, UNION ... (150 OPTIONAL MATCH: 104 s)
MAX_PATTERN_HOPS = 20  # relationships in all patterns together (an 80-hop pattern planned 46 s)
MAX_CHAIN = 12  # property lookups or indexes in a row: a.b.c, x[0][1] (3,000: a StackOverflowError)
MAX_ITERATION_NESTING = 2  # comprehensions, quantifiers (any, all ...) and reduce() within each other
MAX_RANGE_ELEMENTS = 1_000_000  # range() elements, multiplied over a query's ranges and its nesting
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
  | (?P<comment>//[^\n\r\x0b\x0c\x85\u2028\u2029]*|/\*.*?\*/)
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


# Words that start an administration command when a name follows them (`SHOW
# TRANSACTIONS`, `USE neo4j`, `DROP INDEX x`); `CREATE (`, `ON CREATE SET` and a
# variable named `show` stay what they are.
_ADMINISTRATION = frozenset({
    "show", "terminate", "use", "create", "alter", "drop", "grant", "deny", "revoke", "start", "stop", "rename",
    "enable", "deallocate", "reallocate", "dryrun",
})
# Words that may follow a variable: after one of them, an administration word is a name.
_AFTER_A_NAME = frozenset({
    "as", "and", "or", "xor", "is", "in", "contains", "starts", "ends", "where", "order", "skip", "offset", "limit",
    "return", "with", "union", "asc", "desc", "ascending", "descending", "then", "else", "end", "when", "match",
    "optional", "unwind", "call", "foreach", "merge", "set", "remove", "delete", "detach", "yield", "on", "load",
})


def _administration(toks: list[_Token], index: int) -> str | None:
    """The administration command starting at toks[index] (`SHOW TRANSACTIONS`), if one does."""
    token = toks[index]
    if token.kind != "word" or token.lower not in _ADMINISTRATION:
        return None
    previous = toks[index - 1] if index else None
    if previous is not None and (previous.text in (".", ":", "$") or previous.lower == "as"):
        return None  # a property, a label, a parameter, or a variable being named
    following = toks[index + 1] if index + 1 < len(toks) else None
    if following is None or following.kind not in ("word", "name"):
        return None
    if following.kind == "word" and following.lower in _AFTER_A_NAME and not (
            token.lower == "create" and following.lower == "or"):  # CREATE OR REPLACE DATABASE
        return None
    return f"{token.text} {following.text}"


def check(cypher: str, params: dict | None = None) -> None:
    """Refuse (GuardRefused, saying why) what a user's read must not do. `params`
    are the query's parameters: a range() or a regular expression given by one is
    judged by its value."""
    toks = tokens(cypher)
    for index, token in enumerate(toks):
        following = toks[index + 1] if index + 1 < len(toks) else None
        if token.kind == "word" and token.lower == "load" and following and following.lower == "csv":
            raise GuardRefused("LOAD CSV is refused: it reads files and URLs outside the graph")
        command = _administration(toks, index)
        if command:
            raise GuardRefused(f"{command} is refused: administration commands (SHOW, TERMINATE, USE, CREATE, "
                               "ALTER, DROP …) do not run on this read-only endpoint")
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
    over = over_bounds(toks, params or {})
    if over:
        raise GuardRefused(over)


def check_parameters(params: dict | None) -> None:
    """Refuse a user's parameters nested deeper than MAX_PARAMETER_DEPTH."""
    frontier = [(value, 1) for value in (params or {}).values()]
    while frontier:
        value, depth = frontier.pop()
        if isinstance(value, (list, tuple, dict)):
            if depth > MAX_PARAMETER_DEPTH:
                raise GuardRefused(f"a parameter nests lists or maps more than {MAX_PARAMETER_DEPTH} deep")
            frontier.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))


# -- the cost model -----------------------------------------------------------------

_CLAUSE_WORDS = frozenset({"match", "with", "unwind", "return", "call", "union", "foreach", "create", "merge", "set",
                           "remove", "delete", "load"})
_ITERATING = frozenset({"all", "any", "none", "single", "filter", "extract"})
_OPERATOR_TEXT = frozenset("+-*/%^")


@dataclass
class Cost:
    """What the cost model measures of a query (see over_bounds)."""

    tokens: int = 0
    clauses: int = 0
    hops: int = 0
    chain: int = 0
    nesting: int = 0
    range_elements: int = 1


def _closing(toks: list[_Token], start: int) -> int:
    """The index of the bracket closing the one at toks[start] (len(toks) if none does)."""
    depth = 0
    for index in range(start, len(toks)):
        if toks[index].kind == "other" and toks[index].text in _OPENING:
            depth += 1
        elif toks[index].kind == "other" and toks[index].text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return index
    return len(toks)


def _arguments(toks: list[_Token], opening: int) -> list[list[_Token]]:
    """The comma-separated arguments of the call whose `(` is toks[opening]."""
    closing = _closing(toks, opening)
    arguments, current, depth = [], [], 0
    for token in toks[opening + 1:closing]:
        if token.kind == "other" and token.text in _OPENING:
            depth += 1
        elif token.kind == "other" and token.text in (")", "]", "}"):
            depth -= 1
        if depth == 0 and token.kind == "other" and token.text == ",":
            arguments.append(current)
            current = []
        else:
            current.append(token)
    arguments.append(current)
    return arguments


def _constant(argument: list[_Token], params: dict) -> float | None:
    """The value of an argument made of numbers, parameters and arithmetic, or None."""
    import ast

    parts = []
    for token in argument:
        if token.kind == "number":
            parts.append(token.text)
        elif token.kind == "param":
            value = params.get(token.text[1:].strip("`"))
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return None
            parts.append(repr(value))
        elif token.kind == "other" and token.text in "+-*/%^()":
            parts.append("**" if token.text == "^" else token.text)
        else:
            return None
    try:
        tree = ast.parse(" ".join(parts), mode="eval")
    except (SyntaxError, ValueError):
        return None

    def value(node) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = value(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, ast.Pow):
                return float("inf") if abs(left) > 1 and right > 64 else float(left) ** right
            operations = {ast.Add: lambda: left + right, ast.Sub: lambda: left - right,
                          ast.Mult: lambda: left * right, ast.Div: lambda: left / right if right else float("inf"),
                          ast.Mod: lambda: left % right if right else 0}
            if type(node.op) in operations:
                return operations[type(node.op)]()
        raise ValueError("not arithmetic")

    try:
        return float(value(tree.body))
    except (ValueError, OverflowError, TypeError):
        return None


def _data_bounded(argument: list[_Token]) -> bool:
    """Whether a range() bound that is not a constant is size(...) or length(...) of
    something, give or take numbers: as long as a list the query already holds."""
    depth = 0
    for index, token in enumerate(argument):
        opening = token.kind == "other" and token.text in _OPENING
        closing = token.kind == "other" and token.text in (")", "]", "}")
        if depth == 0 and not (opening or closing):
            sized = token.kind == "word" and token.lower in ("size", "length") and index + 1 < len(argument) \
                and argument[index + 1].text == "("
            if not (sized or token.kind in ("number", "param") or token.text in ("+", "-")):
                return False
        depth += opening - closing
    return True


def _range_size(toks: list[_Token], opening: int, params: dict) -> tuple[int | None, str | None]:
    """(elements, None) of the range() whose `(` is toks[opening]; (None, None) when its
    length is that of a list the query holds; (None, reason) when it cannot be judged."""
    arguments = _arguments(toks, opening)
    values = [_constant(argument, params) for argument in arguments]
    if None in values:
        if all(value is not None or _data_bounded(argument) for value, argument in zip(values, arguments)):
            return None, None
        return None, "range() bounds must be numbers, parameters or size() of a list, so its length can be checked"
    if len(values) not in (2, 3):
        return None, None  # the database says what is wrong
    start, end, step = values[0], values[1], values[2] if len(values) == 3 else 1
    if step == 0 or any(v != v for v in values):
        return None, None
    elements = (end - start) / step + 1
    return (0 if elements < 0 else int(min(elements, 2 ** 62))), None


def _nested_quantifier(pattern: str) -> bool:
    """Whether a regular expression repeats a group that itself repeats: `(a+)+`,
    `(.*a){20}`, which backtracking engines (Neo4j's Java regex) take exponential time on."""
    groups: list[bool] = []  # per open group: whether it holds a quantifier
    index, quantified_inside = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":  # a character class: nothing in it quantifies
            index += 1
            while index < len(pattern) and pattern[index] != "]":
                index += 2 if pattern[index] == "\\" else 1
        elif char == "(":
            groups.append(False)
        elif char == ")" and groups:
            quantified_inside = groups.pop()
            following = pattern[index + 1:index + 2]
            if following in ("*", "+", "{") and quantified_inside:
                return True
            if groups and quantified_inside:
                groups[-1] = True
        elif char in "*+{" and groups:
            groups[-1] = True
        index += 1
    return False


def measure(toks: list[_Token], params: dict | None = None) -> tuple[Cost, str | None]:
    """The query's cost, and the first bound it breaks that cannot be counted (a range
    of unknown length, a regular expression that backtracks, reduce() doubling its
    accumulator), or None."""
    params = params or {}
    cost = Cost(tokens=len(toks))
    chains = [0]  # per open bracket: the property/index chain running at that level
    iterating: list[bool] = []  # per open bracket: whether it iterates (a comprehension, any(), reduce())
    ranges: list[int] = []
    problem = None
    previous: _Token | None = None
    for index, token in enumerate(toks):
        following = toks[index + 1] if index + 1 < len(toks) else None
        text, lower = token.text, token.lower
        named = token.kind == "word" and (previous is None or previous.text not in (".", ":", "$"))
        if named and lower in _CLAUSE_WORDS and not (following and following.text == ":") and not (
                lower == "with" and previous is not None and previous.lower in ("starts", "ends")):
            cost.clauses += 1
        if token.kind == "other" and text in ("-", "<") and previous is not None and previous.text == ")":
            cost.hops += 1
        if named and lower == "range" and following and following.text == "(":
            elements, reason = _range_size(toks, index + 1, params)
            problem = problem or reason
            if elements is not None:
                ranges.append(elements)
        if named and lower == "reduce" and following and following.text == "(":
            problem = problem or _reduce_doubles(toks, index + 1)
        if token.kind == "other" and text == "~" and previous is not None and previous.text == "=":
            problem = problem or _regex_problem(following, params)
        # property and index chains, and iteration nesting, by bracket level
        if token.kind == "other" and text == "." and following is not None and following.kind in ("word", "name") \
                and _ends_operand(previous):
            chains[-1] += 1
        elif previous is not None and previous.kind == "other" and previous.text == "." and token.kind in (
                "word", "name") and chains[-1]:
            pass  # the name after the dot
        elif token.kind == "other" and text in _OPENING:
            if text == "[" and _ends_operand(previous):
                chains[-1] += 1  # an index: x[0]
            else:
                chains[-1] = 0
            chains.append(0)
            iterating.append(_starts_iteration(toks, index, previous))
            cost.nesting = max(cost.nesting, sum(iterating))
        elif token.kind == "other" and text in (")", "]", "}"):
            if len(chains) > 1:
                chains.pop()
                iterating.pop()
        else:
            chains[-1] = 0
        cost.chain = max(cost.chain, chains[-1])
        previous = token
    for elements in ranges:
        cost.range_elements = min(cost.range_elements * max(elements, 1), 2 ** 62)
    if ranges and cost.nesting > 1:  # each level may iterate over the longest range
        cost.range_elements = min(cost.range_elements * max(ranges) ** (cost.nesting - 1), 2 ** 62)
    return cost, problem


def _starts_iteration(toks: list[_Token], index: int, previous: _Token | None) -> bool:
    """Whether the bracket at toks[index] opens an iteration: `[x IN …`, `any(x IN …`, `reduce(`."""
    variable = toks[index + 1] if index + 1 < len(toks) else None
    keyword = toks[index + 2] if index + 2 < len(toks) else None
    over_a_list = variable is not None and variable.kind in ("word", "name") and keyword is not None \
        and keyword.lower == "in"
    if toks[index].text == "[":
        return over_a_list and not _ends_operand(previous)
    if toks[index].text == "(" and previous is not None and previous.kind == "word":
        return previous.lower == "reduce" or (previous.lower in _ITERATING and over_a_list)
    return False


def _reduce_doubles(toks: list[_Token], opening: int) -> str | None:
    """A reduce() whose accumulator appears twice in a sum or product (`s + s`): it doubles
    at every element, past any memory in forty steps."""
    accumulator = toks[opening + 1] if opening + 1 < len(toks) else None
    if accumulator is None or accumulator.kind not in ("word", "name"):
        return None
    closing = _closing(toks, opening)
    body = toks[opening + 1:closing]
    depth, start = 0, None
    for position, token in enumerate(body):
        if token.kind == "other" and token.text in _OPENING:
            depth += 1
        elif token.kind == "other" and token.text in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and token.text == "|":
            start = position + 1
            break
    if start is None:
        return None
    expression = body[start:]
    uses = 0
    for position, token in enumerate(expression):
        if token.kind not in ("word", "name") or token.text != accumulator.text:
            continue
        before = expression[position - 1].text if position else ""
        after = expression[position + 1].text if position + 1 < len(expression) else ""
        if before == "." or after in (".", "["):
            continue
        if before in ("+", "*") or after in ("+", "*"):
            uses += 1
    if uses > 1:
        return (f"reduce() adds its accumulator {accumulator.text} to itself: it doubles at every element, "
                "past any memory limit")
    return None


def _regex_problem(operand: _Token | None, params: dict) -> str | None:
    """What is wrong with the right side of `=~`, if anything."""
    if operand is None:
        return None
    if operand.kind == "string":
        pattern = operand.text[1:-1].replace("\\\\", "\\")
    elif operand.kind == "param":
        pattern = params.get(operand.text[1:].strip("`"))
        if not isinstance(pattern, str):
            return None  # the database refuses a non-string
    else:
        return "=~ takes a string or a parameter, so its regular expression can be checked before it runs"
    if _nested_quantifier(pattern):
        return (f"the regular expression {pattern[:60]!r} repeats a group that repeats itself (as in (a+)+): "
                "matching it can take exponential time")
    return None


def over_bounds(toks: list[_Token], params: dict) -> str | None:
    """Why the query is over the cost model's bounds, or None when it is within them."""
    cost, problem = measure(toks, params)
    if problem:
        return problem
    bounds = [  # the most particular cause first
        (cost.chain, MAX_CHAIN, "property lookups or indexes in a row"),
        (cost.nesting, MAX_ITERATION_NESTING, "comprehensions, quantifiers and reduce() nested in each other"),
        (cost.range_elements, MAX_RANGE_ELEMENTS, "range() elements (multiplied over its ranges and their nesting)"),
        (cost.hops, MAX_PATTERN_HOPS, "relationships in its patterns"),
        (cost.clauses, MAX_CLAUSES, "clauses (MATCH, WITH, UNWIND, RETURN, UNION …)"),
        (cost.tokens, MAX_TOKENS, "names, literals and operators (expression nodes)"),
    ]
    for value, limit, what in bounds:
        if value > limit:
            return (f"the query has {value:,} {what}, over the limit of {limit:,}: the database would spend "
                    "time or memory on it past any limit before it could be stopped")
    return None
