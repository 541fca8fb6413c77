"""Numbers, targets and actuals as the genre writes them."""

import pytest

from perfkg.ingest.numbers import chinese_number, compatible_units, quantities, read_value, unknown_unit


def test_quantities_read_separators_multipliers_and_units():
    found = quantities("全年调整后预算数 20,360.10 万元，投资额 4.71 亿元，约 10.15 万平方米，接待 66 批次")
    assert [(q.value, q.multiplier, q.unit) for q in found] == [
        (20360.10, 1.0, "万元"), (4.71, 1.0, "亿元"), (10.15, 1e4, "平方米"), (66, 1.0, "批次"),
    ]
    assert found[0].in_unit() == (20360.10, "万元")
    assert found[1].in_unit() == (47100.0, "万元")
    assert found[2].approx


def test_years_and_dates_are_not_quantities():
    assert quantities("2022 年 9 月通过审议，截至12月8日", need_unit=True) == ()
    assert quantities("2021-2022年度") == ()
    assert [q.text for q in quantities("排名第3名，编号12-3，时间9:30，第1.5期")] == ["12", "9"]  # what follows . - : 第 is part of another


def test_durations_and_approximations():
    found = quantities("用时3个月，约5万人，超1000人，100余家，100多家，服务 30 天")
    assert [(q.value, q.unit, q.multiplier, q.approx) for q in found] == [
        (3.0, "个月", 1.0, False), (5.0, "人", 1e4, True), (1000.0, "人", 1.0, True), (100.0, "家", 1.0, True),
        (100.0, "家", 1.0, True), (30.0, "天", 1.0, False)]
    assert found[-1].text == "30 天"
    assert [q.value for q in quantities("共 12 项，另有 5", need_unit=True)] == [12.0]


def test_money_is_counted_in_wan_yuan():
    def wan(text):
        return quantities(text)[0].in_unit()

    assert wan("387664.62元") == (pytest.approx(38.766462), "万元")
    assert wan("5千元") == (0.5, "万元")
    assert wan("9.05亿元") == (90500.0, "万元")
    assert wan("3千人") == (3000.0, "人")
    assert wan("5千万元") == (5000.0, "万元")  # a multiplier before a unit of money


def test_chinese_numerals():
    assert (chinese_number("十二"), chinese_number("两百"), chinese_number("7"), chinese_number("abc")) == (12, 200, 7, None)


@pytest.mark.parametrize(
    "text, kind, value, unit, op",
    [
        ("≥95%", "number", 95.0, "%", ">="),
        ("90%以上", "number", 90.0, "%", ">="),
        ("不超过 5 起", "number", 5.0, "起", "<="),
        ("控制在3%以内", "number", 3.0, "%", "<="),
        ("10 万人次", "number", 100000.0, "人次", None),
        ("前3", "rank", 3.0, "rank", "rank<="),
        ("全区前三", "rank", 3.0, "rank", "rank<="),
        ("优", "grade", 4.0, "grade", ">="),
        ("清零", "done", None, None, "="),
        ("确保不发生疫情、不输入疫情", "zero", 0.0, None, "<="),
        ("0次", "number", 0.0, "次", "<="),  # a target of none is a ceiling (GUIDE §3)
        ("不低于95%", "number", 95.0, "%", ">="),  # 不 turns a ceiling word into a floor
        ("不少于12 种", "number", 12.0, "种", ">="),
        ("不小于90%", "number", 90.0, "%", ">="),
        ("不大于5%", "number", 5.0, "%", "<="),
        ("不高于5%", "number", 5.0, "%", "<="),
        ("低于5%", "number", 5.0, "%", "<="),
        ("小于等于3起", "number", 3.0, "起", "<="),
        ("大于90%", "number", 90.0, "%", ">="),
        ("3%以内", "number", 3.0, "%", "<="),
        ("十次", "number", 10.0, "次", None),
        ("实际完成引进2000万的企业数1家", "number", 2e7, None, None),  # a target is its first number
        ("零事故", "zero", 0.0, None, "<="),
        ("杜绝", "zero", 0.0, None, "<="),
        ("0", "zero", 0.0, None, "<="),
        ("已建成", "done", None, None, "="),
        ("保持稳定", "text", None, None, None),
    ],
)
def test_targets(text, kind, value, unit, op):
    target = read_value(text, is_target=True)
    assert (target.kind, target.value, target.unit, target.op) == (kind, value, unit, op)


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("全区第二", "rank", 2.0),
        ("排名第 9 名", "rank", 9.0),
        ("确诊病例0例、疑似病例0例", "zero", 0.0),
        ("实际完成引进注册资本 2000 万的企业数 1 家", "number", 1.0),
        ("良好", "grade", 3.0),
        ("已完成", "done", None),
        ("获评2021年度广东基层党建创新案例", "text", None),
        ("率95%，排名第3", "number", 95.0),  # a rank after a percent is not the value
        ("两个", "number", 2.0),
        ("均为0", "zero", 0.0),
        ("0起", "zero", 0.0),
        ("未发生", "zero", 0.0),
        ("无重大事故", "zero", 0.0),
        ("尚未完成", "text", None),
        ("未清零", "text", None),
        ("达标", "done", None),
    ],
)
def test_actuals(text, kind, value):
    actual = read_value(text)
    assert (actual.kind, actual.value) == (kind, value)


@pytest.mark.parametrize("text, is_target, expected", [
    ("三项", False, ("number", 3.0, "项", None)),
    ("不少于三项", True, ("number", 3.0, "项", ">=")),  # the comparator before a Chinese numeral
    ("三项以上", True, ("number", 3.0, "项", ">=")),  # and after it
    ("九十分", False, ("text", None, None, None)),  # points are not a quantity of things
    ("九十分，三项", False, ("number", 3.0, "项", None)),
    ("百分之十", False, ("text", None, None, None)),
])
def test_values_written_in_chinese_numerals(text, is_target, expected):
    value = read_value(text, is_target=is_target)
    assert (value.kind, value.value, value.unit, value.op) == expected


@pytest.mark.parametrize("text, kind, op, unit", [
    ("第二", "rank", "=", "rank"),  # a place reached
    ("前3", "rank", "rank<=", "rank"),  # a place at or above
    ("优", "grade", "=", "grade"),
    ("2021年12月", "date", None, None),
    ("已完成", "done", None, None),
    ("未发生", "zero", None, None),
    ("0起", "zero", None, "起"),
])
def test_an_actual_keeps_its_text_and_no_comparison_of_its_own(text, kind, op, unit):
    value = read_value(text)
    assert (value.kind, value.op, value.unit, value.text) == (kind, op, unit, text)


@pytest.mark.parametrize("deadline, done, met", [
    ("2021年12月10日前", "2021年12月20日", False),  # the day counts
    ("2021年12月10日前", "2021年11月20日", True),  # before the month's day
    ("2021年6月30日前", "2021年3月", True),  # a month alone is its end
    ("2021年3月20日前", "2021年3月5日", True),
    ("2021年12月31日前", "2021年12月", True),
    ("2021年12月31日前", "2021年", True),  # a year alone is its end
    ("2021年12月31日前", "2022年1月1日", False),
])
def test_dates_compare_as_days(deadline, done, met):
    target, actual = read_value(deadline, is_target=True), read_value(done)
    assert (target.kind, target.op, actual.kind) == ("date", "<=", "date")
    assert (actual.value <= target.value) is met


def test_a_date_may_be_followed_by_a_few_words_only():
    assert read_value("2021年12月前完成任务", is_target=True).kind == "date"  # four characters after it
    assert read_value("2021年12月前完成了任务", is_target=True).kind != "date"  # five


@pytest.mark.parametrize("text, unit", [
    ("12匹", "匹"), ("5 匹", "匹"), ("甲" * 9 + "12匹", "匹"),  # twelve characters are looked at
    ("甲" * 10 + "12匹", None),  # thirteen are a sentence, not a value
    ("18吨", None), ("18吨/日", None), ("5万人", None),  # known units, a multiplier before one
    ("2021年", None), ("1至3人", None), ("100以上", None), ("90%以上", None), (None, None), ("", None),
])
def test_a_unit_the_reader_does_not_know(text, unit):
    assert unknown_unit(text) == unit


def test_nothing_to_read():
    assert read_value(None) is None and read_value(" \n ") is None


def test_compatible_units():
    assert compatible_units("人次", "次") and compatible_units("次", "人次")
    assert compatible_units("%", "%")
    assert not compatible_units("%", "家")
    assert not compatible_units(None, "家")
