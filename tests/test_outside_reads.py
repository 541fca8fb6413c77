"""User Cypher never reaches outside the graph, on either store: LOAD CSV from a URL
or a file is refused by `POST /cypher` and by `perfkg query`, and the database
never fetches the URL (a server on loopback counts what it is asked)."""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from perfkg.api.app import create_app
from perfkg.cli import app

# perfkg.store.guard refuses it before any store sees it; Neo4j's store also finds it
# in the server's plan of the query (Neo4j counts LOAD CSV as a read).

SECRET = "secret-row-the-database-must-not-fetch"


@pytest.fixture(scope="module")
def bait():
    """An HTTP server on loopback that serves a CSV row and counts the requests it gets."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = f"{SECRET}\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/rows.csv", requests
    server.shutdown()


def outside_reads(url: str) -> list[str]:
    return [
        f"LOAD CSV FROM '{url}' AS row RETURN row",
        f"load csv with headers from '{url}' AS row RETURN row",
        f"LOAD /* a comment */ CSV FROM '{url}' AS row RETURN row",
        f"CALL {{ LOAD CSV FROM '{url}' AS row RETURN row }} RETURN row",
        f"MATCH (t:Topic) WITH t LIMIT 1 LOAD CSV FROM '{url}' AS row RETURN t.id, row",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    ]


@pytest.fixture(scope="module")
def http(examples):
    with TestClient(create_app(replace(examples, query_timeout_ms=5000))) as client:
        yield client


def test_load_csv_is_refused_over_http_and_nothing_is_fetched(http, bait):
    url, requests = bait
    for query in outside_reads(url):
        response = http.post("/cypher", json={"query": query})
        assert response.status_code == 400, (query, response.text)
        assert "LOAD CSV" in response.json()["error"], query
        assert SECRET not in response.text and "root:" not in response.text, query
    assert requests == []


def test_load_csv_is_refused_on_the_command_line_and_nothing_is_fetched(backend, examples, bait):
    url, requests = bait
    for query in outside_reads(url):
        result = CliRunner().invoke(app, ["query", query], env=backend.env(examples))
        assert result.exit_code == 1 and "LOAD CSV" in result.output, (query, result.output)
        assert SECRET not in result.output
    assert requests == []
