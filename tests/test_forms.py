"""The national forms' blocks, whose document it is, and what was not read:
small forms written here by hand, in the layouts the genre uses."""

import pytest

from perfkg.ingest.pipeline import extract_text

PROJECT_FORM = (
    "项目支出绩效自评表\n"
    "( 2021 年度)\n"
    "项目名称 | 农村饮水安全巩固提升工程\n"
    "主管部门 | 某某县水利局 | 实施单位 | 某某县农村供水服务中心\n"
    "项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分\n"
    "年度资金总额 | 300 | 320 | 288 | 10 | 90% | 9\n"
    "其中:当年财政拨款 | 300 | 320 | 288 | — | — | —\n"
    "上年结转资金 | 0 | 0 | 0 | — | — | —\n"
    "其他资金 | | 20 | | — | — | —\n"
    "年度总体目标 | 预期目标 | 实际完成情况\n"
    "| 新建集中供水工程3处，提升2万人饮水保障水平 | 完成集中供水工程3处，受益群众2.1万人\n"
    "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分\n"
    "产出指标 | 数量指标 | 新建集中供水工程 | 3处 | 3处 | 20 | 20\n"
    "效益指标 | 社会效益指标 | 受益人口 | ≥2万人 | 2.1万人 | 20 | 20\n"
    "总分 | 100 | 96 | 优\n"
)


@pytest.fixture(scope="module")
def project_form():
    return extract_text(PROJECT_FORM)


def test_the_identification_block_gives_the_project_and_who_carries_it_out(project_form):
    assert project_form.kind == "project_form"
    assert project_form.year == 2021  # the form's (2021 年度), not a date
    [project] = project_form.projects
    assert (project.name, project.supervisor, project.implementer) == (
        "农村饮水安全巩固提升工程", "某某县水利局", "某某县农村供水服务中心")
    # The form is the implementing unit's self-evaluation; the 主管部门 is responsible for the project.
    assert project_form.department.name == "某某县农村供水服务中心"


def test_the_funds_block_gives_each_row_by_its_columns(project_form):
    funds = {(f.kind, f.source, f.amount) for f in project_form.funds}
    assert funds == {
        ("initial_budget", "total", 300), ("budget", "total", 320), ("expenditure", "total", 288),
        ("initial_budget", "fiscal_appropriation", 300), ("budget", "fiscal_appropriation", 320),
        ("expenditure", "fiscal_appropriation", 288),
        ("budget", "other", 20),  # the empty cells kept its amount in the 全年预算数 column
    }
    total = next(f for f in project_form.funds if (f.kind, f.source) == ("expenditure", "total"))
    assert (total.execution_rate, total.max_score, total.score, total.project) == (90, 10, 9, 0)
    assert project_form.execution_rate == 90


def test_the_goal_block_and_the_totals(project_form):
    project = project_form.projects[0]
    assert project.goal == "新建集中供水工程3处，提升2万人饮水保障水平"
    assert project.goal_result == "完成集中供水工程3处，受益群众2.1万人"
    assert (project_form.self_score, project_form.self_grade) == (96, "优")


def test_the_indicators_belong_to_the_project(project_form):
    assert [(i.name, i.status, i.project) for i in project_form.indicators] == [
        ("新建集中供水工程", "met", 0), ("受益人口", "met", 0)]


def test_a_target_declaration_has_targets_and_no_actuals():
    text = ("部门预算项目绩效目标申报表(2023年度)\n"
            "| 单位名称 | 项目名称 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 |\n"
            "| 100001-某某县某某镇人民政府 | 村组干部报酬 | 产出指标 | 数量指标 | 发放人数 | ≥ | 230 | 人 | 10 |\n"
            "| 效益指标 | 社会效益指标 | 维护社会稳定 | ≥ | 95 | % | 10 |\n")
    extraction = extract_text(text)
    assert extraction.kind == "target_declaration"
    assert [(i.name, i.target_text, i.actual_text, i.status) for i in extraction.indicators] == [
        ("发放人数", "≥230人", None, "unknown"), ("维护社会稳定", "≥95%", None, "unknown")]
    assert [p.name for p in extraction.projects] == ["村组干部报酬"]
    assert extraction.department.name == "某某县某某镇人民政府"


def test_a_budget_amount_in_a_target_declaration_is_no_target():
    # a project's budget column (预算数, in 元 with thousands separators) before its indicators: neither
    # the amount nor the project's name before it is an indicator
    text = ("部门预算项目绩效目标申报表(2023年度)\n"
            "| 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 |\n"
            "| 100-某某镇部门 | 8,827,620.53 |\n"  # the department's total first: its own row
            "| 100001-某某县某某镇人民政府 | 村组干部报酬 | 3,309,840.00 | 按时发放村组干部报酬 | 效益指标 | 社会效益指标 "
            "| 维护社会稳定 | ≥ | 95 | % | 10 |\n"
            "| 产出指标 | 数量指标 | 发放人数 | ≥ | 230 | 人 | 10 |\n")
    assert [(i.name, i.target_text) for i in extract_text(text).indicators] == [
        ("维护社会稳定", "≥95%"), ("发放人数", "≥230人")]


# -- whose document it is -------------------------------------------------------


@pytest.mark.parametrize("text, name", [
    # the form's own field beats the title's and the publisher's
    ("发布机构: 某市财政局\n某市教育局2022年度部门整体支出绩效自评表\n部门(单位)名称 | 某市第一中学\n", "某市第一中学"),
    # a central 主管部门 supervises the money; the local unit reports
    ("中央对地方转移支付绩效自评表\n中央主管部门 | 国家体育总局\n资金使用单位 | 某县体育发展中心\n", "某县体育发展中心"),
    # a title that starts with its department
    ("镜湖区残联中央转移支付2023年度绩效自评报告\n一、绩效目标分解下达情况\n", "镜湖区残联"),
    # a title that names a project names no department: the text's own introduction does
    ("某市全民健身中心项目绩效自评报告\n某市体育局（以下简称“市体育局”）组织开展了自评。\n", "某市体育局"),
    # a page's publisher, when nothing else names one
    ("项目支出绩效自评表\n来源:安居区市场监管局 发布时间:2022-08-15\n", "安居区市场监管局"),
])
def test_the_department_comes_from_where_the_genre_puts_it(text, name):
    assert extract_text(text).department.name == name


@pytest.mark.parametrize("text", [
    "项目支出绩效自评表\n主管预算部门 | 狗万客户端城市管理委员\n",  # a vandalised name: no real place
    "根据《河南省财政厅关于印发绩效管理办法的通知》，现将项目绩效自评情况报告如下。\n",  # a cited document
])
def test_no_sentence_fragment_or_made_up_name_becomes_a_department(text):
    extraction = extract_text(text)
    assert extraction.department is None
    assert "department not found: the report is kept with an unknown department" in extraction.warnings


def test_a_report_of_unknown_department_keeps_the_place_it_names():
    extraction = extract_text("彭水自治县2024年度中央对地方转移支付计划生育服务项目绩效自评\n")
    assert extraction.department is None
    assert (extraction.place.district, extraction.place.city) == ("彭水自治县", None)


def test_a_department_knows_its_district_and_city_from_its_name_or_the_text():
    extraction = extract_text("临沧市永德县明朗中学2022年度项目支出绩效自评报告\n")
    department = extraction.department
    assert (department.district, department.city) == ("永德县", "临沧市")


# -- what was not read is said ------------------------------------------------------


def test_a_table_whose_header_names_indicators_but_yields_none_is_a_warning():
    text = "项目支出绩效自评表\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\n\t\t\t\t\n总分\t100\t95\n"
    warnings = extract_text(text).warnings
    assert any(w.startswith("an indicator table (line 2) whose header names indicators yielded none") for w in warnings)


def test_a_plan_and_result_statement_no_rule_read_is_a_warning():
    warnings = extract_text("全年计划完成三项改革，实际完成情况良好，共推进12项工作。\n").warnings
    assert "a plan-and-result statement no rule read (line 1): 全年计划完成三项改革，实际完成情况良好，共推进12项工作。" \
        in warnings


def test_a_unit_the_reader_does_not_know_is_a_warning_and_the_flagships_own_case_is_read():
    extraction = extract_text("新增巡逻船年度目标为5艘，实际完成6艘。厨余垃圾分出量年度指标值为 18 吨/日，实际完成 15.6 吨/日。\n")
    assert any("the unit '艘' of '5艘'" in w for w in extraction.warnings) is False  # 艘 is known
    waste = next(i for i in extraction.indicators if i.name == "厨余垃圾分出量")
    assert (waste.target_text, waste.actual_text, waste.unit, waste.status) == ("18吨/日", "15.6吨/日", "吨/日", "not_met")
    unknown = extract_text("新增巡逻艇年度目标为5艇，实际完成6艇。\n")
    assert any(w.startswith("the unit '艇' of '5艇'") for w in unknown.warnings)


def test_a_last_row_cut_by_the_end_of_the_text_is_said_not_read():
    text = ("项目支出绩效自评表\n一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值\n"
            "产出指标 | 数量指标 | 培训人次 | 500人次 | 520人次\n产出指标 | 质量指标 | 指标1:提升国家基本")
    extraction = extract_text(text)
    assert [i.name for i in extraction.indicators] == ["培训人次"]
    assert any(w.startswith("the last row of a table, cut off by the end of the text") for w in extraction.warnings)


@pytest.mark.parametrize("text, expected", [
    # granted (下达) and used (已使用), as a project's narrative report says it
    ("2023年下达某某县残疾人事业发展补助资金29.6万元，用于残疾人基本康复。截至2023年12月31日，资金已使用20.5万元，结余9.1万元。",
     {("budget", 29.6), ("expenditure", 20.5), ("carryover", 9.1)}),
    # the project's money in total, then what was paid out
    ("项目资金共2179万元，截止2022年12月8日，已完成拨付2113.63万元，执行率97%。", {("budget", 2179), ("expenditure", 2113.63)}),
    ("项目批复总投资61.8万元。", {("budget", 61.8)}),
    # an investment plan is not the project's budget, a subsidy per person no money of the report
    ("计划投资500万元，新建道路3公里。每人补贴0.5万元。", set()),
])
def test_a_project_narrative_states_its_money(text, expected):
    funds = extract_text("某某县水利局项目支出绩效自评报告\n" + text).funds
    assert {(f.kind, f.amount) for f in funds if f.source == "total"} == expected


@pytest.mark.parametrize("text, expected", [
    # the report's own project: bare 项目 is the document's subject
    ("2020年度绩效评价\n项目全年预算数为1050万元，执行数为1050万元，完成预算的100%。", 100),
    # a source said of the whole sum, clauses before the rate
    ("农村厕所改造项目绩效评价报告\n使用统筹整合资金850万元，当年财政拨款，全年执行数850万元，执行率100%。", 100),
    # one source's rate is not the report's
    ("某某县民政局2021年度部门整体支出绩效自评报告\n其中财政拨款执行率90%。", None),
    # a named project's rate in a department's report is not the department's
    ("某某县民政局2021年度部门整体支出绩效自评报告\n疫情防控项目资金执行率80%。", None),
    ("某某县民政局2021年度部门整体支出绩效自评报告\n部门预算执行率95%，疫情防控项目资金执行率80%。", 95),
])
def test_the_execution_rate_is_the_report_s_own(text, expected):
    assert extract_text(text).execution_rate == expected


@pytest.mark.parametrize("line", ["项目预算金额 (万元) | 500", "项目资金(万元) | 年度资金总额 | 500"])
def test_a_target_declaration_states_its_budget(line):
    text = ("项目支出绩效目标表\n（2022年度）\n项目名称 | 河道综合整治工程\n主管部门 | 某某县水利局\n" + line + "\n"
            "一级指标 | 二级指标 | 三级指标 | 指标值\n产出指标 | 数量指标 | 整治河道长度 | ≥10公里\n")
    extraction = extract_text(text)
    assert [(f.kind, f.source, f.amount, f.project) for f in extraction.funds] == [("budget", "total", 500, 0)]


def test_a_funds_row_whose_columns_are_unknown_gives_no_budget():
    # three amounts under no recognised column header: which is the budget is not said
    text = "项目支出绩效自评表\n项目名称 | 河道综合整治工程\n年度资金总额 | 300 | 320 | 288\n"
    assert extract_text(text).funds == []


DECLARATION = """2023年度项目绩效目标申报表
项目名称 | 农村公路养护
一级指标 | 二级指标 | 三级指标 | 指标值 | 指标解释 | 评(扣)分标准
产出 | | | | |
产出指标 | 数量指标 | 养护里程 | ≥100公里 | 年内养护的农村公路里程 | 未完成按比例扣分
产出指标 | 成本指标 | 不适用 | 不适用 | |
效益指标 | 社会效益指标 | 群众出行满意度 | ≥90% | 抽样调查 | 低于目标扣分
质量 | | | | |
备注：作为导入模板，请勿修改表头 | | | | |
"""


def test_a_budget_systems_declaration_gives_no_indicator_from_not_applicable_category_note_or_explanation_cells():
    found = [(i.name, i.target_text, i.category) for i in extract_text(DECLARATION).indicators]
    assert found == [("养护里程", "≥100公里", "数量指标"), ("群众出行满意度", "≥90%", "社会效益指标")]


def test_one_stray_year_never_decides_against_what_the_document_says_many_times():
    text = "2013年度项目绩效目标申报表\n" + "".join(f"项目名称 | 项目{i}\n2023年度预算 | 10\n" for i in range(5))
    assert extract_text(text).year == 2023
    assert extract_text("2021年度项目绩效自评表\n2022年度预算 | 10\n").year == 2021  # one mention outvotes nothing


def test_a_work_summary_that_states_plans_against_results_is_kind_other_with_its_statements():
    summary = ("某镇2022年工作总结\n今年以来，我镇围绕年初目标扎实推进各项工作。"
               "全年计划新建农村公厕20座，实际完成22座；计划培训农民500人次，实际完成480人次。\n")
    extraction = extract_text(summary)
    assert extraction.kind == "other"
    assert len(extraction.indicators) >= 1
    assert not [w for w in extraction.warnings if "not found" in w and "department" not in w]


# A spreadsheet dumped onto one line with single spaces: the first rows' names and values
# came apart column by column (a merged 二级指标 cell), row 3 lost its name, and two later
# names came before their rows (one wrapped: 安全责任事故 | 起数).
NUMBERED_DUMP = (
    "东平县项目支出绩效自评表 (2022年度) 项目名称 农村道路养护 主管部门 东平县交通运输局 实施单位 东平县公路养护中心 "
    "年度 实际 指标值 完成值 指标1:养护道路里程 120公里 指标2:修复危桥 不少于5 座 8座 10次 二级指标 三级指标 "
    "指标4:路政巡查次数 分值 得分 118公里 5 4 6座 5 5 9座 5 5 12次 5 5 指标5:群众满意度 90% 95% 5 5 "
    "指标6:路面完好率 指标7:安全责任事故 起数 95% 96% 5 5 0起 0起 5 5 质量指标 指标8:养护质量合格率 100% 100% 10 10\n"
)


def test_a_dump_whose_numbered_rows_came_apart_is_put_back_by_the_numbers():
    found = [(i.name, i.target_text, i.actual_text, i.status) for i in extract_text(NUMBERED_DUMP).indicators]
    assert found == [
        ("养护道路里程", "120公里", "118公里", "not_met"),
        ("修复危桥", "不少于5座", "6座", "met"),
        ("路政巡查次数", "10次", "12次", "met"),  # row 3's 8座 / 9座 have no name: not an indicator
        ("群众满意度", "90%", "95%", "met"),
        ("路面完好率", "95%", "96%", "met"),
        ("安全责任事故起数", "0起", "0起", "met"),
        ("养护质量合格率", "100%", "100%", "met"),
    ]
