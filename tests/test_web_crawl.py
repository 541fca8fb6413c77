"""Every page of the explorer answers on any graph the ingest can produce: the
five example reports, the shared corpus (real reports of many provinces), 200
synthetic reports of which a third lack their department, district, city or
year, and project forms with and without their project's name. A crawl from
/ follows every link to a page and requires an HTML page with 200 for each."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from fastapi.testclient import TestClient

from perfkg.api.app import create_app
from perfkg.client import Client
from perfkg.corpus import generate

from conftest import CORPUS, EXAMPLES, PROJECT_DOCUMENTS, FalkorBackend


class Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def project_forms(folder) -> list:
    """The project forms of the conftest, and one that names no project."""
    written = []
    for name, text in PROJECT_DOCUMENTS.items():
        written.append(folder / name)
        written[-1].write_text(text, encoding="utf-8")
    nameless = next(iter(PROJECT_DOCUMENTS.values()))
    nameless = "\n".join(line for line in nameless.splitlines() if not line.startswith("项目名称"))
    written.append(folder / "无项目名称自评表.txt")
    written[-1].write_text(nameless, encoding="utf-8")
    return written


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    if not (CORPUS / "docs").is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (set PERFKG_SHARED)")
    synthetic = tmp_path_factory.mktemp("gaps")
    generate(200, synthetic, EXAMPLES, seed=11, missing=0.3)
    projects = project_forms(tmp_path_factory.mktemp("projects"))
    settings = FalkorBackend(tmp_path_factory).empty()
    with Client.open(settings=settings) as client:
        outcomes = client.ingest([EXAMPLES, CORPUS / "docs", synthetic, *projects])
    assert sum(o.status in ("loaded", "replaced") for o in outcomes) > 200
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def test_every_page_reachable_from_the_start_answers(http):
    seen, queue, failed = {"/"}, deque(["/"]), []
    while queue:
        url = queue.popleft()
        response = http.get(url)
        if response.status_code != 200 or not response.headers["content-type"].startswith("text/html"):
            failed.append((url, response.status_code))
            continue
        anchors = Anchors()
        anchors.feed(response.text)
        for href in anchors.hrefs:
            target = urldefrag(href).url
            parts = urlsplit(target)
            # Pages only: the download links are the API's (tests/test_api*.py).
            if parts.netloc or not (target == "/" or parts.path.startswith("/explore/")) or target in seen:
                continue
            seen.add(target)
            queue.append(target)
    assert len(seen) > 500  # departments, reports, topics, neighbourhoods of all of them
    assert failed == []


def test_the_graph_has_the_gaps_the_crawl_is_about(http):
    departments = http.get("/departments").json()
    assert any(d["district"] is None for d in departments)
    assert any(r["year"] is None for d in departments for r in d["reports"])
    reports = http.get("/queries/department_reports", params={"department": departments[0]["id"]}).json()
    assert reports["rows"]


def test_a_page_that_fails_answers_as_a_page_and_the_api_as_json(http, monkeypatch):
    from perfkg.web import data

    def broken(*args, **kwargs):
        raise RuntimeError("a fault of the page")

    monkeypatch.setattr(data, "departments", broken)
    page = http.get("/")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "出错了" in page.text and '<link rel="stylesheet"' in page.text and "a fault" not in page.text
    from perfkg.store import StoreUnavailable

    def gone(*args, **kwargs):
        raise StoreUnavailable("the server went away")

    monkeypatch.setattr(data, "departments", gone)
    unavailable = http.get("/")
    assert unavailable.status_code == 503 and "图数据库不可用" in unavailable.text
    monkeypatch.setattr(data, "search", broken)
    api = http.get("/search", params={"q": "x"})
    assert api.status_code == 500 and api.json() == {"error": "internal error; the server logged the details"}
