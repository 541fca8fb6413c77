"""Every question the README's tour asks returns rows on the example reports:
its `perfkg query` lines, its curl lines (sent as curl sends them) and its
Cypher, read from the README itself; and the screenshots it shows exist."""

from __future__ import annotations

import re
import shlex

import pytest
from fastapi.testclient import TestClient

from conftest import ROOT
from perfkg.api.app import create_app
from perfkg.client import parse_param
from perfkg.config import Settings
from readme_blocks import README, blocks, command_lines, send_curl

TOUR = README[README.index("## Five-minute tour"):README.index("More of the command line")]


@pytest.fixture(scope="module")
def http(loaded_store_path):
    with TestClient(create_app(Settings(store=str(loaded_store_path)))) as client:
        yield client


def test_the_tour_shows_a_flagship_question_with_rows_every_way():
    assert len(command_lines(TOUR, "perfkg query")) >= 2 and len(command_lines(TOUR, "curl")) >= 3
    assert blocks(TOUR, "cypher")


@pytest.mark.parametrize("line", command_lines(TOUR, "perfkg query"))
def test_each_perfkg_query_of_the_tour_returns_rows(loaded_client, line):
    words = shlex.split(line)
    name = words[2]
    params = dict(parse_param(words[i + 1]) for i, word in enumerate(words) if word == "-p")
    assert loaded_client.run(name, params).rows, line


@pytest.mark.parametrize("line", command_lines(TOUR, "curl"))
def test_each_curl_of_the_tour_returns_rows(http, line):
    response = send_curl(http, line)
    assert response.status_code == 200, (line, response.text)
    body = response.json()
    assert body.get("rows") or body.get("items"), line


@pytest.mark.parametrize("cypher", blocks(TOUR, "cypher"))
def test_the_tour_s_cypher_returns_rows(loaded_client, cypher):
    assert loaded_client.read(cypher).rows


def test_the_python_example_returns_rows(loaded_client):
    [call] = re.findall(r'kg\.query\("(\w+)", (\w+)="([^"]+)"\)', README)
    name, key, value = call
    assert loaded_client.run(name, {key: value}).rows


def test_the_screenshots_the_readme_shows_exist():
    shown = re.findall(r"\]\((docs/screenshots/[\w-]+\.png)\)", README)
    assert len(set(shown)) >= 7
    for path in shown:
        assert (ROOT / path).is_file(), path
