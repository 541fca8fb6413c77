"""The status rules of GUIDE section 3."""

import pytest

from perfkg.ingest.numbers import read_value
from perfkg.ingest.status import judge


def status(name, target, actual, **kwargs):
    return judge(name, read_value(target, is_target=True), read_value(actual), **kwargs).status


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
    ],
)
def test_target_against_actual(name, target, actual, expected):
    assert status(name, target, actual) == expected


def test_a_completion_rate_against_a_plan_decides():
    assert status("检查企业", None, "5042家", completion_rate=131, rate_against_plan=True) == "met"
    assert status("房屋拆卸", None, "约10.15万平方米", completion_rate=75, rate_against_plan=True) == "not_met"
    assert status("立案", None, "18宗", completion_rate=100, rate_against_plan=True) == "met"


def test_a_rate_that_is_the_measure_is_unknown_below_100():
    assert status("行政执法案件完成率", None, "57.1%", completion_rate=57.1) == "unknown"
    assert status("商铺户外招牌工作备案完成率", None, "100%", completion_rate=100) == "met"
    assert status("办结率", None, "99.92%") == "unknown"


def test_explicit_wording_in_a_cell():
    assert status("水质", None, "水质持续达标", statement="水质持续达标") == "met"
    assert status("达标率", None, "排水单元达标率90%", statement="排水单元达标率90%") == "unknown"
    assert status("任务", None, "未完成年度任务", statement="未完成年度任务") == "not_met"
    assert status("献血", None, "3次", statement="超额完成任务") == "met"
