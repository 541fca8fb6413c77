"""Indicator statements in the many ways the genre words them, and statements
that look like indicators but are not (GUIDE section 3). Each case is a short
text of my own, run through the whole extraction."""

import pytest

from perfkg.ingest.pipeline import extract_text


def indicators(text: str) -> list[tuple]:
    found = extract_text(text).indicators
    return [(i.name, i.target_text, i.actual_text, i.status) for i in found]


@pytest.mark.parametrize(
    "text, expected",
    [
        # plan, then actual
        ("服务企业数年度指标值为 203 家，实际完成 212 家。", [("服务企业数", "203家", "212家", "met")]),
        ("外出招商活动次数目标值为4次，实际值为3次。", [("外出招商活动次数", "4次", "3次", "not_met")]),
        ("新建公园预期目标为5个，实际完成6个。", [("新建公园", "5个", "6个", "met")]),
        ("开展安全检查年度任务为2000家次，实际完成2350家次。", [("开展安全检查", "2000家次", "2350家次", "met")]),
        ("改造农村户厕目标任务500户，全年完成520户。", [("改造农村户厕", "500户", "520户", "met")]),
        ("安全生产事故起数控制目标为不超过3起，实际发生1起。", [("安全生产事故起数", "不超过3起", "发生1起", "met")]),
        ("群众满意度目标值为≥90%，实际完成88%。", [("群众满意度", "≥90%", "88%", "not_met")]),
        ("重大事故发生率年度指标值为0%，实际完成0%。", [("重大事故发生率", "0%", "0%", "met")]),
        ("辖区治安排名目标为全区前五，实际排名全区第七。", [("辖区治安排名", "全区前五", "排名全区第七", "not_met")]),
        # the plan word before the measure
        ("全年计划完成健康讲座120场，实际完成136场。", [("健康讲座", "120场", "136场", "met")]),
        ("计划新增停车位 800 个，实际新增 650 个。", [("停车位", "800个", "新增650个", "not_met")]),
        # actual, then plan
        ("服务企业 212 家（目标 203 家）。", [("服务企业", "203家", "212家", "met")]),
        # a completion rate after the achieved quantity
        ("检查企业 5042 家，完成率 131%。", [("检查企业", None, "5042家", "met")]),
        ("完成农村生活污水治理村数12个，完成率80%。", [("农村生活污水治理村数", None, "12个", "not_met")]),
        ("整治撂荒地 5 宗，面积共 125 亩，复耕完成率 100%。", [("整治撂荒地", None, "5宗，面积共125亩", "met")]),
        # a percent of a plan
        ("累计清拆违法建设 310297 平方米，完成全年拆违任务量 310000 平方米的 100.1%。",
         [("清拆违法建设", "310000平方米", "310297平方米", "met")]),
        ("共拆除违法建设 82 宗，占区下达拆除目标任务的 91.5%。", [("拆除违法建设", None, "82宗", "not_met")]),
        # a plan fulfilled
        ("完成生活垃圾总体减量 18% 目标。", [("生活垃圾总体减量", "18%", "完成", "met")]),
        ("大力开展出租屋综合税征管，已完成2300万元的税收征管任务。", [("税收征管", "2300万元", "已完成", "met")]),
        ("先后在 6 个企业成立非公团组织，发展团员 2 名，100%完成了团区委的要求。",
         [("在企业成立非公团组织", None, "6个", "met"), ("发展团员", None, "2名", "met")]),
        ("无偿献血活动3次共319人参与，超额完成任务。", [("无偿献血活动", None, "共319人", "met")]),
        # a rate that is itself the measure
        ("18岁以上人群第三针加强针完成率达28.90%，全区排名第3。",
         [("18岁以上人群第三针加强针完成率", None, "28.90%", "unknown")]),
        # two measures sharing one value
        ("出租屋建档率、出租屋登记率年度指标值为 100%，实际完成 100%。",
         [("出租屋建档率", "100%", "100%", "met"), ("出租屋登记率", "100%", "100%", "met")]),
        # a comma list of plan/actual pairs
        ("培训次数年度指标值为 10 次，实际完成 12 次，走访企业数年度指标值为 100 家，实际完成 90 家。",
         [("培训次数", "10次", "12次", "met"), ("走访企业数", "100家", "90家", "not_met")]),
        # a task's size, then what is done of it; a later year's task leaves its subject out
        ("农村公路2022年度改造任务为120公里，目前已完成96公里，完成率80%。2023年度改造任务为80公里，目前建成80公里。",
         [("农村公路2022年度改造", "120公里", "96公里", "not_met"),
          ("农村公路2023年度改造", "80公里", "80公里", "met")]),
        ("全县3.2万户危房改造任务已完成3.5万户。", [("全县危房改造", "3.2万户", "3.5万户", "met")]),
        # how far each named place has come of the task its paragraph states
        ("污水管网2023年建设任务为40公里，目前建成30公里，完成率75%。东乡县完成60%，南城区、北镇已完成建设任务，"
         "其余县区已全部完成。",
         [("污水管网2023年建设", "40公里", "30公里", "not_met"),
          ("东乡县污水管网2023年建设", None, "完成60%", "not_met"),
          ("南城区、北镇污水管网2023年建设", None, "已完成建设任务", "met")]),
        ("校舍加固2022年度任务为30所，已完成27所，除西县、平乡因资金到位较晚，分别完成各自任务的70%和85%外，其他县已完成。",
         [("校舍加固2022", "30所", "27所", "not_met"),
          ("西县校舍加固2022", None, None, "not_met"), ("平乡校舍加固2022", None, None, "not_met")]),
        # a place completing with no task stated before it is no indicator
        ("东乡县完成60%，南城区完成80%以上。", []),
    ],
)
def test_indicator_statements(text, expected):
    assert indicators(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "累计走访企业 719 家次，协调解决困难问题 7 宗。",  # bare achievements: outcomes
        "今年省信访系统交办案件66宗，已办结58宗，办结率为87.9%。",  # a rate with no plan
        "承办 12345 热线工单 35404 件，按时完成率 95.3%。",  # 按时完成率: timeliness, not a plan
        "全年预算数 6061.31 万元，执行数 6061.31 万元，完成预算的 100%。",  # the budget's own execution
        "完成整改任务 125 宗，199.63 亩。",  # what was done, no plan
        "扎实推进民兵整组、年度征兵等工作，超额完成兵员征集任务。",  # fulfilled, but no value at all
        "全街案件类警情同比下降 8.5%，规上工业总产值同比增长 5.94%。",  # year-on-year changes
        "60 岁以上老人全程接种覆盖率 101.5%，全区排名第一。",  # a coverage rate, a rank with no target
    ],
)
def test_statements_that_are_not_indicators(text):
    assert indicators(text) == []


def test_future_plans_are_not_indicators():
    text = "四、下一步改进措施\n\n（一）力争完成全年 GDP 增长 6% 目标，新增停车位计划 800 个，实际完成待定。\n"
    assert indicators(text) == []


def test_indicators_under_a_task_are_tied_to_it():
    text = (
        "（二）年度重点工作任务\n\n1.优化营商环境\n\n2.提升城市管理水平\n\n"
        "二、综合评价分析\n\n（一）各项工作任务绩效目标完成情况\n\n"
        "1.优化营商环境。服务企业数年度指标值为 203 家，实际完成 212 家。\n\n"
        "2.提升城市管理水平。城市道路保洁率年度指标值为 95%，实际完成 97%。\n"
    )
    extraction = extract_text(text)
    tied = {(i.name, extraction.tasks[i.task].name) for i in extraction.indicators}
    assert tied == {("服务企业数", "优化营商环境"), ("城市道路保洁率", "提升城市管理水平")}


def test_evidence_is_the_statement_verbatim_across_a_page_break():
    text = "服务企业数年度指标值为 203 家，实际完成\n\n212 家；检查企业 5042 家，完成率 131%。"
    evidence = sorted(indicator.evidence.text for indicator in extract_text(text).indicators)
    assert evidence == ["服务企业数年度指标值为 203 家，实际完成\n\n212 家；", "检查企业 5042 家，完成率 131%。"]


def test_a_report_written_along_the_forms_categories_gives_each_plan_and_its_result():
    text = ("某县民政局2022年度项目绩效自评报告\n1.数量指标：完成困难群众救助500人次，已完成。\n"
            "2.时效指标：资金于2022年12月底前拨付到位，已完成。\n3.满意度指标：受益群众满意度≥90%，实际达到96%。\n"
            "4.质量指标：验收合格率100%，未完成。\n5.时效指标：资金拨付及时率指标值为100%，全年实际完成值为95%。\n")
    found = [(i.name, i.target_text, i.actual_text, i.status) for i in extract_text(text).indicators]
    assert found == [("困难群众救助", "500人次", "已完成", "met"), ("资金拨付到位", "2022年12月底前", "已完成", "met"),
                     ("受益群众满意度", "≥90%", "96%", "met"), ("验收合格率", "100%", "未完成", "not_met"),
                     ("资金拨付及时率", "100%", "95%", "not_met")]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a plan stated in a part of the goals section, met by the very quantity a later section reports
        ("某县农村公路项目绩效自评报告\n一、绩效目标分解下达情况\n1、资金下达及项目情况\n"
         "我县农村公路项目计划投资900万元，实现新建通村道路18.5公里。\n二、绩效目标完成情况分析\n"
         "年内已完成建设工程18.5公里，质量鉴定为合格。\n",
         [("新建通村道路", "18.5公里", "18.5公里", "met")]),
        # a sentence labelled as a plan, in a section that is not the goals section
        ("某镇养老服务项目绩效自评报告\n一、项目概况\n成效指标：养老服务对象满意度达95%以上。\n"
         "二、项目绩效情况\n经问卷调查，养老服务对象满意度为91%。\n",
         [("养老服务对象满意度", "95%以上", "91%", "not_met")]),
        # a traditional-character mirror's pinyin glosses do not hide the plan
        ("某縣污水項目績效自評報告\n一、績效目標(biāo)情況\n鋪設(shè)污水管網(wǎng)12公里。\n"
         "二、績效目標(biāo)完成情況分析\n已鋪設(shè)污水管網(wǎng)12公里。\n",
         [("铺设污水管网", "12公里", "12公里", "met")]),
    ],
)
def test_a_plan_a_report_states_apart_from_its_result(text, expected):
    assert indicators(text) == expected
