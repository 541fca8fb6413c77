"""The README's code blocks, run on the data the README says to load (the
example reports and the shared corpus): every `perfkg` line answers with exit
status 0, every query with rows, every curl line (sent as curl sends it) with
rows, every Cypher block with rows. The lines that change or serve the graph
(ingest, serve, reset, backup, bench-corpus, eval) have tests of their own;
their data is loaded here as the README says."""

from __future__ import annotations

import json
import shlex

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from perfkg.api.app import create_app
from perfkg.cli import app
from perfkg.client import Client

from conftest import CORPUS, EXAMPLES, FalkorBackend
from readme_blocks import README, blocks, command_lines, send_curl

# Tested elsewhere: they load, serve, empty or copy the graph, or measure the extraction.
ELSEWHERE = {"ingest", "serve", "reset", "backup", "bench-corpus", "eval"}


def perfkg_lines() -> list[list[str]]:
    return [words for words in (shlex.split(line, comments=True) for line in command_lines(README, "perfkg"))
            if words[1] not in ELSEWHERE]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    if not (CORPUS / "docs").is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (set PERFKG_SHARED)")
    settings = FalkorBackend(tmp_path_factory).empty()
    with Client.open(settings=settings) as client:
        client.ingest([EXAMPLES, CORPUS / "docs"])
    return settings


def test_the_readme_loads_what_its_examples_need():
    loaded = {words[2] for words in (shlex.split(line, comments=True) for line in command_lines(README, "perfkg"))
              if words[1] == "ingest"}
    assert {"examples/reports", "../shared/corpus/docs"} <= loaded
    assert len(perfkg_lines()) >= 8


@pytest.mark.parametrize("words", perfkg_lines(), ids=lambda words: " ".join(words[1:4]))
def test_each_perfkg_line_answers(store, tmp_path, words):
    args = [str(tmp_path / "out") if i and words[i - 1] in ("-o", "--output") else word
            for i, word in enumerate(words[1:], 1)]
    json_asked = args[0] == "query" and "--format" not in args
    result = CliRunner().invoke(app, args + (["--format", "json"] if json_asked else []),
                                env={"PERFKG_STORE": store.store})
    assert result.exit_code == 0 and "Traceback" not in result.output, (words, result.output[-500:])
    if args[0] == "query":
        body = result.output
        if "--format" in args and args[args.index("--format") + 1] == "csv":
            assert len(body.splitlines()) > 1, words
        else:
            assert json.loads(body), words
    elif "-o" in args or "--output" in args:
        assert (tmp_path / "out").stat().st_size > 0
    else:
        assert result.output.strip(), words


@pytest.mark.parametrize("line", command_lines(README, "curl"))
def test_each_curl_line_answers_with_rows(store, line):
    with TestClient(create_app(store)) as http:
        response = send_curl(http, line)
    assert response.status_code == 200, (line, response.text)
    body = response.json()
    assert body.get("rows") or body.get("items"), line


@pytest.mark.parametrize("cypher", blocks(README, "cypher"))
def test_each_cypher_block_answers_with_rows(store, cypher):
    with Client.open(settings=store) as client:
        assert client.read(cypher).rows
