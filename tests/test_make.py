"""What the make targets would run, read from `make -n` (nothing is run)."""

import subprocess

from conftest import ROOT


def dry_run(*targets: str) -> str:
    # A venv that does not exist: make shows every step it would take to make one.
    return subprocess.run(["make", "-n", "VENV=/nonexistent/venv", *targets], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


def test_make_neo4j_installs_perfkg_and_no_test_tools():
    steps = dry_run("neo4j")
    assert "pip install -e ." in steps and "scripts/neo4j_server.py start" in steps
    assert ".[test]" not in steps


def test_one_command_stops_the_server_everywhere():
    assert "scripts/neo4j_server.py stop var/neo4j" in dry_run("neo4j-stop")
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import neo4j_server

    assert neo4j_server.DEFAULT_HOME.as_posix() == "var/neo4j"
    for guide in (ROOT / "README.md", ROOT / "docs" / "neo4j-browser.md", ROOT / "scripts" / "neo4j_server.py"):
        assert "make neo4j-stop" in guide.read_text(encoding="utf-8"), guide


def test_the_command_line_benchmark_prints_its_table(loaded_store_path):
    import sys

    printed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "cli_start.py"), str(loaded_store_path),
                              "--repeat", "2"], capture_output=True, text=True, check=True).stdout
    rows = [line for line in printed.splitlines() if line.startswith("| `perfkg")]
    assert len(rows) == 4 and all(line.count(" s |") == 3 for line in rows)
    assert "load average" in printed and "perfkg.store.falkor" in printed
