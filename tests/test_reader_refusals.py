"""Files perfkg must refuse, ingested as a user would (a folder on the
command line, an upload over HTTP): each refused in bounded time with its
name and the problem, nothing of it written, the other files going on."""

from __future__ import annotations

import shutil
import time

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from perfkg.api.app import create_app
from perfkg.cli import app
from perfkg.config import Settings
from perfkg.ingest.readers import SUFFIXES
from perfkg.ingest.readers.legacy import soffice
from bad_files import encrypted_pdf, many_pages, scanned_pdf, zip_bomb
from renditions import render
from test_reader_docx import word_report
from test_reader_pdf import two_page_table

from conftest import report_path

runner = CliRunner()


def _export(store) -> str:
    result = runner.invoke(app, ["export", "--format", "jsonl", "--store", str(store)])
    assert result.exit_code == 0
    return result.output


def _bad_files(folder) -> dict[str, str]:
    """name -> the problem perfkg must name."""
    docx = word_report()
    files = {
        "locked.pdf": (encrypted_pdf(), "encrypted PDF (password-protected)"),
        "scan.pdf": (scanned_pdf(), "no text layer, and OCR found no text (a blank or unreadable scan)"),
        "long.pdf": (many_pages(500), "500 pages, over the limit of 300 (PERFKG_MAX_PDF_PAGES)"),
        "cut.docx": (docx[: len(docx) // 2], "damaged .docx file"),
        "bomb.xlsx": (zip_bomb(), "a zip bomb?"),
        "cut.pdf": (two_page_table()[:3000], "damaged PDF"),
    }
    if soffice() is None:
        files["old.doc"] = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
                            "LibreOffice (soffice) is not installed")
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    return {name: problem for name, (_, problem) in files.items()}


def test_bad_files_in_a_folder_are_each_named_and_nothing_of_them_is_written(tmp_path):
    store = tmp_path / "g.db"
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(report_path("004"), good)
    assert runner.invoke(app, ["ingest", str(good), "--store", str(store)]).exit_code == 0
    before = _export(store)

    bad = tmp_path / "bad"
    bad.mkdir()
    problems = _bad_files(bad)
    started = time.monotonic()
    result = runner.invoke(app, ["ingest", str(bad), "--store", str(store)])
    assert time.monotonic() - started < 120
    assert result.exit_code == 1
    output = "".join(result.output.split())  # rich wraps long lines
    assert f"0 of {len(problems)} reports loaded, {len(problems)} failed" in result.output
    for name, problem in problems.items():
        assert f"{name}:{''.join(problem.split())}" in output or (
            name in output and "".join(problem.split()) in output), name
    assert _export(store) == before

    # The other files go on: a good PDF among the bad ones is loaded.
    render(report_path("004"), "pdf", bad)
    result = runner.invoke(app, ["ingest", str(bad), "--store", str(store)])
    assert result.exit_code == 1
    assert f"1 of {len(problems) + 1} reports loaded, 1 replacing an earlier version, {len(problems)} failed" \
        in result.output


@pytest.mark.skipif(soffice() is not None, reason="LibreOffice is installed: old files are converted")
@pytest.mark.parametrize("suffix, target", [(".doc", "docx"), (".wps", "docx"), (".et", "xlsx")])
def test_old_office_files_without_libreoffice_are_refused_with_how_to_convert(tmp_path, suffix, target):
    from perfkg.ingest.errors import IngestError
    from perfkg.ingest.readers import document_from_bytes

    with pytest.raises(IngestError) as raised:
        document_from_bytes(f"自评表{suffix}", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    assert raised.value.file == f"自评表{suffix}"
    assert f"save it as .{target}" in raised.value.problem
    assert f"soffice --headless --convert-to {target} 自评表{suffix}" in raised.value.problem


def test_a_folder_ingest_takes_every_supported_format_and_help_lists_them(tmp_path):
    for fmt in ("pdf", "docx", "html", "md"):
        render(report_path("004"), fmt, tmp_path)
    (tmp_path / "notes.json").write_text("{}")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--store", str(tmp_path / "g.db")])
    assert result.exit_code == 0, result.output
    assert "4 of 4 reports loaded, 3 replacing an earlier version" in result.output
    help_text = "".join(runner.invoke(app, ["ingest", "--help"]).output.split())
    for suffix in SUFFIXES:
        assert suffix in help_text


KEY = "k3y"


@pytest.fixture
def http(tmp_path):
    settings = Settings(store=str(tmp_path / "g.db"), api_key=KEY)
    with TestClient(create_app(settings, create_store=True), raise_server_exceptions=False) as client:
        yield client


def test_uploads_take_every_format_and_refuse_bad_files_by_name(http, tmp_path):
    pdf = render(report_path("004"), "pdf", tmp_path)
    response = http.post("/reports", files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")},
                         headers={"X-API-Key": KEY})
    assert response.status_code == 201, response.text
    assert response.json()["format"] == "pdf" and response.json()["counts"]["indicators"] == 19
    refused = http.post("/reports", files={"file": ("scan.pdf", scanned_pdf(), "application/pdf")},
                        headers={"X-API-Key": KEY})
    assert refused.status_code == 400
    assert refused.json()["error"] == "scan.pdf: no text layer, and OCR found no text (a blank or unreadable scan)"
    assert len(http.get("/departments").json()) == 1
