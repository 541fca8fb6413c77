"""The distribution a non-editable install (and the Docker image) gets holds
every module and data file of the source tree."""

import subprocess
import sys
import zipfile

from conftest import ROOT

PACKAGES = ("perfkg", "ingest", "ontology", "api", "cypher")
DATA = ("*.ttl", "*.grass", "*.cypher")


def test_the_wheel_holds_every_module_and_data_file(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                            "--quiet", "-w", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(tmp_path.glob("perfkg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for pattern in ("*.py", *DATA)
        for path in (ROOT / package).rglob(pattern)
        if "__pycache__" not in path.parts
    }
    assert expected - names == set()
    assert any(name.startswith("ingest/extract/") for name in names)
