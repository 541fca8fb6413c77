"""The header every .cypher file starts with, as the catalogue reads it
(cypher/__init__.py): tags, parameters of each type with their defaults and
allowed values, and what a caller's values become."""

import re

import pytest

from perfkg.cypher import WHOLE_ANSWER, ParameterError, parse

HEADER = """// @name sample
// @summary One line.
// @description First line,
//  continued here
//     and here.
// @param department: string = required — Department id, full name or part of it
// @param year: integer = 2021 — Budget year
// @param share: number = 0.5 — A share
// @param strict: boolean = false — Only exact names
// @param status: string = not_met in [met, not_met , unknown] — Status
// @param topic: topic = 垃圾分类 — Policy topic
// @param area: topic = null — Another topic
// @example perfkg query sample -p department=荔城
// @example perfkg query sample -p department=夏港 -p year=2022
// why the query starts where it does
MATCH (n) RETURN n
"""


@pytest.fixture
def sample():
    # parsed by each test that uses it, so each is known to reach parse() (mutmut credits a shared fixture to one)
    return parse(HEADER, "sample.cypher")


def test_the_header_s_tags_and_the_query_body(sample):
    assert (sample.name, sample.summary, sample.file) == ("sample", "One line.", "sample.cypher")
    assert sample.description == "First line, continued here and here."
    assert sample.examples == ("perfkg query sample -p department=荔城", "perfkg query sample -p department=夏港 -p year=2022")
    assert sample.cypher == "// why the query starts where it does\nMATCH (n) RETURN n"


def test_parameters_with_their_types_defaults_and_allowed_values(sample):
    found = {p.name: (p.type, p.default, p.allowed, p.required) for p in sample.parameters}
    assert found == {
        "department": ("string", None, None, True),
        "year": ("integer", 2021, None, False),
        "share": ("number", 0.5, None, False),
        "strict": ("boolean", False, None, False),
        "status": ("string", "not_met", ("met", "not_met", "unknown"), False),
        "topic": ("topic", "垃圾分类", None, False),  # a topic's default stays its name until bound
        "area": ("topic", None, None, False),
    }
    assert [p.description for p in sample.parameters][0] == "Department id, full name or part of it"
    assert [p.cypher_name for p in sample.parameters] == ["department", "year", "share", "strict", "status", "topics",
                                                          "areas"]


def test_binding_fills_defaults_and_resolves_topics(sample):
    bound = sample.bind({"department": "荔城"})
    assert bound == {"department": "荔城", "year": 2021, "share": 0.5, "strict": False, "status": "not_met",
                     "topics": ["waste_sorting"], "areas": None, "page_end": WHOLE_ANSWER}  # whole outside pages
    assert sample.bind({"department": "荔城", "year": "", "area": None})["year"] == 2021  # empty means left out


@pytest.mark.parametrize("given, name, value", [
    ({"year": "2022"}, "year", 2022), ({"year": 2023}, "year", 2023),
    ({"share": "0.25"}, "share", 0.25), ({"share": 1}, "share", 1.0),
    ({"strict": True}, "strict", True), ({"strict": "yes"}, "strict", True), ({"strict": "1"}, "strict", True),
    ({"strict": "TRUE"}, "strict", True), ({"strict": "no"}, "strict", False), ({"strict": "0"}, "strict", False),
    ({"strict": False}, "strict", False), ({"strict": "False"}, "strict", False),
    ({"status": "met"}, "status", "met"), ({"department": 7}, "department", "7"),
    ({"topic": "生活垃圾"}, "topics", ["waste_sorting"]),
])
def test_values_from_a_url_or_json_become_the_parameter_s_type(sample, given, name, value):
    bound = sample.bind({"department": "荔城", **given})
    assert bound[name] == value and type(bound[name]) is type(value)


@pytest.mark.parametrize("given, message", [
    ({}, "parameter 'department' is required"),
    ({"department": ""}, "parameter 'department' is required"),
    ({"department": "荔城", "year": "last"}, "parameter 'year' must be integer, got 'last'"),
    ({"department": "荔城", "year": True}, "parameter 'year' must be integer, got True"),
    ({"department": "荔城", "share": "half"}, "parameter 'share' must be number, got 'half'"),
    ({"department": "荔城", "share": False}, "parameter 'share' must be number, got False"),
    ({"department": "荔城", "strict": "maybe"}, "parameter 'strict' must be boolean, got 'maybe'"),
    ({"department": "荔城", "status": "done"},
     "parameter 'status' must be one of ['met', 'not_met', 'unknown'], got 'done'"),
    ({"department": "荔城", "colour": "red", "size": 1},
     "unknown parameter(s) ['colour', 'size'] for sample; it takes ['area', 'department', 'share', 'status', "
     "'strict', 'topic', 'year']"),
])
def test_values_that_do_not_fit_are_refused_by_name(sample, given, message):
    with pytest.raises(ParameterError) as refused:
        sample.bind(given)
    assert str(refused.value) == message


def test_an_unknown_topic_is_refused_with_what_to_give():
    query = parse("// @name t\n// @summary s\n// @param topic: topic = null — a topic\nRETURN 1")
    with pytest.raises(ParameterError) as refused:
        query.bind({"topic": "weather"})
    assert str(refused.value) == ("unknown topic 'weather': give a slug (e.g. waste_sorting) or a Chinese label "
                                  "(e.g. 垃圾分类); GET /topics lists them")
    assert parse("// @name t\n// @summary s\nRETURN 1").bind({}) == {"page_end": WHOLE_ANSWER}
    with pytest.raises(ParameterError, match=r"for t; it takes none$"):
        parse("// @name t\n// @summary s\nRETURN 1").bind({"x": 1})


def test_the_description_of_a_query_for_the_api_and_the_docs(sample):
    described = sample.describe()
    assert (described["name"], described["summary"], described["examples"][0]) == (
        "sample", "One line.", "perfkg query sample -p department=荔城")
    assert described["description"] == "First line, continued here and here."
    assert described["parameters"][4] == {"name": "status", "type": "string", "default": "not_met", "required": False,
                                          "allowed": ["met", "not_met", "unknown"], "description": "Status"}
    assert described["parameters"][0]["required"] is True and described["parameters"][0]["allowed"] is None


@pytest.mark.parametrize("text, message", [
    ("// @summary no name\nRETURN 1", "x.cypher: the header has no @name"),
    ("// @name x\nRETURN 1", "x.cypher: the header has no @summary"),
    ("// @name x\n// @summary s\n// @param year: date = null — a bad type\nRETURN 1",
     "x.cypher: cannot read @param 'year: date = null — a bad type'"),
    ("// @name x\n// @summary s\n// @param year integer = null — no colon\nRETURN 1",
     "x.cypher: cannot read @param 'year integer = null — no colon'"),
])
def test_a_malformed_header_is_refused_naming_the_file(text, message):
    with pytest.raises(ValueError) as refused:
        parse(text, "x.cypher")
    assert str(refused.value) == message


@pytest.mark.parametrize("body, message", [
    ("MATCH (n) RETURN n.name AS name ORDER BY name LIMIT 5", "does not end with its RETURN"),
    ("MATCH (n) RETURN n SKIP 1", "does not end with its RETURN"),
    ("MATCH (n) RETURN n.name AS name\nUNION\nMATCH (m) RETURN m.name AS name", "a UNION outside a CALL {}"),
    ("MATCH (n) SET n.seen = true", "does not end with a RETURN"),
])
def test_a_query_a_row_limit_would_not_cut_as_a_whole_is_refused(body, message):
    # the client appends the row limit to a named query as a LIMIT
    with pytest.raises(ValueError, match=f"x.cypher: .*{re.escape(message)}"):
        parse(f"// @name x\n// @summary s\n{body}", "x.cypher")


def test_a_union_in_a_subquery_and_limit_in_a_string_map_or_comment_are_no_open_end():
    parse("// @name x\n// @summary s\nCALL {\n  RETURN 1 AS x\n  UNION ALL\n  RETURN 2 AS x\n}\n"
          "// the first LIMIT's rows\nRETURN x, {limit: 1} AS m, 'SKIP 2' AS s ORDER BY x")


def test_a_comment_line_ends_the_header_and_an_unindented_one_does_not_continue_a_tag():
    query = parse("// @name x\n// @summary s\n// @description one\n// two\n//   three\nRETURN 1")
    assert query.description == "one"
    assert query.cypher == "// two\n//   three\nRETURN 1"
    spaced = parse("\n// @name x\n// @summary s\n\nMATCH (n)\n\nRETURN n\n")
    assert spaced.cypher == "MATCH (n)\n\nRETURN n"
