"""Numbers, targets and actuals as the genre writes them."""

import pytest

from perfkg.ingest.numbers import compatible_units, quantities, read_value


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
        ("0次", "number", 0.0, "次", None),
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
    ],
)
def test_actuals(text, kind, value):
    actual = read_value(text)
    assert (actual.kind, actual.value) == (kind, value)


def test_compatible_units():
    assert compatible_units("人次", "次")
    assert compatible_units("%", "%")
    assert not compatible_units("%", "家")
    assert not compatible_units(None, "家")
