"""The five example reports as an office exports them: each rendered as a
Word document (tests/renditions.py: flush-left paragraphs, no first-line
indent, ruled tables whose rows break across pages) and exported to PDF by
LibreOffice, into tests/producers/libreoffice/. The PDFs are committed, so
the tests read them where LibreOffice is not installed; where it is,
tests/test_reader_pdf_producers.py makes one again and compares.

    python tests/producers/make_libreoffice_pdfs.py [OUT]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from renditions import blocks_of, to_docx  # noqa: E402

REPORTS = HERE.parent.parent / "examples" / "reports"
OUT = HERE / "libreoffice"


def libreoffice_pdf(report: Path, out: Path) -> Path:
    """`report` (a .txt) as Word would hold it, exported to PDF by LibreOffice into `out`."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perfkg-lo-") as scratch:
        docx = Path(scratch) / f"{report.stem}.docx"
        to_docx(blocks_of(report), docx)
        # A profile of its own, so a LibreOffice already open does not take the job.
        profile = (Path(scratch) / "profile").as_uri()
        subprocess.run([program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out), str(docx)],
                       check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": scratch})
    return out / f"{report.stem}.pdf"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    for report in sorted(REPORTS.glob("*.txt")):
        print(libreoffice_pdf(report, target))
