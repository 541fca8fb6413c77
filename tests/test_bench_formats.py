"""The formats benchmark, short (two PDFs, one round of reading per
format): every format measured, the PDFs ingested, its section written into
the report in place, and kept when the main benchmark rewrites the report."""

import json
import subprocess
import sys

from conftest import ROOT


def test_the_formats_benchmark_writes_its_own_section(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\nthe main benchmark's part\n", encoding="utf-8")
    command = [sys.executable, str(ROOT / "benchmarks" / "formats.py"), "--pdfs", "2", "--budget", "0.1",
               "--work", str(tmp_path / "work"), "--out", str(report), "--json", str(tmp_path / "formats.json")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    # Written again from its numbers: the section is replaced, not added.
    again = subprocess.run(command + ["--from-json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr[-3000:]
    results = json.loads((tmp_path / "formats.json").read_text(encoding="utf-8"))
    assert set(results["reading"]) == {"txt", "txt (002)", "pdf", "docx", "html", "md", "xlsx", "xls"}
    assert results["reading"]["pdf"]["pages"] > 5 and results["reading"]["pdf"]["read_ms"] > 0
    corpus = results["corpus"]
    assert corpus["files"] == 2 and corpus["pages"] > 5
    assert "2 of 2 reports loaded" in corpus["pdf"]["summary"] and "2 of 2 reports loaded" in corpus["txt"]["summary"]
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nthe main benchmark's part\n")
    assert text.count("<!-- formats -->") == 1 and "## Reading each format" in text and "## 2 PDFs" in text

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench import kept_sections

    assert kept_sections(report).strip() == text[text.index("<!-- formats -->"):].strip()
