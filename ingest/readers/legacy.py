"""Old binary Office files (.doc, .wps, .et): converted by LibreOffice to
.docx or .xlsx in a scratch folder, then read as those. Without LibreOffice
(`soffice`) they are refused with a message saying how to convert them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..document import Document, Source
from ..errors import IngestError

# Suffix -> (what LibreOffice converts it to, the reader of that).
TARGETS = {".doc": "docx", ".wps": "docx", ".et": "xlsx"}
# A conversion that takes longer than this is stopped: LibreOffice can hang on a damaged file.
CONVERT_SECONDS = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy(name: str, data: bytes, source: Source) -> Document:
    suffix = Path(name).suffix.lower()
    target = TARGETS[suffix]
    program = soffice()
    if program is None:
        raise IngestError(name, f"an old binary {suffix} file, which perfkg reads by converting it with LibreOffice, "
                                f"and LibreOffice (soffice) is not installed: install it, or open the file and save it "
                                f"as .{target} (or convert it: soffice --headless --convert-to {target} {name})")
    with tempfile.TemporaryDirectory(prefix="perfkg-convert-") as scratch:
        folder = Path(scratch)
        original = folder / ("input" + suffix)
        original.write_bytes(data)
        # A profile of its own, so a LibreOffice the user has open does not take the job over.
        profile = (folder / "profile").as_uri()
        try:
            done = subprocess.run(
                [program, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", target,
                 "--outdir", str(folder / "out"), str(original)],
                capture_output=True, timeout=CONVERT_SECONDS, env={**os.environ, "HOME": scratch})
        except subprocess.TimeoutExpired:
            raise IngestError(name, f"LibreOffice did not convert it within {CONVERT_SECONDS} s") from None
        converted = folder / "out" / f"input.{target}"
        if done.returncode != 0 or not converted.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:200]
            raise IngestError(name, f"LibreOffice could not convert it to .{target}" + (f": {detail}" if detail else ""))
        converted_data = converted.read_bytes()
    source.converted_from = suffix
    source.format = target
    if target == "docx":
        from .docx import read_docx

        return read_docx(name, converted_data, source)
    from .xlsx import read_xlsx

    return read_xlsx(name, converted_data, source)
