"""The normaliser: cut lines joined, tables as tab rows, every clean character
traced to the document's text."""

from perfkg.ingest.pipeline import text_as_document
from perfkg.ingest.text import Text, collapse_ws, should_join


def Text_of(raw: str) -> Text:  # noqa: N802 - reads as the constructor it wraps
    return Text(text_as_document(raw))


def test_the_text_reader_drops_markup_and_clean_positions_point_into_its_text():
    text = Text_of("<p>完成率</p> **131%**")
    assert text.raw == "完成率 131%"
    assert text.clean == "完成率 131%"
    start = text.clean.index("131")
    assert text.raw_span(start, start + 4) == "131%"


def test_a_word_cut_by_a_page_break_is_joined():
    text = Text_of("提高广大党员的科学文化素质，坚\n\n持思想政治工作与关心群众生活相结合。\n")
    assert text.clean == "提高广大党员的科学文化素质，坚持思想政治工作与关心群众生活相结合。"
    # the evidence is the document's text across the break, verbatim
    assert text.raw_span(0, len(text.clean)) == "提高广大党员的科学文化素质，坚\n\n持思想政治工作与关心群众生活相结合。"


def test_a_heading_is_not_joined_to_the_paragraph_after_it():
    text = Text_of("1. 产业创新发展，推动经济高质量发展\n\n2021 年 1-12 月，规上工业总产值 2.37 亿元。\n")
    assert [text.clean[b.start : b.end] for b in text.blocks] == [
        "1. 产业创新发展，推动经济高质量发展",
        "2021 年 1-12 月，规上工业总产值 2.37 亿元。",
    ]


def test_a_heading_cut_inside_a_word_is_joined():
    text = Text_of("（二）聚焦促进区域发展，在推动产业创新发展上下功\n\n夫。推动各类项目集聚。\n")
    assert len(text.blocks) == 1
    assert "上下功夫。" in text.clean


def test_sentence_ends_and_numbered_items_keep_paragraphs_apart():
    assert not should_join("按时完成全年任务。", "下一段开始")
    assert not should_join("负责辖区内的环境卫生工作", "（三）下一项")
    assert not should_join("存在以下问题", "一是经济恢复的基础仍不牢固")
    assert should_join("开展活动共计", "124 次，参与群众 3700 人次。")
    assert should_join("力争 2023 年一季度实现首开区动工建设，", "10 月份前东基幼儿园进入实质性建设阶段。")


def test_hard_wrapped_lines_without_blank_lines_are_joined_too():
    text = Text_of("街道党工委坚持以习近平新时代中国特色社会主义思想为指导，\n全面贯彻落实党的二十大精神。\n二、下一节\n")
    assert [text.clean[b.start : b.end] for b in text.blocks][0].endswith("党的二十大精神。")
    assert len(text.blocks) == 2


def test_tab_rows_make_a_table_with_cells_and_offsets():
    raw = "表 1\n序号\t任务名称\t任务绩效目标\n任务一\t促进区域发展。\t通过本项目实施\n\n\t\t按照上级部门部署\n"
    text = Text_of(raw)
    tables = [b for b in text.blocks if b.kind == "table"]
    assert len(tables) == 1
    rows = tables[0].rows
    assert [r.texts for r in rows] == [
        ["序号", "任务名称", "任务绩效目标"],
        ["任务一", "促进区域发展。", "通过本项目实施"],
        ["", "", "按照上级部门部署"],
    ]
    cell = rows[1].cells[1]
    assert text.clean[cell.start : cell.end] == "促进区域发展。"


def test_full_width_digits_and_brackets_are_half_width_in_norm_only():
    text = Text_of("（一）完成率１３１％")
    assert text.clean == "（一）完成率１３１％"
    assert text.norm == "(一)完成率131%"


def test_collapse_ws():
    assert collapse_ws(" a \n\n b\tc ") == "a b c"
