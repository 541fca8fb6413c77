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

README = (ROOT / "README.md").read_text(encoding="utf-8")
TOUR = README[README.index("## Five-minute tour"):README.index("More of the command line")]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", TOUR, re.S)


def commands(program: str) -> list[str]:
    """The tour's command lines that start with `program`, continuation lines joined."""
    text = "\n".join(blocks("sh")).replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip().startswith(program)]


@pytest.fixture(scope="module")
def http(loaded_store_path):
    with TestClient(create_app(Settings(store=str(loaded_store_path)))) as client:
        yield client


def test_the_tour_shows_a_flagship_question_with_rows_every_way():
    assert len(commands("perfkg query")) >= 2 and len(commands("curl")) >= 3 and len(blocks("cypher")) >= 1


@pytest.mark.parametrize("line", commands("perfkg query"))
def test_each_perfkg_query_of_the_tour_returns_rows(loaded_client, line):
    words = shlex.split(line)
    name = words[2]
    params = dict(parse_param(words[i + 1]) for i, word in enumerate(words) if word == "-p")
    assert loaded_client.run(name, params).rows, line


@pytest.mark.parametrize("line", commands("curl"))
def test_each_curl_of_the_tour_returns_rows(http, line):
    words = shlex.split(line)
    url = next(w for w in words if w.startswith("http://127.0.0.1:8000"))
    path = url.removeprefix("http://127.0.0.1:8000")
    if "-X" in words and words[words.index("-X") + 1] == "POST":
        response = http.post(path, content=words[words.index("-d") + 1], headers={"content-type": "application/json"})
    else:
        # Without -G, curl would send the --data-urlencode pairs as a POST body.
        assert "-G" in words or "?" not in url or url.isascii(), f"Chinese in a URL curl sends unencoded: {line}"
        params = [tuple(words[i + 1].split("=", 1)) for i, w in enumerate(words) if w == "--data-urlencode"]
        response = http.get(path, params=params)
    assert response.status_code == 200, (line, response.text)
    body = response.json()
    assert body.get("rows") or body.get("items"), line


@pytest.mark.parametrize("cypher", blocks("cypher"))
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
