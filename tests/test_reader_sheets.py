"""The spreadsheet readers (.xlsx with openpyxl, .xls with xlrd): merged
ranges as spans located by their references, values as the sheet shows
them, a sheet cut into its title and its table; and the workbooks they must
refuse, a zip bomb dressed as .xlsx among them."""

from __future__ import annotations

import io

import pytest

from bad_files import archive_of, refused, zip_bomb
from perfkg.ingest.readers import document_from_bytes

ROWS = [["部门名称", "某街道办事处", None, None],
        ["部门资金情况", "年度预算数", 15616.28, None],
        [None, "预算完成率", 0.966, None],
        ["年度关键指标", "关键指标", "预期实现值", "指标完成情况"],
        [None, "垃圾分类覆盖率", "100%", "98%"]]


def workbook_xlsx(**extra) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "自评表"
    sheet["A1"] = "部门整体支出绩效自评表"
    sheet.merge_cells("A1:D1")
    for r, row in enumerate(ROWS, start=3):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    sheet["C4"].number_format = "#,##0.00"
    sheet["C5"].number_format = "0.00%"
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B3:D3")
    sheet.merge_cells("A6:A7")
    if extra.get("formula"):
        sheet["D4"] = "=C4*2"
    if extra.get("hidden"):
        book.create_sheet("底稿").sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_xls() -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("自评表")
    sheet.write_merge(0, 0, 0, 3, "部门整体支出绩效自评表")
    formats = {(3, 2): "#,##0.00", (4, 2): "0.00%"}
    for r, row in enumerate(ROWS, start=2):
        for c, value in enumerate(row):
            if value is None or (r, c) in ((3, 0), (5, 0), (2, 1)):
                continue
            style = xlwt.easyxf(num_format_str=formats[(r, c)]) if (r, c) in formats else xlwt.Style.default_style
            sheet.write(r, c, value, style)
    sheet.write_merge(3, 4, 0, 0, "部门资金情况")
    sheet.write_merge(2, 2, 1, 3, "某街道办事处")
    sheet.write_merge(5, 6, 0, 0, "年度关键指标")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data", [("form.xlsx", workbook_xlsx()), ("form.xls", workbook_xls())])
def test_a_form_sheet_is_its_title_and_one_table_with_merged_ranges(name, data):
    document = document_from_bytes(name, data)
    assert [b.kind for b in document.blocks] == ["paragraph", "table"]
    title, table = document.blocks
    assert document.text[title.start : title.end] == "部门整体支出绩效自评表"
    assert title.location.label() == "自评表!A1:D1"
    assert table.location.label() == "自评表!A3:D7"
    assert document.text[table.start : table.end].split("\n") == [
        "部门名称\t某街道办事处", "部门资金情况\t年度预算数\t15,616.28", "\t预算完成率\t96.60%",
        "年度关键指标\t关键指标\t预期实现值\t指标完成情况", "\t垃圾分类覆盖率\t100%\t98%"]
    text = lambda cell: document.text[cell.start : cell.end]
    funds = next(c for c in table.cells if text(c) == "部门资金情况")
    assert (funds.row, funds.column, funds.row_span) == (1, 0, 2)
    assert document.locate(funds.start, funds.end) == "自评表!A4:A5"
    rate = next(c for c in table.cells if text(c) == "96.60%")
    assert rate.location.label() == "自评表!C5"


def test_what_the_xlsx_reader_cannot_read_is_said():
    document = document_from_bytes("form.xlsx", workbook_xlsx(formula=True, hidden=True))
    assert "hidden sheet '底稿' not read" in document.warnings
    assert any("1 formula cell(s) have no computed value" in w for w in document.warnings)


def test_a_zip_bomb_dressed_as_xlsx_is_refused_unopened():
    bomb = zip_bomb()
    assert len(bomb) < 1_000_000
    problem = refused("bomb.xlsx", bomb, seconds=10)
    assert problem.startswith(".xlsx file would unpack to 210,763,787 bytes, over the limit of 209,715,200")


def test_damaged_workbooks_are_refused_by_name():
    data = workbook_xlsx()
    assert refused("cut.xlsx", data[: len(data) // 2]).startswith("damaged .xlsx file")
    assert refused("hollow.xlsx", archive_of({"xl/workbook.xml": "<not-a-workbook"})).startswith("damaged .xlsx file")
    old = workbook_xls()
    assert refused("cut.xls", old[:2000]).startswith("damaged")
    assert refused("text.xls", "部门名称\t某街道".encode() * 100).startswith("damaged")


def test_tables_side_by_side_are_cut_at_the_empty_column_between_them():
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "汇总"
    for r, (left, right) in enumerate([(("指标", "完成值"), ("项目", "金额")), (("覆盖率", "98%"), ("保洁", "12.5")),
                                       (("巡查", "12次"), ("绿化", "3.2"))], start=1):
        sheet.cell(row=r, column=1, value=left[0]), sheet.cell(row=r, column=2, value=left[1])
        sheet.cell(row=r, column=4, value=right[0]), sheet.cell(row=r, column=5, value=right[1])
    buffer = io.BytesIO()
    book.save(buffer)
    document = document_from_bytes("side.xlsx", buffer.getvalue())
    tables = [b for b in document.blocks if b.kind == "table"]
    assert [t.location.label() for t in tables] == ["汇总!A1:B3", "汇总!D1:E3"]
    assert document.text[tables[1].start : tables[1].end].split("\n") == ["项目\t金额", "保洁\t12.5", "绿化\t3.2"]


def test_a_budget_systems_workbook_is_one_section_per_sheet_located_by_sheet_and_range(tmp_path):
    from budget_workbook import budget_workbook
    from perfkg.ingest.pipeline import extract_file

    book = budget_workbook(tmp_path / "targets.xlsx")
    document = document_from_bytes("targets.xlsx", book.path.read_bytes())
    headings = [b for b in document.blocks if b.kind == "heading"]
    assert [document.text[h.start : h.end] for h in headings] == [p.sheet for p in book.projects]
    assert all(h.location.label() == p.sheet for h, p in zip(headings, book.projects))
    # Every block after a sheet's heading is that sheet's, located by its cells.
    for heading, following in zip(headings, headings[1:] + [None]):
        end = following.start if following is not None else len(document.text)
        sheet = document.text[heading.start : heading.end]
        inside = [b for b in document.blocks if heading.end < b.start < end]
        assert inside and all(b.location.sheet == sheet for b in inside)
        # The title and the template's note are paragraphs; the form between them is one grid.
        assert [(b.kind, b.location.label()) for b in inside] == [
            ("paragraph", f"{sheet}!A1:G1"), ("table", f"{sheet}!A2:G18"), ("paragraph", f"{sheet}!A19:G19")]
    extraction = extract_file(book.path)
    assert sorted(p.name for p in extraction.projects) == sorted(p.name for p in book.projects)


def test_a_workbook_of_one_sheet_has_no_section_heading():
    document = document_from_bytes("form.xlsx", workbook_xlsx())
    assert not any(b.kind == "heading" for b in document.blocks)


def test_a_budget_systems_twenty_project_export_gives_each_sheets_project_its_real_indicators_only(tmp_path):
    from budget_workbook import budget_workbook
    from perfkg.ingest.pipeline import extract_file

    workbook = budget_workbook(tmp_path / "export.xlsx", sheets=20, typo_sheet=7)
    extraction = extract_file(tmp_path / "export.xlsx")
    assert extraction.year == workbook.year  # one sheet's typo (2013) does not decide
    assert sorted(p.name for p in extraction.projects) == sorted(p.name for p in workbook.projects)
    found = sorted((extraction.projects[i.project].name, i.name) for i in extraction.indicators)
    assert found == sorted((p.name, name) for p in workbook.projects for name in p.indicators)
