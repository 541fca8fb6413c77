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
