"""Scans read by OCR, offline (RapidOCR's models ship in its wheel): a page
image and a scanned PDF (a LibreOffice PDF of a report rasterised at 150
dpi, skewed and speckled) are read into the document model, located by page
and box with OCR's confidence, and the report's indicators come out."""

from __future__ import annotations

import subprocess
import sys

from conftest import GOLD, ROOT
from perfkg.ingest.evaluate import evaluate_folder
from perfkg.ingest.readers import document_from_bytes
from scans import scanned_png, scans_for_eval

LIBREOFFICE = ROOT / "tests" / "producers" / "libreoffice"
REPORT = LIBREOFFICE / "004_a0655f5b282921e2.pdf"


def test_a_page_image_is_read_by_ocr_into_located_lines_with_their_confidence():
    document = document_from_bytes("page1.png", scanned_png(REPORT, 1, skew=0.8))
    text = "".join(document.text.split())
    assert "荔城街道办事处2021年部门整体支出绩效自评报告" in text
    assert "宣传贯彻落实党和国家各项方针政策" in text
    assert document.source.format == "png" and document.source.pages == 1
    for block in document.blocks:
        location = block.location
        assert location.kind == "image" and location.page == 1 and len(location.bbox) == 4
        assert 0 < location.confidence <= 1
    assert "OCR" in document.locate(document.blocks[0].start, document.blocks[0].end)
    assert any("read by OCR" in warning for warning in document.warnings)


def test_a_scanned_report_gives_its_indicators(tmp_path):
    gold = scans_for_eval(LIBREOFFICE, GOLD, tmp_path, stems=("004",))
    result = evaluate_folder(gold, tmp_path / "reports")
    (entry,) = result["reports"]
    assert entry["summary"]["indicators"]["f1"] >= 0.9
    assert entry["summary"]["indicators"]["status_accuracy"] == 1.0
    assert result["overall"]["facts"]["by_kind"]["self_score"]["correct"] == 1
    # Its funds (82,912.04 read with a full-width comma) and its nine offices,
    # in lines the angle classifier used to turn upside down and drop.
    assert entry["summary"]["facts"]["correct"] >= 24


def test_without_the_ocr_extra_a_scan_is_refused_naming_it(tmp_path):
    scan = tmp_path / "page.png"
    scan.write_bytes(scanned_png(REPORT, 1))
    # The OCR package made unimportable in a fresh interpreter: as where it is not installed.
    program = ("import sys; sys.modules['rapidocr_onnxruntime'] = None\n"
               "from perfkg.ingest.errors import IngestError\n"
               "from perfkg.ingest.readers import read_document\n"
               "try:\n    read_document(sys.argv[1])\n"
               "except IngestError as error:\n    print(error.problem)\n")
    done = subprocess.run([sys.executable, "-c", program, str(scan)], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "an image: perfkg reads it by OCR, which is not installed (pip install 'perfkg[ocr]')"


def test_a_scanned_tables_ruling_lines_give_its_cells_as_a_pdf_tables_do():
    """A photograph of the top of a ruled form (a LibreOffice PDF's page
    scanned with a skew, cropped): the grid its lines draw is the table,
    each text in its cell, a cell merged down the rows read once."""
    form = LIBREOFFICE / "002_cbf94105f3fe6078.pdf"
    document = document_from_bytes("form.png", scanned_png(form, 1, skew=0.8, crop=(40, 160, 560, 350)))
    (table,) = [b for b in document.blocks if b.kind == "table"]
    rows = [[document.text[c.start : c.end] for c in table.row_cells(r)] for r in range(table.n_rows)]
    assert rows[0][:3] == ["部门名称", "", "广州市黄埔区人民政府文冲街道办事处"]
    assert rows[1][:5] == ["部门资金情况", "整体支出年度预算数", "15,616.28", "整体支出年初预算数", "14,706.12"]
    assert rows[2][:4] == ["实际支出数", "15,084.89", "年度调整额", "910.16"]
    assert rows[4][:4] == ["预算完成率", "96.60%", "预算调整率", "6.19%"]
    merged = table.row_cells(1)[0]
    assert merged.row_span == 4 and [c.column for c in table.row_cells(2)][:2] == [1, 2]
    assert merged.location.page == 1 and len(merged.location.bbox) == 4 and 0 < merged.location.confidence <= 1
    # The row the photograph cuts is no cell: its text is read as lines.
    assert table.n_rows == 6 and any(b.kind == "line" for b in document.blocks)
