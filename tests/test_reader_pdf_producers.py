"""PDFs whatever made them: the example reports exported by LibreOffice from
Word documents (flush-left paragraphs set apart by spacing, numbers in
another font than the Chinese, table rows the page break cuts with their
borders drawn closed) and drawn by reportlab with and without first-line
indentation and ruling lines give the facts their .txt gives."""

from __future__ import annotations

import html
import io
import json
import shutil
from pathlib import Path

import pytest

from bad_files import FONT, register_font
from conftest import GOLD, ROOT, SHARED_REPORTS
from perfkg.ingest.evaluate import evaluate_folder
from perfkg.ingest.pipeline import extract_file
from perfkg.ingest.readers import document_from_bytes, read_document
from renditions import blocks_of, to_pdf

LIBREOFFICE = ROOT / "tests" / "producers" / "libreoffice"


def _gold_for(folder: Path, suffix: str, stems: tuple[str, ...] | None = None) -> Path:
    """The gold files, naming the reports of `folder` (same stems, this suffix), in folder/gold."""
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD}")
    gold = folder / "gold"
    gold.mkdir(parents=True, exist_ok=True)
    for path in sorted(GOLD.glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        if stems is not None and not entry["file"].startswith(stems):
            continue
        entry["file"] = Path(entry["file"]).with_suffix(suffix).name
        (gold / path.name).write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    return gold


def _facts(entry: dict) -> tuple:
    summary = entry["summary"]
    return summary["facts"]["correct"], summary["facts"]["total"], summary["indicators"]["matched"]


def test_libreoffice_pdfs_give_the_facts_of_their_text(tmp_path):
    result = evaluate_folder(_gold_for(tmp_path, ".pdf"), LIBREOFFICE)
    by_stem = {Path(e["file"]).stem: e for e in result["reports"]}
    text = evaluate_folder(GOLD, SHARED_REPORTS)
    for entry in text["reports"]:
        stem = Path(entry["file"]).stem
        assert _facts(by_stem[stem]) == _facts(entry), stem  # self score, offices, funds, measures, ...
    overall = result["overall"]["indicators"]
    assert overall["matched"] == overall["gold"] == 125
    # One row the page break cuts in a form (a cell's text wrapping onto
    # the next page under a merged cell, no number in it) cannot be told
    # from a new row by its geometry: read as one, it is one extra indicator.
    assert overall["extracted"] <= overall["gold"] + 1
    report = extract_file(LIBREOFFICE / "004_a0655f5b282921e2.pdf")
    assert report.self_score == 88.51
    assert len(report.offices) == 9


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_committed_libreoffice_pdf_is_what_libreoffice_makes_today(tmp_path):
    from producers.make_libreoffice_pdfs import libreoffice_pdf

    fresh = libreoffice_pdf(SHARED_REPORTS / "004_a0655f5b282921e2.txt", tmp_path)
    assert read_document(fresh).text == read_document(LIBREOFFICE / fresh.name).text


@pytest.mark.parametrize("indent", [True, False], ids=["indented", "flush"])
@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_reportlab_pdfs_with_or_without_indent_and_ruling_read_as_the_text(tmp_path, indent, ruled):
    stems = ("000", "004")
    gold = _gold_for(tmp_path, ".pdf", stems)
    for stem in ("000_594efdd38f19f6dd", "004_a0655f5b282921e2"):
        to_pdf(blocks_of(SHARED_REPORTS / f"{stem}.txt"), tmp_path / f"{stem}.pdf", indent=indent, ruled=ruled)
    result = evaluate_folder(gold, tmp_path)
    text = evaluate_folder(GOLD, SHARED_REPORTS)
    expected = {Path(e["file"]).stem: _facts(e) for e in text["reports"] if e["file"].startswith(stems)}
    assert {Path(e["file"]).stem: _facts(e) for e in result["reports"]} == expected
    assert result["overall"]["indicators"]["f1"] == 1.0


def test_the_form_with_its_tables_set_without_ruling_lines_gives_its_indicators(tmp_path):
    """Report 002, a form of dense tables over twelve pages, drawn without
    lines: rows cut by page breaks, a header repeated on every page over
    a cell's text running on, closing marks hanging past a column's edge."""
    gold = _gold_for(tmp_path, ".pdf", ("002",))
    to_pdf(blocks_of(SHARED_REPORTS / "002_cbf94105f3fe6078.txt"), tmp_path / "002_cbf94105f3fe6078.pdf", ruled=False)
    indicators = evaluate_folder(gold, tmp_path)["overall"]["indicators"]
    assert indicators["matched"] == indicators["gold"] == 93
    # One row a page break cuts inside its amount (78|0.92) is read as two: one extra indicator.
    assert indicators["extracted"] <= indicators["gold"] + 1
    assert indicators["status_accuracy"] == 1.0


def _unruled_table_pdf() -> bytes:
    """A paragraph, then a table set without lines whose long cells wrap, then a paragraph."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    register_font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK", spaceAfter=8)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    rows = [["一级指标", "三级指标", "年度指标值", "实际完成值"],
            ["产出指标", "生活垃圾分类覆盖率，按街道统计口径计算的居民小区覆盖比例", "≥95%", "97.5%"],
            ["效益指标", "群众满意度", "≥90%", "93%"]]
    table = Table([[Paragraph(html.escape(t), cell) for t in row] for row in rows], colWidths=[70, 150, 70, 70])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([Paragraph("表1 绩效指标完成情况", body), table,
                                                   Paragraph("以上指标均按期完成。", body)])
    return buffer.getvalue()


def test_a_table_without_ruling_lines_is_a_grid_from_where_its_words_stand():
    document = document_from_bytes("unruled.pdf", _unruled_table_pdf())
    assert [b.kind for b in document.blocks] == ["line", "table", "line"]
    table = document.blocks[1]
    rows = [[document.text[c.start : c.end] for c in table.row_cells(r)] for r in range(table.n_rows)]
    assert rows == [["一级指标", "三级指标", "年度指标值", "实际完成值"],
                    ["产出指标", "生活垃圾分类覆盖率，按街道统计口径计算的居民小区覆盖比例", "≥95%", "97.5%"],
                    ["效益指标", "群众满意度", "≥90%", "93%"]]
    assert table.row_cells(1)[1].location.page == 1 and table.row_cells(1)[1].location.bbox is not None


def test_a_label_the_line_wraps_is_one_word_again():
    """自评得|分: the label a flush-left paragraph's line break cut reads whole."""
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle

    register_font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK", spaceAfter=8)
    # 37 characters fill the line, so 自评得 ends it and 分 starts the next.
    text = "从评价情况来看，我街较好完成了年度履行职能职责和各项重点工作任务，部门绩效自评得分 88.51 分，其中管理效能自评得分 31.5 分。"
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=72, rightMargin=72).build(
        [Paragraph("（一）自评结论综述。", body), Paragraph(text, body), Paragraph("（二）存在的问题。", body)])
    document = document_from_bytes("wrapped.pdf", buffer.getvalue())
    paragraph = next(b for b in document.blocks if "我街" in document.text[b.start : b.end])
    assert paragraph.kind == "paragraph" and "\n" in document.text[paragraph.start : paragraph.end]
    assert "".join(document.text[paragraph.start : paragraph.end].split()) == "".join(text.split())
