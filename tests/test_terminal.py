"""Escape sequences in a report or its file's name are shown on a terminal,
never obeyed: `perfkg ingest`, `show` and `query` print them as visible
escapes, on each store, to a terminal (a pty) and to a pipe."""

import json
import os
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from perfkg.cli import app
from perfkg.terminal import json_text, visible

from conftest import ROOT, report_path

# Set the window title, write the clipboard (OSC 52), clear the screen, print in red as perfkg
# would, a C1 CSI, and a right-to-left override that shows `exe.txt` as `txt.exe`.
HOSTILE = ["\x1b]0;pwned\x07", "\x1b]52;c;cm0gLXJmIH4=\x07", "\x1b[2J", "\x1b[31merror: disk failed\x1b[0m",
           "\x9b1;31m", "\u202e"]
OBEYED = ["\x1b]0;", "\x1b]52", "\x1b[2J", "\x1b[31merror", "\x9b", "\u202e"]
SHOWN = ["\\x1b]0;pwned", "\\x1b]52;c;", "\\x1b[2J", "\\x1b[31merror: disk failed", "\\x9b1;31m", "\\u202e"]
FILE = "荔城\x1b[2J街道\u202e.txt"


@pytest.fixture
def hostile(backend, empty_settings, tmp_path):
    """A store holding a report whose text and file name carry every hostile sequence."""
    text = report_path("004").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    (tmp_path / FILE).write_text(first + "\n" + "".join(HOSTILE) + "\n" + rest, encoding="utf-8")
    env = backend.env(empty_settings)
    return tmp_path / FILE, env


def on_terminal(args: list[str], env: dict[str, str]) -> str:
    """What `perfkg args` writes to a terminal (a pty as its standard output and error)."""
    master, slave = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "perfkg.cli", *args], stdin=subprocess.DEVNULL, stdout=slave,
                               stderr=slave, env={**os.environ, **env, "COLUMNS": "160", "TERM": "xterm-256color"},
                               cwd=ROOT)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process has closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert process.wait(timeout=300) in (0, 1)
    return out.decode("utf-8", errors="replace")


def unstyled(output: str) -> str:
    """The output without the colours perfkg's console gives its own text."""
    return re.sub(r"\x1b\[[0-9;]*m", "", output)


def assert_shown_not_obeyed(output: str) -> None:
    for sequence in OBEYED:
        assert sequence not in output, repr(sequence)
    for sequence in SHOWN:
        assert sequence in unstyled(output), sequence


def test_ingest_show_and_query_on_a_terminal_show_escapes_and_obey_none(hostile):
    path, env = hostile
    ingest = on_terminal(["ingest", str(path.parent)], env)
    assert "1 of 1 reports loaded" in unstyled(ingest) and "\\x1b[2J" in unstyled(ingest)
    assert "\x1b[2J" not in ingest and "\u202e" not in ingest
    assert_shown_not_obeyed(on_terminal(["show", path.name], env))
    source = "MATCH (r:Report) RETURN r.source_file AS file, r.id AS id"
    for output_format in ("table", "records", "csv"):
        shown = on_terminal(["query", source, "--format", output_format], env)
        assert "\\x1b[2J" in unstyled(shown) and "\\u202e" in unstyled(shown)
        assert "\x1b[2J" not in shown and "\u202e" not in shown
    for output_format in ("jsonl", "cypher", "ttl"):  # an export to a terminal, as data is shown there
        exported = on_terminal(["export", "--format", output_format], env)
        assert "\u202e" not in exported and "\x1b[2J" not in exported and "\x9b" not in exported


def test_on_a_pipe_csv_is_the_data_whole_and_json_reads_back_exactly(hostile):
    path, env = hostile
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--quiet", str(path.parent)], env=env).exit_code == 0
    source = "MATCH (r:Report) RETURN r.source_file AS file"
    csv = runner.invoke(app, ["query", source, "--format", "csv"], env=env).output
    assert FILE in csv  # data for a file or a program: unchanged
    raw = runner.invoke(app, ["query", source, "--format", "json"], env=env).output
    assert "\u202e" not in raw and "\x1b" not in raw and json.loads(raw) == [{"file": FILE}]
    shown = runner.invoke(app, ["show", FILE], env=env).output  # show's bracketed text, for a reader
    assert_shown_not_obeyed(shown)


def test_visible_escapes_every_control_and_bidirectional_character_and_keeps_lines():
    controls = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0), 0x202A, 0x202E, 0x2066, 0x2069, 0x200F)]
    shown = visible("".join(controls))
    assert not set(shown) & (set(controls) - {"\n", "\t"}) and "\n" in shown and "\t" in shown
    assert visible("第一行\r\n第二行") == "第一行\n第二行"
    value = {"t": "".join(controls)}
    assert json.loads(json_text(value)) == value and not set(json_text(value)) & set(controls)
