"""The Word reader: headings by style, tables as Word stores them (cells
merged across by gridSpan and down by vMerge), every block located; and
the .docx files it must refuse."""

from __future__ import annotations

import io

from bad_files import archive_of, refused
from perfkg.ingest.readers import document_from_bytes


def word_report() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("2022年度某街道办事处部门整体支出绩效自评报告", level=0)
    document.add_heading("一、部门基本情况", level=1)
    document.add_paragraph("街道全年预算数 1,000.00 万元，执行数 950.00 万元，预算完成率 95.00%。")
    table = document.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    cells = [row.cells for row in table.rows]
    for c, text in enumerate(["一级指标", "三级指标", "年度指标值", "实际完成值"]):
        cells[0][c].text = text
    cells[1][0].text = "产出指标"
    for r, (name, target, actual) in enumerate([("垃圾分类覆盖率", "100%", "98%"), ("巡查次数", "12次", "12次")], 1):
        cells[r][1].text, cells[r][2].text, cells[r][3].text = name, target, actual
    cells[1][0].merge(cells[2][0])  # 产出指标 down over both rows (vMerge)
    cells[3][0].text = "总分"
    cells[3][0].merge(cells[3][2])  # across three columns (gridSpan)
    cells[3][3].text = "95.5"
    document.add_paragraph("存在问题：无。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_paragraphs_headings_and_merged_cells():
    document = document_from_bytes("report.docx", word_report())
    kinds = [b.kind for b in document.blocks]
    assert kinds == ["heading", "heading", "paragraph", "table", "paragraph"]
    assert document.blocks[0].level == 1 and document.blocks[1].level == 1
    assert document.blocks[2].location.label() == "paragraph 3"
    table = document.blocks[3]
    text = lambda cell: document.text[cell.start : cell.end]
    merged_down = next(c for c in table.cells if text(c) == "产出指标")
    assert (merged_down.row, merged_down.column, merged_down.row_span, merged_down.col_span) == (1, 0, 2, 1)
    merged_across = next(c for c in table.cells if text(c) == "总分")
    assert (merged_across.row, merged_across.row_span, merged_across.col_span) == (3, 1, 3)
    assert table.grid()[2][0] is merged_down and table.grid()[3][2] is merged_across
    assert merged_down.location.label() == "table 1, row 2, column 1"
    # Each row one line, a merged cell's text once.
    assert document.text[table.start : table.end].split("\n") == [
        "一级指标\t三级指标\t年度指标值\t实际完成值", "产出指标\t垃圾分类覆盖率\t100%\t98%", "\t巡查次数\t12次\t12次",
        "总分\t\t\t95.5"]
    assert document.locate(merged_down.start, merged_down.end) == "table 1, row 2, column 1"


def test_damaged_and_locked_word_files_are_refused_by_name():
    data = word_report()
    assert refused("cut.docx", data[: len(data) // 2]).startswith("damaged .docx file")
    assert refused("hollow.docx", archive_of({"[Content_Types].xml": "<Types/>"})) == "damaged .docx file: it has no word/document.xml"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)
    assert refused("locked.docx", ole).startswith("password-protected (encrypted) .docx")
