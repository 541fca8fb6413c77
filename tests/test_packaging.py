"""The distribution a non-editable install (and the Docker image) gets holds
every module and data file of the source tree, under one top-level package."""

import subprocess
import sys
import zipfile

from conftest import ROOT

# Source folder -> the package it installs as.
FOLDERS = {"perfkg": "perfkg", "ingest": "perfkg/ingest", "ontology": "perfkg/ontology", "api": "perfkg/api",
           "cypher": "perfkg/cypher"}
DATA = ("*.ttl", "*.grass", "*.cypher", "*.csv")


def _wheel(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                            "--quiet", "-w", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    return next(tmp_path.glob("perfkg-*.whl"))


def test_the_wheel_holds_every_module_and_data_file_under_perfkg(tmp_path):
    names = set(zipfile.ZipFile(_wheel(tmp_path)).namelist())
    expected = {
        FOLDERS[folder] + "/" + path.relative_to(ROOT / folder).as_posix()
        for folder in FOLDERS
        for pattern in ("*.py", *DATA)
        for path in (ROOT / folder).rglob(pattern)
        if "__pycache__" not in path.parts
    }
    assert expected - names == set()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"perfkg"}


def test_an_installed_perfkg_puts_no_other_name_on_the_path(tmp_path):
    wheel = _wheel(tmp_path)
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                                str(target), str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr[-2000:]
    # (bin/ holds the perfkg command)
    assert sorted(p.name for p in target.iterdir() if not p.name.endswith(".dist-info")) == ["bin", "perfkg"]
    for name in ("api", "ingest", "ontology", "cypher"):
        probe = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=tmp_path, capture_output=True, text=True,
                               env={"PYTHONPATH": str(target)})
        assert "ModuleNotFoundError" in probe.stderr, name
