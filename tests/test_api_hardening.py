"""The API under abuse: uploads need the key and sane files, bodies are
limited, hostile Cypher is refused, and errors never show a stack trace."""

import pytest
from fastapi.testclient import TestClient

from perfkg.api.app import create_app
from perfkg.config import Settings

from conftest import report_path

KEY = "s3cret-key"
REPORT = report_path("004").read_bytes()


@pytest.fixture
def http(tmp_path):
    settings = Settings(store=str(tmp_path / "g.db"), api_key=KEY, max_report_bytes=200_000,
                        max_request_bytes=300_000, query_timeout_ms=1000)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def upload(http, data=REPORT, name="report.txt", content_type="text/plain", **headers):
    return http.post("/reports", files={"file": (name, data, content_type)}, headers=headers)


def test_an_upload_with_the_key_is_ingested_whole(http):
    response = upload(http, **{"X-API-Key": KEY})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["counts"]["indicators"] == 19 and body["year"] == 2021 and body["replaced"] == []
    assert [d["short_name"] for d in http.get("/departments").json()] == ["荔城街道"]
    again = upload(http, **{"Authorization": f"Bearer {KEY}"})
    assert again.status_code == 201 and again.json()["replaced"] == ["report.txt"]
    assert http.get("/indicators").json()["total"] == 19


def test_gbk_uploads_are_decoded(http):
    response = upload(http, data=REPORT.decode("utf-8").encode("gbk"), **{"X-API-Key": KEY})
    assert response.status_code == 201 and response.json()["encoding"] == "gb18030"


@pytest.mark.parametrize("headers, status", [({}, 401), ({"X-API-Key": "wrong"}, 401),
                                             ({"Authorization": "Basic xyz"}, 401)])
def test_uploads_without_the_key_are_refused(http, headers, status):
    response = upload(http, **headers)
    assert response.status_code == status and "API key" in response.json()["error"]
    assert http.get("/departments").json() == []


def test_uploads_are_disabled_without_a_configured_key(tmp_path):
    with TestClient(create_app(Settings(store=str(tmp_path / "g.db")))) as http:
        response = upload(http, **{"X-API-Key": "anything"})
        assert response.status_code == 403 and "disabled" in response.json()["error"]


@pytest.mark.parametrize(
    "name, data, content_type, status, message",
    [
        ("report.exe", b"MZ" + bytes(100), "application/octet-stream", 415, "only reports (.txt"),
        ("report.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image/png", 415, "is no document"),
        ("report.pdf", b"%PDF-1.4", "application/pdf", 400, "report.pdf: damaged PDF"),
        ("report.txt", b"\x00\x01\x02" * 1000, "text/plain", 400, "binary file"),
        ("report.txt", b"", "text/plain", 400, "empty file"),
        ("report.txt", "x".encode() * 250_000, "text/plain", 413, "over"),
        ("notes.txt", "今天天气晴朗，市民纷纷外出游玩。\n".encode(), "text/plain", 422, "not a performance report"),
    ],
)
def test_bad_uploads_are_refused_and_write_nothing(http, name, data, content_type, status, message):
    response = upload(http, data=data, name=name, content_type=content_type, **{"X-API-Key": KEY})
    assert response.status_code == status, response.text
    assert message in response.json()["error"]
    assert http.get("/departments").json() == []


def test_request_bodies_are_limited(http):
    huge = {"query": "RETURN 1", "params": {"x": "y" * 400_000}}
    response = http.post("/cypher", json=huge)
    assert response.status_code == 413 and "error" in response.json()


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"query": "RETURN " + "(" * 40 + "1" + ")" * 40}, 400, "nests"),
        ({"query": "RETURN " + "[" * 30 + "1" + "]" * 30}, 400, "nests"),
        ({"query": "RETURN " + "CASE WHEN true THEN " * 20 + "1" + " END" * 20}, 400, "nests"),
        ({"query": "RETURN 1 " + "+ 1 " * 6000}, 422, "query"),
        ({"query": "RETURN $x", "params": {"not a name": 1}}, 400, "parameter"),
        ({"query": "RETURN 1", "timeout_ms": -5}, 422, "timeout_ms"),
        ({"query": "RETURN 1", "row_limit": "lots"}, 422, "row_limit"),
        ({"params": {}}, 422, "query"),
        ({"query": "CALL db.idx.fulltext.createNodeIndex('Topic', 'name_zh')"}, 400, "refused"),
        ({"query": "CALL dbms.procedures() YIELD name RETURN count(name)"}, 200, None),  # reading is fine
        ({"query": "MATCH (a), (b), (c), (d), (e) RETURN count(*)"}, 408, "time limit"),
    ],
)
def test_hostile_cypher_is_refused_and_the_server_keeps_serving(http, body, status, message):
    response = http.post("/cypher", json=body)
    assert response.status_code == status, response.text
    if message:
        assert message in response.json()["error"]
    assert http.get("/health").status_code == 200


def test_cors_is_off_unless_configured(tmp_path, http):
    response = http.get("/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in response.headers
    settings = Settings(store=str(tmp_path / "cors.db"), cors_origins=("https://research.example",))
    with TestClient(create_app(settings)) as allowed:
        response = allowed.get("/health", headers={"Origin": "https://research.example"})
        assert response.headers["access-control-allow-origin"] == "https://research.example"


def test_errors_never_show_a_stack_trace(tmp_path):
    with TestClient(create_app(Settings(store=str(tmp_path / "g.db"))), raise_server_exceptions=False) as http:
        responses = [
            http.get("/reports/none"), http.get("/indicators", params={"year": "x"}),
            http.post("/cypher", json={"query": "MATCH (n RETURN n"}), http.get("/queries/budget_execution",
                                                                                params={"year": "soon"}),
        ]
        http.app.state.client.store.close()  # the database goes away under the running app
        responses.append(http.get("/departments"))
        for response in responses:
            assert response.status_code >= 400
            assert "Traceback" not in response.text and "File \"" not in response.text
            assert set(response.json()) == {"error"}
        assert responses[-1].status_code == 503
