"""The status rules of GUIDE section 3 and corpus/NOTES.md convention 4, a
hand-written case for every branch of ingest/status.py: the status and the
comparison it was decided by (stored as Indicator.target_op)."""

import pytest

from perfkg.ingest.numbers import read_value
from perfkg.ingest.status import direction, judge


def status(name, target, actual, **kwargs):
    return judge(name, read_value(target, is_target=True), read_value(actual), **kwargs).status


def judged(name, target, actual, **kwargs):
    verdict = judge(name, read_value(target, is_target=True), read_value(actual), **kwargs)
    return verdict.status, verdict.op


@pytest.mark.parametrize(
    "name, target, actual, expected",
    [
        ("开展社区活动次数", "220次", "170次", "not_met"),
        ("服务企业数", "203家", "212家", "met"),
        ("长者饭堂就餐人次", "10万人次", "112848次", "met"),
        ("在册涉毒管控人员帮教服务覆盖率", "100%", "70%", "not_met"),
        ("重大社会治安事件发生率", "0%", "0%", "met"),
        ("事故发生起数", "3起", "1起", "met"),  # a ceiling: fewer is better
        ("投诉率", "≤5%", "7%", "not_met"),
        ("社会治理成效满意度", "≥95%", "99%", "met"),
        ("规上企业报表申报合格率", "90%", "90%", "met"),
        ("城市精细化管理排名", "前3", "前3", "met"),
        ("市容景观专项排名", "全区前三", "全区第二", "met"),
        ("市容景观专项排名", "全区前三", "全区第五", "not_met"),
        ("政务大厅服务质量", "优", "优", "met"),
        ("服务质量", "优", "良", "not_met"),
        ("三旧改造旧村拆迁", "清零", "清零", "met"),
        ("三旧改造旧村拆迁", "清零", "未清零", "not_met"),
        ("疫情防控工作情况", "确保不发生疫情、不输入疫情", "确诊病例0例、疑似病例0例", "met"),
        ("疫情防控工作情况", "确保不发生疫情", "确诊病例2例", "not_met"),
        ("党建基层组织建设达标情况", "优", "获评2021年度广东基层党建创新案例", "unknown"),
        ("河涌绿化管养标准", "达到2级", "2级", "met"),
        ("生活垃圾总体减量", "18%", "完成", "met"),
        ("厨余垃圾分出量", "18吨/日", "15.6吨/日", "not_met"),
        ("发放健康教育资料", "不少于12 种", "14种", "met"),  # d02: 不少于 is a floor
        ("群众满意度", "不低于95%", "94%", "not_met"),
        ("群众满意度", "90%以上", "90%以上", "met"),  # d05: equal values are met
        ("不良反应报告数", "≥150", "150", "met"),  # d35
        ("婚检率", "85%左右", "94.99%", "met"),  # d33: exceeding an "about" target
    ],
)
def test_target_against_actual(name, target, actual, expected):
    assert status(name, target, actual) == expected


# -- a completion rate ----------------------------------------------------------------


def test_a_completion_rate_against_a_plan_is_met_from_100_percent():
    assert judged("检查企业", None, "5042家", completion_rate=131, rate_against_plan=True) == ("met", ">=")
    assert judged("立案", None, "18宗", completion_rate=100, rate_against_plan=True) == ("met", ">=")
    assert judged("房屋拆卸", None, "约10.15万平方米", completion_rate=99.99, rate_against_plan=True) == ("not_met", ">=")
    # it decides whatever the values say, and keeps the target's own comparison
    assert judged("拆除违法建设", "≥100宗", "50宗", completion_rate=120, rate_against_plan=True) == ("met", ">=")
    assert judged("控制违建", "≤5宗", "3宗", completion_rate=80, rate_against_plan=True) == ("not_met", "<=")


def test_a_rate_that_is_the_measure_is_an_actual_value():
    assert judged("行政执法案件完成率", None, "57.1%", completion_rate=57.1) == ("unknown", None)
    assert judged("商铺户外招牌工作备案完成率", None, "100%", completion_rate=100) == ("met", None)
    assert judged("办结率", None, "99.92%") == ("unknown", None)
    # with a target stated for it, it is compared like any value
    assert judged("加强针完成率", "≥95%", "28.90%", completion_rate=28.9) == ("not_met", ">=")


# -- no target: what the sentence says ---------------------------------------------------


def test_without_a_target_explicit_wording_decides():
    assert judged("水质", None, "水质持续达标", statement="水质持续达标") == ("met", None)
    assert judged("达标率", None, "排水单元达标率90%", statement="排水单元达标率90%") == ("unknown", None)
    assert judged("任务", None, "未完成年度任务", statement="未完成年度任务") == ("not_met", None)
    assert judged("献血", None, "3次", statement="超额完成任务") == ("met", None)
    assert judged("献血", None, "3次", statement="超额完成任务，但未能达到预期") == ("not_met", None)
    assert judged("献血", None, "3次") == ("unknown", None)
    assert judged("献血", None, None) == ("unknown", None)


def test_with_a_target_the_wording_of_the_sentence_does_not_decide():
    # 100% against 5家 cannot be compared; the sentence's 超额完成 is not a comparison
    assert judged("服务企业", "100%", "5家", statement="超额完成任务") == ("unknown", None)


# -- each kind of target -------------------------------------------------------------------


def test_an_actual_that_says_it_was_not_done_is_not_met():
    assert judged("整改", "100%", "未完成") == ("not_met", None)
    assert judged("整改率", "≥95%", "没有完成") == ("not_met", ">=")


def test_a_zero_target_is_a_ceiling():
    assert judged("安全生产", "确保不发生", "未发生") == ("met", "<=")
    assert judged("安全生产", "确保不发生", "0起") == ("met", "<=")
    assert judged("安全生产", "确保不发生", "2起") == ("not_met", "<=")
    assert judged("安全生产", "确保不发生", "有所减少") == ("unknown", "<=")


def test_ranks_compare_by_place():
    assert judged("排名", "前3", "第二") == ("met", "rank<=")
    assert judged("排名", "前3", "第3") == ("met", "rank<=")
    assert judged("排名", "前3", "第五") == ("not_met", "rank<=")


def test_grades_compare_by_rank_of_the_grade():
    assert judged("评价", "良", "优") == ("met", ">=")
    assert judged("评价", "优", "良") == ("not_met", ">=")
    assert judged("验收", "合格", "良好") == ("met", ">=")


def test_a_done_state_target_is_met_by_a_done_state_or_a_whole_percent():
    assert judged("拆迁", "清零", "已完成") == ("met", "=")
    assert judged("改造", "全部完成", "100%") == ("met", "=")
    assert judged("改造", "全部完成", "95%") == ("not_met", "=")
    assert judged("改造", "清零", "5家") == ("unknown", "=")


def test_a_number_target_met_by_a_done_state_in_its_direction():
    assert judged("服务企业", "100家", "已完成") == ("met", ">=")
    assert judged("投诉率", "≤5%", "完成") == ("met", "<=")


def test_a_number_target_against_nothing_happening():
    assert judged("安全事故", "3起", "0起") == ("met", "<=")  # a ceiling by its name
    assert judged("新建公园", "5个", "0个") == ("not_met", ">=")
    assert judged("欠款清偿", "0元", "0.0元") == ("met", "<=")  # a target of none, and none done


def test_numbers_compare_in_the_measure_s_direction_equal_values_met():
    assert judged("培训", "10次", "共10次") == ("met", ">=")
    assert judged("培训", "10次", "9.99次") == ("not_met", ">=")
    assert judged("火灾发生数", "3起", "发生3起") == ("met", "<=")
    assert judged("火灾发生数", "3起", "4起") == ("not_met", "<=")
    assert judged("投诉率", "≤5%", "5%") == ("met", "<=")
    assert judged("满意度", "不大于5%", "6%") == ("not_met", "<=")


def test_levels_are_met_only_when_equal_and_other_values_cannot_be_compared():
    assert judged("管养标准", "达到2级", "2级") == ("met", "=")
    assert judged("管养标准", "达到2级", "3级") == ("unknown", ">=")
    assert judged("服务", "100%", "5家") == ("unknown", None)  # units that do not compare
    assert judged("社会稳定", "保持稳定", "略有波动") == ("unknown", None)


@pytest.mark.parametrize("name", ["重大事故发生率", "安全生产事故", "火灾起数", "死亡人数", "投诉率", "欠薪案件", "逾期办件"])
def test_ceilings_by_the_measure_s_name(name):
    assert direction(name, None) == "<="
    assert status(name, "5", "3") == "met" and status(name, "5", "6") == "not_met"


def test_a_ceiling_by_the_target_s_own_comparator_whatever_the_name():
    assert direction("满意度", read_value("≤5%", is_target=True)) == "<="
    assert direction("满意度", read_value("确保不发生", is_target=True)) == "<="
    assert direction("满意度", read_value("≥95%", is_target=True)) == ">="
    assert direction("满意度", None) == ">="


@pytest.mark.parametrize(
    "name, target, actual, expected",
    [
        ("林业有害生物受害率", "5%", "3%", ("met", "<=")),  # NOTES 4: 受害率 is a ceiling
        ("农作物成灾率", "5‰", "3‰", ("met", "<=")),  # NOTES 4: 成灾率 is a ceiling
        ("成本控制率", "≦100%", "95%", ("met", "<=")),  # NOTES 2: glyphs as written, ≦ is ≤
        ("项目验收", "有效", "有效", ("met", "=")),  # NOTES 4: done-states satisfy the target
        ("服务水平", "逐步提高", "逐步提高", ("met", "=")),
        ("项目完成时间", "2020年", "2020年", ("met", "=")),  # a date against the same date
        ("项目完成时间", "2021年12月31日前", "2021年11月", ("met", "<=")),  # a deadline kept
        ("项目完成时间", "2021年12月31日前", "2022年3月", ("not_met", "<=")),  # and missed
        ("项目完成时间", "2023年12月底", "在规定时间内完成", ("met", "<=")),  # d06: within the time set
        ("新建全民健身中心数量", "1", "建设中", ("not_met", None)),  # d21: still being built at the year's end
        ("改善养老服务基础条件", "有所提升", "养老服务提升", ("met", "=")),  # d04: a qualitative target reached
    ],
)
def test_rules_of_the_corpus_notes(name, target, actual, expected):
    assert judged(name, target, actual) == expected


@pytest.mark.parametrize(
    "name, target, actual, expected",
    [
        ("评价", "良", "良好", ("met", ">=")),  # the same grade in other words
        ("项目完成时间", "2021年12月31日前", "2021年12月31日", ("met", "<=")),  # done on the deadline's day
        ("项目完成时间", "2021年12月31日前", "已完成", ("met", "<=")),
        ("新建中心", "≥1个", "建设中", ("not_met", ">=")),  # under way, with the target's comparison
        ("发放补贴", "260元/辆", "按该标准发放", ("met", "=")),  # d06: the standard followed
        ("社会稳定", "保持稳定", "按计划执行", ("met", "=")),
        ("改造", "全部完成", "按计划执行", ("met", "=")),
        ("改善条件", "有所改善", "已完成", ("met", "=")),
        ("安全事故", "确保不发生", "同比减少2起，全年发生0起", ("met", "<=")),  # the last number is the year's
        ("排名", "前3", "95%", ("unknown", "rank<=")),  # a rank target against a percent
        ("安全隐患", "≤5起", "0起", ("met", "<=")),
        ("管养标准", "达到2级", "2", ("met", "=")),  # a level whose unit only the target writes
        ("管养标准", "达到2级", "3", ("unknown", ">=")),
    ],
)
def test_values_in_other_words_and_other_kinds(name, target, actual, expected):
    assert judged(name, target, actual) == expected


@pytest.mark.parametrize(
    "name, target, actual, expected",
    [
        ("重大问题", "0次", "2次", ("not_met", "<=")),  # GUIDE §3: a 0次 target is a ceiling
        ("重大问题", "0次", "0次", ("met", "=")),  # none, as the target asks
        ("培训成本", "400元", "180元", ("met", "<=")),  # NOTES 4: 成本 rows are ceilings (d35)
        ("项目成本", "100万元", "120万元", ("not_met", "<=")),
        ("成本节约率", "5%", "6%", ("met", ">=")),  # a saving is higher-better
    ],
)
def test_a_target_of_none_and_a_cost_are_ceilings(name, target, actual, expected):
    assert judged(name, target, actual) == expected
