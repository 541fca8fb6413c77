"""The PDF reader on PDFs drawn here as government PDFs are: ruled tables
running across pages with their header repeated and a row cut by the page
break, paragraphs cut by it, page numbers; and the PDFs it must refuse."""

from __future__ import annotations

import html
import io

from bad_files import FONT, encrypted_pdf, many_pages, png, refused, register_font, scanned_pdf
from perfkg.ingest.pipeline import extract_document
from perfkg.ingest.readers import document_from_bytes

HEADER = ["一级指标", "二级指标", "三级指标", "分值", "得分"]
LONG = ("该项指标反映街道年度重点工作任务的完成情况，" * 30) + "全部按期完成。"


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    register_font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK", firstLineIndent=22)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    return body, cell


def _pdf(story_of) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    body, cell = _styles()
    buffer = io.BytesIO()

    def page_number(canvas, document):
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 25, f"- {document.page} -")

    SimpleDocTemplate(buffer, pagesize=A4).build(story_of(body, cell), onFirstPage=page_number,
                                                 onLaterPages=page_number)
    return buffer.getvalue()


def _score_table(cell, rows: list[list[str]]):
    from reportlab.platypus import Paragraph, Table, TableStyle

    data = [[Paragraph(html.escape(t), cell) for t in row] for row in [HEADER, *rows]]
    table = Table(data, colWidths=[70, 70, 220, 45, 45], repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _rows(n: int) -> list[list[str]]:
    return [["产出指标", "数量指标", f"完成第{i}项工作任务的数量", "5", f"{4 + i % 2}"] for i in range(1, n + 1)]


def two_page_table() -> bytes:
    """A title, a paragraph, then a score table that runs onto the next page,
    where a long row is cut by the page break and the header is repeated."""
    from reportlab.platypus import Paragraph, Spacer

    def story(body, cell):
        return [Paragraph("2022年度某街道办事处部门整体支出绩效自评报告", body), Spacer(1, 300),
                Paragraph("表1 部门整体支出绩效自评得分表", body),
                _score_table(cell, _rows(8) + [["效益指标", "社会效益指标", LONG, "10", "9.5"]] + _rows(3))]

    return _pdf(story)


def test_a_table_across_two_pages_is_one_grid_with_its_header_once_and_the_cut_row_whole():
    document = document_from_bytes("score.pdf", two_page_table())
    tables = [b for b in document.blocks if b.kind == "table"]
    assert len(tables) == 1
    table = tables[0]
    assert table.location.page == 1 and table.location.end_page == 2
    grid = table.grid()
    texts = [[document.text[c.start : c.end] for c in table.row_cells(r)] for r in range(table.n_rows)]
    assert texts[0] == HEADER and all(c.header for c in table.row_cells(0))
    assert sum(row == HEADER for row in texts) == 1, "the repeated header is read once"
    assert len(texts) == 1 + 8 + 1 + 3
    long_row = texts[9]
    assert long_row[:2] == ["效益指标", "社会效益指标"] and long_row[2] == LONG and long_row[3:] == ["10", "9.5"]
    cut = table.row_cells(9)[2]
    assert {cut.location.page} == {1}  # located where it starts
    assert [document.text[c.start : c.end] for c in table.row_cells(10)][2] == "完成第1项工作任务的数量"
    assert len(grid) == 13 and all(len(row) == 5 for row in grid)
    # A row is one line of the text, its cells between tabs.
    assert document.text[table.start : table.end].split("\n")[9] == "\t".join(long_row)


def test_the_page_break_cuts_no_paragraph_and_page_numbers_are_left_out():
    from reportlab.platypus import Paragraph, Spacer

    sentence = "街道持续推进生活垃圾分类工作，年度指标值为 95%，实际完成 97.5%，完成率达到预期目标。"

    def story(body, cell):
        return [Paragraph("一、部门基本情况", body), Spacer(1, 600), Paragraph(sentence * 4, body),
                Paragraph("二、存在的主要问题", body)]

    document = document_from_bytes("cut.pdf", _pdf(story))
    assert "- 1 -" not in document.text and "- 2 -" not in document.text
    cut = next(b for b in document.blocks if sentence[:10] in document.text[b.start : b.end])
    assert cut.kind == "paragraph"
    assert cut.location.page == 1 and cut.location.end_page == 2
    assert cut.location.label().startswith("p. 1, line") and "– p. 2, line" in cut.location.label()
    assert "".join(document.text[cut.start : cut.end].split()) == "".join((sentence * 4).split())
    headings = [document.text[b.start : b.end] for b in document.blocks if b.kind == "line"]
    assert headings == ["一、部门基本情况", "二、存在的主要问题"]


def test_a_pdf_report_is_extracted_with_located_evidence():
    document = document_from_bytes("score.pdf", two_page_table())
    extraction = extract_document(document)
    assert extraction.year == 2022
    assert len(extraction.score_items) >= 12
    for item in extraction.score_items:
        assert document.text[item.evidence.start : item.evidence.end] == item.evidence.text
        assert item.evidence.location.startswith("p. ")


# -- PDFs refused ---------------------------------------------------------------


def test_a_blank_scan_is_refused_saying_ocr_found_nothing():
    assert refused("scan.pdf", scanned_pdf()) == "no text layer, and OCR found no text (a blank or unreadable scan)"


def test_an_encrypted_pdf_isrefused():
    assert "encrypted PDF (password-protected)" in refused("locked.pdf", encrypted_pdf())


def test_a_damaged_pdf_isrefused():
    data = two_page_table()
    assert "damaged PDF" in refused("broken.pdf", data[: len(data) // 3])
    assert "damaged PDF" in refused("notapdf.pdf", b"%PDF-1.7\n" + b"garbage " * 200)


def test_a_500_page_pdf_is_refused_by_the_page_limit(monkeypatch):
    problem = refused("long.pdf", many_pages(500))
    assert problem == "500 pages, over the limit of 300 (PERFKG_MAX_PDF_PAGES)"
    monkeypatch.setenv("PERFKG_MAX_PDF_PAGES", "600")
    assert document_from_bytes("long.pdf", many_pages(500)).source.pages == 500


def test_reading_time_is_bounded(monkeypatch):
    monkeypatch.setenv("PERFKG_MAX_READ_SECONDS", "0")
    assert "reading took over 0 s, at page 1 of 2 (PERFKG_MAX_READ_SECONDS)" in refused(
        "slow.pdf", two_page_table())


def test_a_span_inside_a_paragraph_is_located_by_its_own_lines():
    from reportlab.platypus import Paragraph

    sentences = ["第一句说明街道的基本情况和年度工作安排，内容较长需要换行显示。",
                 "第二句说明生活垃圾分类覆盖率年度指标值为 95%，实际完成 97.5%。",
                 "第三句说明存在的问题和下一步改进措施，同样较长需要换行。"]
    document = document_from_bytes("lines.pdf", _pdf(lambda body, cell: [Paragraph("".join(sentences), body)]))
    paragraph = document.blocks[0]
    assert paragraph.kind == "paragraph" and paragraph.location.line == 1 and paragraph.location.end_line >= 3
    text = document.text
    start = text.index("第二句")
    end = text.index("97.5%") + len("97.5%")
    first = 1 + text.count("\n", 0, start)
    last = 1 + text.count("\n", 0, end - 1)
    expected = f"p. 1, line {first}" if first == last else f"p. 1, lines {first}–{last}"
    assert document.locate(start, end) == expected
    assert document.locate(paragraph.start, paragraph.end) == paragraph.location.label()


def test_a_scan_with_a_stamps_words_in_its_text_layer_is_still_a_scan_and_read_by_ocr():
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    register_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawImage(ImageReader(io.BytesIO(png())), 30, 30, 530, 780)
    page.setFont(FONT, 9)
    page.drawString(400, 400, "某区财政局（盖章）")
    page.showPage()
    page.save()
    document = document_from_bytes("stamped.pdf", buffer.getvalue())
    assert any("read by OCR" in warning for warning in document.warnings)
    assert "盖章" in document.text and document.blocks[0].location.confidence is not None
