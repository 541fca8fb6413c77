"""One indicator table in every text layout of GUIDE §5, each written here by
hand, read by the one interpreter: the same indicators, targets, actuals,
statuses and categories whatever the layout."""

import pytest

from perfkg.ingest.document import Table
from perfkg.ingest.pipeline import extract_text, text_as_document

# The national form's indicator table, three rows: a merged 一级/二级 cell
# printed once, a ceiling (成本), a target missed.
EXPECTED = [
    ("学生受资助人数", "产出指标", "数量指标", "≥735人次", "735人次", "met"),
    ("生均补助成本", "产出指标", "成本指标", "≤1000元", "980元", "met"),
    ("家长满意度", "满意度指标", "服务对象满意度指标", "≥95%", "93%", "not_met"),
]

LAYOUTS = {
    "tab": (
        "项目支出绩效自评表\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
        "产出指标\t数量指标\t学生受资助人数\t≥735人次\t735人次\t10\t10\n"
        "\t成本指标\t生均补助成本\t≤1000元\t980元\t10\t10\n"
        "满意度指标\t服务对象满意度指标\t家长满意度\t≥95%\t93%\t10\t8\n",
        "tab",
    ),
    "pipe_row": (
        "项目支出绩效自评表\n"
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分\n"
        "产出指标 | 数量指标 | 学生受资助人数 | ≥735人次 | 735人次 | 10 | 10\n"
        "成本指标 | 生均补助成本 | ≤1000元 | 980元 | 10 | 10\n"
        "满意度指标 | 服务对象满意度指标 | 家长满意度 | ≥95% | 93% | 10 | 8\n",
        "pipe_row",
    ),
    "markdown": (
        "项目支出绩效自评表\n\n"
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
        "| 产出指标 | 数量指标 | 学生受资助人数 | ≥735人次 | 735人次 | 10 | 10 |\n"
        "| 成本指标 | 生均补助成本 | ≤1000元 | 980元 | 10 | 10 |\n"
        "| 满意度指标 | 服务对象满意度指标 | 家长满意度 | ≥95% | 93% | 10 | 8 |\n",
        "pipe_row",
    ),
    "pipe_cell": (
        "项目支出绩效自评表 |\n||||||||\n"
        "一级指标 |\n二级指标 |\n三级指标 |\n年度指标值 |\n实际完成值 |\n分值 |\n得分 |\n||||||||\n"
        "产出指标 |\n数量指标 |\n学生受资助人数 |\n≥735人次 |\n735人次 |\n10 |\n10 |\n||||||||\n"
        "成本指标 |\n生均补助成本 |\n≤1000元 |\n980元 |\n10 |\n10 |\n||||||||\n"
        "满意度指标 |\n服务对象满意度指标 |\n家长满意度 |\n≥95% |\n93% |\n10 |\n8 |\n||||||||\n",
        "pipe_cell",
    ),
    "padded_pipe": (
        "项目支出绩效自评表\n"
        "|   一级指标\n        | \n     二级指标\n        | \n     三级指标\n        | \n     年度指标值\n"
        "        | \n     实际完成值\n        | \n  ||||\n"
        "|   产出指标\n        | \n     数量指标\n        | \n     学生受资助人数\n        | \n     ≥735人次\n"
        "        | \n     735人次\n        | \n  ||||\n"
        "|   产出指标\n        | \n     成本指标\n        | \n     生均补助成本\n        | \n     ≤1000元\n"
        "        | \n     980元\n        | \n  ||||\n"
        "|   满意度指标\n        | \n     服务对象满意度指标\n        | \n     家长满意度\n        | \n     ≥95%\n"
        "        | \n     93%\n        | \n  ||||\n",
        "pipe_cell",
    ),
    "blank_line_cells": (
        "项目支出绩效自评表\n\n一级指标\n\n二级指标\n\n三级指标\n\n年度指标值\n\n实际完成值\n\n"
        "产出指标\n\n数量指标\n\n学生受资助人数\n\n≥735人次\n\n735人次\n\n"
        "成本指标\n\n生均补助成本\n\n≤1000元\n\n980元\n\n"
        "满意度指标\n\n服务对象满意度指标\n\n家长满意度\n\n≥95%\n\n93%\n",
        "blank_line_cells",
    ),
    "space_row": (
        "项目支出绩效自评表\n"
        "一级指标 二级指标 三级指标 年度指标值 实际完成值\n"
        "产出指标 数量指标 学生受资助人数 ≥735人次 735人次\n"
        "成本指标 生均补助成本 ≤1000元 980元\n"
        "满意度指标 服务对象满意度指标 家长满意度 ≥95% 93%\n"
        "总分 100 95\n"
        "其他说明 无\n",
        "space_row",
    ),
    "space_dump": (
        "项目支出绩效自评表 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 产出指标 数量指标 "
        "学生受资助人数 ≥735人次 735人次 10 10 成本指标 生均补助成本 ≤1000元 980元 10 10 满意度指标 "
        "服务对象满意度指标 家长满意度 ≥95% 93% 10 8\n",
        "space_dump",
    ),
    # A Word preview copied with no separator at all: cells cut at the form's words and values.
    "glued": (
        "项目支出绩效自评表(2021年度)一级指标二级指标三级指标年度 指标值实际 完成值分 值得 分产出指标数量指标学生受资助人数"
        "≥735人次735人次1010成本指标生均补助成本≤1000元980元1010满意度指标服务对象满意度指标家长满意度≥95%93%108\n",
        "glued",
    ),
    # Operator, value and unit in cells of their own, under a header of two
    # rows flattened onto one line (年度指标值 over 指标性质 | 指标值 | 度量单位).
    "flattened_header": (
        "项目支出绩效自评表\n"
        "| 年度指标值 | 实际完成值 | 分值 | 得分 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 |\n"
        "| 产出指标 | 数量指标 | 学生受资助人数 | ≥ | 735 | 人次 | 735人次 | 10 | 10 |\n"
        "| 成本指标 | 生均补助成本 | ≤ | 1000 | 元 | 980元 | 10 | 10 |\n"
        "| 满意度指标 | 服务对象满意度指标 | 家长满意度 | ≥ | 95 | % | 93% | 10 | 8 |\n",
        "pipe_row",
    ),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_the_same_indicators(layout):
    text, table_layout = LAYOUTS[layout]
    document = text_as_document(text)
    assert table_layout in {b.layout for b in document.blocks if isinstance(b, Table)}
    found = [(i.name, i.level1, i.level2, i.target_text, i.actual_text, i.status)
             for i in extract_text(text).indicators]
    assert found == EXPECTED


def test_the_indicator_keeps_its_scores_and_its_row_as_evidence():
    text, _ = LAYOUTS["pipe_row"]
    extraction = extract_text(text)
    satisfaction = extraction.indicators[2]
    assert (satisfaction.max_score, satisfaction.score, satisfaction.category) == (10, 8, "服务对象满意度指标")
    assert satisfaction.evidence.text == "满意度指标 | 服务对象满意度指标 | 家长满意度 | ≥95% | 93% | 10 | 8"
    assert satisfaction.evidence.location == "line 5"


def test_a_deviation_reason_is_kept():
    text = ("项目支出绩效自评表\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t偏差原因分析及改进措施\n"
            "产出指标\t数量指标\t培训人次\t≥500人次\t420人次\t受疫情影响，部分培训改为线上\n")
    indicator = extract_text(text).indicators[0]
    assert (indicator.status, indicator.deviation_reason) == ("not_met", "受疫情影响，部分培训改为线上")


def test_a_row_named_by_its_category_is_read():
    # The page starts below the header; the 时效 and 成本 rows hold a value where the name would be.
    text = ("| 产出指标 | 质量指标 | 设施达标率 | 95% | 98% |\n"
            "| 产出指标 | 时效指标 | 2020年 | 2020年 | 2020年 |\n"
            "| 产出指标 | 成本指标 | 100万 | 100万 | 100万 |\n")
    names = [(i.name, i.status) for i in extract_text(text).indicators]
    assert names == [("设施达标率", "met"), ("时效指标", "met"), ("成本指标", "met")]


def test_traditional_characters_are_read_and_kept_as_written_without_their_glosses():
    # A mirror's pinyin glosses are left out of values like markup; the evidence quotes them.
    text = ("項目支出績效自評表\n一級指標 | 二級指標 | 三級指標 | 年度指標值 | 實際完成值\n"
            "產出指標 | 數量指標 | 改造戶(hù)數 | 大于等于85戶(hù) | 40戶(hù)\n")
    indicator = extract_text(text).indicators[0]
    assert (indicator.name, indicator.target_text, indicator.status) == ("改造戶數", "大于等于85戶", "not_met")
    assert indicator.level2 == "數量指標"
    assert indicator.evidence.text == "產出指標 | 數量指標 | 改造戶(hù)數 | 大于等于85戶(hù) | 40戶(hù)"


def test_a_date_is_a_value_never_a_name():
    # A 时效 row with its dates, one cell a line, and a score the header has no column for.
    text = ("项目支出绩效自评表\n\n一级指标\n\n二级指标\n\n三级指标\n\n年度指标值\n\n实际完成值\n\n"
            "产出指标\n\n时效指标\n\n指标1:整体完成时间\n\n2021年12月31日\n\n2021年12月31日\n\n5\n\n"
            "效益指标\n\n社会效益指标\n\n指标1:群众满意度\n\n≥90%\n\n95%\n\n5\n")
    found = [(i.name, i.target_text, i.actual_text, i.status) for i in extract_text(text).indicators]
    assert found == [("整体完成时间", "2021年12月31日", "2021年12月31日", "met"), ("群众满意度", "≥90%", "95%", "met")]
