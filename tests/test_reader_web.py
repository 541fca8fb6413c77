"""The web page and Markdown readers: the page's charset, its tables'
rowspan, colspan and <th>, the site's scripts and navigation dropped, a
layout table read as the page; Markdown headings, paragraphs and pipe
tables; every block located by its line in the file."""

from __future__ import annotations

from perfkg.ingest.readers import document_from_bytes

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>政务公开</title><style>td {{ border: 1px }}</style><script>document.write("广告")</script></head>
<body>
<nav><a href="/">首页</a> | <a href="/xxgk">信息公开</a></nav>
<table width="100%"><tr><td>
<h2>2021年度某镇人民政府部门整体支出绩效自评报告</h2>
<p>　　全年预算数 3,200.50 万元，<b>执行数</b> 3,100.00 万元，
预算完成率 96.86%。</p>
<table border="1">
<tr><th>一级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th></tr>
<tr><td rowspan="2">产出指标</td><td>垃圾分类覆盖率</td><td>100%</td><td>98%</td></tr>
<tr><td>巡查次数</td><td colspan="2">12次</td></tr>
</table>
<p>第一行<br>第二行</p>
</td></tr></table>
<footer>主办单位：某区人民政府　版权所有</footer>
</body></html>
"""


def test_a_gbk_page_with_a_layout_table_around_a_data_table():
    data = PAGE.format().encode("gbk")
    document = document_from_bytes("page.htm", data)
    assert document.source.encoding == "gb18030"
    for dropped in ("首页", "广告", "政务公开", "版权所有", "border"):
        assert dropped not in document.text
    assert [b.kind for b in document.blocks] == ["heading", "paragraph", "table", "paragraph"]
    heading, paragraph, table, lines = document.blocks
    assert heading.level == 2 and heading.location.label() == "line 7"
    # Source line breaks between Chinese characters are no space; <br> is a line break.
    assert document.text[paragraph.start : paragraph.end] == "全年预算数 3,200.50 万元，执行数 3,100.00 万元，预算完成率 96.86%。"
    assert document.text[lines.start : lines.end] == "第一行\n第二行"
    assert document.text[table.start : table.end].split("\n") == [
        "一级指标\t三级指标\t年度指标值\t实际完成值", "产出指标\t垃圾分类覆盖率\t100%\t98%", "\t巡查次数\t12次"]
    cell = lambda text: next(c for c in table.cells if document.text[c.start : c.end] == text)
    assert all(c.header for c in table.row_cells(0)) and not cell("产出指标").header
    assert cell("产出指标").row_span == 2 and cell("12次").col_span == 2
    assert cell("巡查次数").location.label() == "table 1, row 3, column 2, line 13"


def test_a_page_declaring_no_charset_is_read_as_utf8_or_gb18030():
    page = "<p>预算完成率 96.86%。</p>"
    for encoding in ("utf-8", "gb18030"):
        document = document_from_bytes("page.html", page.encode(encoding))
        assert document.text == "预算完成率 96.86%。" and document.source.encoding == encoding


MARKDOWN = """# 2022年度某街道办事处部门整体支出绩效自评报告

## 一、部门基本情况

街道全年预算数 **1,000.00** 万元，
执行数 950.00 万元。

| 指标 | 年度指标值 | 实际完成值 |
|---|---|---|
| 垃圾分类覆盖率 | 100% | 98% |
| 巡查次数 | 12次 | 12 次 |

1. 一是加强组织领导。
"""


def test_markdown_headings_paragraphs_and_pipe_tables():
    document = document_from_bytes("report.md", MARKDOWN.encode("utf-8"))
    assert [b.kind for b in document.blocks] == ["heading", "heading", "paragraph", "table", "paragraph"]
    title, section, paragraph, table, item = document.blocks
    assert (title.level, section.level) == (1, 2)
    assert document.text[paragraph.start : paragraph.end] == "街道全年预算数 1,000.00 万元，\n执行数 950.00 万元。"
    assert paragraph.location.label() == "lines 5–6"
    assert document.text[table.start : table.end].split("\n") == [
        "指标\t年度指标值\t实际完成值", "垃圾分类覆盖率\t100%\t98%", "巡查次数\t12次\t12 次"]
    assert all(c.header for c in table.row_cells(0)) and not any(c.header for c in table.row_cells(1))
    assert table.row_cells(2)[0].location.label() == "table 1, row 3, column 1, line 11"
    assert document.text[item.start : item.end] == "一是加强组织领导。"


def test_a_table_caption_is_read_before_its_table():
    page = "<table><caption>表1 年度关键指标</caption><tr><th>指标</th><th>完成值</th></tr>" \
           "<tr><td>覆盖率</td><td>98%</td></tr></table>"
    document = document_from_bytes("caption.html", page.encode("utf-8"))
    assert [b.kind for b in document.blocks] == ["paragraph", "table"]
    assert document.text.split("\n")[0] == "表1 年度关键指标"
