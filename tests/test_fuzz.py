"""Properties that must hold for any input (hypothesis). `make test` runs a
short profile; `make fuzz` runs the same properties at length."""

import math
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from perfkg.ingest.load import to_rows
from perfkg.ingest.numbers import quantities, read_value
from perfkg.ingest.pipeline import extract_text
from perfkg.ingest.status import judge
from perfkg.ingest.errors import IngestError
from perfkg.ingest.tables import compact

from conftest import EXAMPLES

settings.register_profile("quick", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("PERFKG_FUZZ_PROFILE", "quick"))

# The characters and words the rules look for, so the examples reach them.
WORDS = ["年度指标值为", "实际完成", "完成率", "目标", "计划", "任务", "的", "%", "％", "≥", "以上", "不超过", "前", "第",
         "名", "优", "清零", "万元", "亿元", "元", "万", "次", "家", "个", "宗", "平方米", "，", "。", "；", "：", "、",
         "（", "）", "(", ")", "一是", "二是", "1.", "2、", "（一）", "一、", "\n", "\n\n", "\t", "<p>", "</p>", "**",
         "部门职能", "存在问题", "改进措施", "预算数", "执行数", "其中", "一般公共预算", "自评得分", "分", "街道办事处",
         "广州市", "黄埔区", "2021年度", "绩效自评报告", "超额完成", "达标", "未完成", "0", "1", "12", "3.5", "1,234.56",
         "一二三", "十", " "]
texts = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=3)), max_size=60).map("".join)
example_texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]


@st.composite
def report_slices(draw):
    """A slice of a real report, cut anywhere and damaged here and there."""
    text = draw(st.sampled_from(example_texts))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start, min(len(text), start + 3000)))
    piece = text[start:end]
    for _ in range(draw(st.integers(0, 5))):
        at = draw(st.integers(0, len(piece)))
        piece = piece[:at] + draw(st.sampled_from(WORDS)) + piece[at:]
    return piece


@given(texts)
def test_quantities_are_spans_of_the_text(text):
    for q in quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert math.isfinite(q.value) and q.value >= 0
        assert q.text.replace(" ", "") in text.replace(" ", "")


@given(texts, st.booleans())
def test_any_value_text_is_read(text, is_target):
    value = read_value(text, is_target=is_target)
    if value is not None:
        assert value.kind in ("number", "rank", "grade", "done", "zero", "text", "date")
        assert value.op in (None, ">=", "<=", "=", "rank<=")
        assert value.value is None or math.isfinite(value.value)


@given(texts, texts, texts, st.one_of(st.none(), st.floats(0, 1000)), st.booleans())
def test_any_pair_gets_a_status(name, target, actual, rate, against_plan):
    verdict = judge(name, read_value(target, is_target=True), read_value(actual),
                    completion_rate=rate, rate_against_plan=against_plan, statement=actual)
    assert verdict.status in ("met", "not_met", "unknown")


def _check(text):
    try:
        extraction = extract_text(text)
    except IngestError as error:
        # refused only when nothing is left once the markup is gone
        assert error.problem == "empty file"
        assert not re.sub(r"<[^>]*>|\*\*|&\w+;|\s", "", text), text
        return
    # Every extractor quoted the document verbatim: validate (tested on its
    # own in test_validate.py) drops, with a warning, any evidence that is not
    # the text at its offsets. (Checking what it kept again would only check validate.)
    assert not [w for w in extraction.warnings if w.startswith("dropped")]
    to_rows(extraction)  # whatever comes out passes the ontology's schema


@given(texts)
def test_the_extractor_takes_any_text(text):
    _check(text)


@given(report_slices())
def test_the_extractor_takes_any_slice_of_a_report(text):
    _check(text)


@pytest.fixture(scope="module")
def echo_store(backend):
    from perfkg.store import open_store

    store = open_store(backend.empty())
    yield store
    store.close()


# Any text a report may hold (no lone surrogates: they are not text; no NUL:
# the reader refuses it and the store cannot take it), numbers
# FalkorDB stores (64-bit ints, doubles short of the largest, which its
# 15-digit replies round up to infinity), and lists and maps of them.
param_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1),
              st.floats(-1e300, 1e300), st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"))),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), inner, max_size=4)),
    max_leaves=12,
)


def same(returned, sent) -> bool:
    """Equal, except that FalkorDB prints doubles in its replies to 15
    significant digits (the parameter itself arrives exact)."""
    if isinstance(sent, float):
        return isinstance(returned, float) and math.isclose(returned, sent, rel_tol=1e-14, abs_tol=1e-300)
    if isinstance(sent, list):
        return isinstance(returned, list) and len(returned) == len(sent) and all(map(same, returned, sent))
    if isinstance(sent, dict):
        return isinstance(returned, dict) and returned.keys() == sent.keys() and all(same(returned[k], sent[k]) for k in sent)
    return type(returned) is type(sent) and returned == sent


@given(param_values)
def test_any_parameter_value_reaches_the_store_unchanged(echo_store, value):
    returned = echo_store.read("RETURN $value", {"value": value}).rows[0][0]
    assert same(returned, value), (returned, value)


@given(st.lists(st.one_of(texts, st.sampled_from(["&nbsp;", "&amp;", "\u200b", "\r\n", "\u3000", "<b>", "**", "\f"])),
                max_size=8).map("".join))
def test_every_clean_character_points_at_its_document_character(raw):
    from perfkg.ingest.pipeline import text_as_document
    from perfkg.ingest.text import Text

    try:
        document = text_as_document(raw)
    except IngestError:
        return  # an empty text is refused
    text = Text(document)
    assert len(text.pos) == len(text.clean)
    for index, char in enumerate(text.clean):
        source = document.text[text.pos[index]]
        # the same character, a space standing for an odd space, or a line break or tab of the normaliser's own
        assert char == source or (char == " " and source in "\u3000\u00a0") or char in "\n\t", (index, char, source)
