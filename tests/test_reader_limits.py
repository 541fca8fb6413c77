"""Files of a few kilobytes that ask a reader for gigabytes: each refused,
naming the file and the limit, before the reader makes what they ask for."""

import os

import pytest

from perfkg.ingest.readers import document_from_bytes
from perfkg.ingest.readers.pdf_limits import MAX_PAGE_CONTENT_BYTES, MAX_STREAM_BYTES
from perfkg.ingest.readers.sheet import MAX_MERGED_CELLS, MAX_SHEET_CELLS, MAX_SHEET_ROWS
from perfkg.ingest.runner import ingest
from perfkg.ingest.workers import Budget

from bad_files import docx_of, pdf_drawing, refused, xls_merging_the_whole_sheet, xlsx_of
from conftest import report_path


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _docx_table(row: str) -> bytes:
    return docx_of(f"<w:tbl><w:tr>{row}</w:tr></w:tbl>")


# name -> (the file, what its refusal says). Each asked the review's machine for gigabytes or hours.
PROBES = {
    # 1 KB .docx: hours
    "span.docx": (lambda: _docx_table('<w:tc><w:tcPr><w:gridSpan w:val="1000000000000"/></w:tcPr><w:p/></w:tc>'),
                  "a table's gridSpan is 1,000,000,000,000 columns, over the limit of 1,000"),
    # 59 s, 4 GB
    "before.docx": (lambda: _docx_table('<w:trPr><w:gridBefore w:val="200000000"/></w:trPr><w:tc><w:p/></w:tc>'),
                    "a table's gridBefore is 200,000,000 columns, over the limit of 1,000"),
    # 1.7 KB: 105 s, 3.6 GB
    "merged.xlsx": (lambda: xlsx_of("<sheetData><row r=\"1\">" + _inline("A1", "自评表") + "</row></sheetData>"
                                    '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'),
                    f"merged ranges cover 17,179,869,184 cells, over the limit of {MAX_MERGED_CELLS:,}"),
    # > 120 s
    "rows.xlsx": (lambda: xlsx_of("<sheetData>" + "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>'
                                                          for n in range(1, 200_001)) + "</sheetData>"),
                  f"over {MAX_SHEET_ROWS:,} rows, the limit"),
    "cells.xlsx": (lambda: xlsx_of("<sheetData>" + "".join(
        f'<row r="{n}">' + "".join(f'<c r="{c}{n}"><v>1</v></c>' for c in "ABCDEFGHIJKLMNOPQRST") + "</row>"
        for n in range(1, 60_001)) + "</sheetData>"), f"over {MAX_SHEET_CELLS:,} cells, the limit"),
    # one 30 MB cell (78 KB): > 120 s; also as a shared string
    "cell.xlsx": (lambda: xlsx_of("<sheetData><row r=\"1\">" + _inline("A1", "指" * 10_000_000) + "</row></sheetData>"),
                  "holds a text of over 327,670 bytes: more than a cell holds (Excel's limit is 32,767 characters)"),
    "shared.xlsx": (lambda: xlsx_of('<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>',
                                    "<si><t>" + "x" * 30_000_000 + "</t></si>"),
                    "xl/sharedStrings.xml holds a text of over 327,670 bytes"),
    # 1.8 GB
    "merges.xls": (lambda: xls_merging_the_whole_sheet(200),
                   f"merged ranges cover 3,355,443,200 cells, over the limit of {MAX_MERGED_CELLS:,}"),
    # a Flate bomb (the review's unpacked to 1.9 GB from 2 MB): 256 MB from 250 KB
    "bomb.pdf": (lambda: pdf_drawing(b" " * (1 << 20), times=256),
                 f"a compressed stream unpacks to more than {MAX_STREAM_BYTES:,} bytes, the limit"),
    # lines drawn: 200 MB of operators took 3.8 GB; a page of 22 MB of them
    "lines.pdf": (lambda: pdf_drawing(b"0 0 m 100 100 l S\n", times=1_200_000),
                  f"page 1 draws 21,600,000 bytes of content (text and drawing operators), over the limit of "
                  f"{MAX_PAGE_CONTENT_BYTES:,} a page"),
}


@pytest.fixture(scope="module")
def probes():
    return {name: make() for name, (make, _) in PROBES.items()}


@pytest.mark.parametrize("name", PROBES)
def test_each_probe_is_refused_by_its_reader_naming_the_limit(probes, name):
    assert len(probes[name]) < 5 * 1024 * 1024  # under the size limit: only the reader's own limit stops it
    assert PROBES[name][1] in refused(name, probes[name])


def test_in_workers_each_is_refused_by_its_limit_within_a_small_memory_budget(store, tmp_path, probes):
    """Under a 400 MB budget, each fails with its reader's reason, not the
    budget's: the reader refused it before taking the memory it asks for."""
    folder = tmp_path / "probes"
    folder.mkdir()
    (folder / "004.txt").write_bytes(report_path("004").read_bytes())
    os.utime(folder / "004.txt", (1000, 1000))
    for name, data in probes.items():
        (folder / name).write_bytes(data)
    outcomes = {os.path.basename(o.path): o for o in ingest(store, [folder], workers=1,
                                                            budget=Budget(seconds=300, memory_mb=400))}
    assert outcomes["004.txt"].status == "loaded"
    for name, (_, problem) in PROBES.items():
        assert outcomes[name].status == "failed" and problem in outcomes[name].error, (name, outcomes[name].error)
    assert store.read("MATCH (r:Report) RETURN count(r)").rows == [[1]]


def test_two_cells_far_apart_are_read_as_two_cells_not_the_range_between():
    # A1 and XFD100000: openpyxl's iter_rows would make 1.6 billion cells between them.
    data = xlsx_of('<sheetData><row r="1">' + _inline("A1", "部门") + '</row><row r="100000">'
                   + _inline("XFD100000", "自评") + "</row></sheetData>")
    document = document_from_bytes("far.xlsx", data)
    assert [b.location.ref for b in document.blocks] == ["A1", "XFD100000"]
