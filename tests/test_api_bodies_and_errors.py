"""Request bodies at and past the limit, with and without Content-Length,
over real HTTP; errors nobody foresaw answered as {"error"} without a trace;
and a CSV answer cut at its row limit saying so in X-Truncated."""

import csv
import io
import logging
import time

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from perfkg.api.app import create_app
from perfkg.config import Settings
from perfkg.store import StoreError

from conftest import report_path, serving

LIMIT = 100_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The API served by uvicorn: a real HTTP server that takes chunked bodies."""
    settings = Settings(store=str(tmp_path_factory.mktemp("bodies") / "g.db"), max_request_bytes=LIMIT, api_key="key")
    with serving(create_app(settings, create_store=True)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def cypher_body(size: int) -> bytes:
    """A valid /cypher request of exactly `size` bytes (its parameter padded)."""
    head, tail = b'{"query": "RETURN size($pad) AS n", "params": {"pad": "', b'"}}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def in_chunks(body: bytes, chunk: int = 10_000):
    """The body as a generator: httpx sends it chunked, without Content-Length,
    a piece at a time, so the server receives it in many parts to add up."""
    for start in range(0, len(body), chunk):
        yield body[start : start + chunk]
        time.sleep(0.01)


def test_a_body_of_the_limit_is_served_and_one_byte_more_is_refused_before_it_is_read(server):
    at_limit = server.post("/cypher", content=cypher_body(LIMIT), headers={"content-type": "application/json"})
    assert at_limit.status_code == 200, at_limit.text
    assert at_limit.json()["rows"] == [{"n": LIMIT - len(cypher_body(0))}]
    over = server.post("/cypher", content=cypher_body(LIMIT + 1), headers={"content-type": "application/json"})
    assert over.status_code == 413 and over.json() == {"error": f"request body over {LIMIT:,} bytes"}
    assert over.headers["content-type"] == "application/json"
    assert over.headers["content-length"] == str(len(over.content))


def test_a_chunked_body_of_the_limit_is_served(server):
    response = server.post("/cypher", content=in_chunks(cypher_body(LIMIT)), headers={"content-type": "application/json"})
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 200 and response.json()["rows"] == [{"n": LIMIT - len(cypher_body(0))}]


@pytest.mark.parametrize("path, content_type, size", [("/cypher", "application/json", LIMIT + 1),
                                                      ("/cypher", "application/json", 4 * LIMIT),
                                                      ("/reports", "multipart/form-data; boundary=b", None)])
def test_a_chunked_body_over_the_limit_is_refused_and_never_run(server, path, content_type, size):
    if path == "/reports":
        # a real report, blank lines after it taking it past the limit: it would load if it got through
        report = report_path("004").read_bytes() + b"\n" * LIMIT
        body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="r.txt"\r\n'
                b"Content-Type: text/plain\r\n\r\n" + report + b"\r\n--b--\r\n")
    else:
        body = cypher_body(size)
    response = server.post(path, content=in_chunks(body), headers={"content-type": content_type, "X-API-Key": "key"})
    assert 400 <= response.status_code < 500, response.text
    assert server.get("/departments").json() == []  # the upload wrote nothing
    assert server.get("/health").status_code == 200


def test_a_chunked_body_over_the_limit_is_413_like_one_with_content_length(server):
    response = server.post("/cypher", content=in_chunks(cypher_body(4 * LIMIT)),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json() == {"error": f"request body over {LIMIT:,} bytes"}


def test_a_content_length_that_is_not_a_number_is_a_bad_request(tmp_path):
    # uvicorn refuses such a header itself; the app behind another server must too
    with TestClient(create_app(Settings(store=str(tmp_path / "g.db")), create_store=True)) as http:
        response = http.post("/cypher", content=b'{"query": "RETURN 1"}',
                             headers={"content-type": "application/json", "content-length": "twenty"})
        assert response.status_code == 400 and response.json() == {"error": "invalid Content-Length"}


# -- errors nobody foresaw -----------------------------------------------------------


@pytest.fixture
def failing_app(tmp_path):
    """The API with two more routes that fail as a bug or an odd store error would."""
    app = create_app(Settings(store=str(tmp_path / "g.db")), create_store=True)

    @app.get("/bug")
    def bug():
        raise RuntimeError("secret detail of a bug")

    @app.get("/store-error")
    def store_error():
        raise StoreError("the disk is full")

    return app


def test_an_unexpected_error_is_500_with_no_detail_and_is_logged(failing_app, caplog):
    with TestClient(failing_app, raise_server_exceptions=False) as http, caplog.at_level(logging.ERROR, "perfkg.api"):
        response = http.get("/bug")
    assert response.status_code == 500
    assert response.json() == {"error": "internal error; the server logged the details"}
    assert "secret detail" not in response.text
    assert any(record.exc_info and "secret detail of a bug" in str(record.exc_info[1]) for record in caplog.records)
    assert "GET /bug" in caplog.text


def test_a_store_error_of_no_known_kind_is_500_with_its_message(failing_app):
    with TestClient(failing_app, raise_server_exceptions=False) as http:
        response = http.get("/store-error")
    assert response.status_code == 500 and response.json() == {"error": "graph store error: the disk is full"}


# -- CSV cut at the row limit ----------------------------------------------------------


def test_a_csv_cut_at_its_row_limit_says_so_and_a_whole_one_does_not(loaded_store_path):
    with TestClient(create_app(Settings(store=str(loaded_store_path)))) as http:
        whole = http.get("/queries/indicators_by_topic", params={"topic": "waste_sorting", "format": "csv"})
        rows = list(csv.reader(io.StringIO(whole.text)))
        assert whole.status_code == 200 and "x-truncated" not in whole.headers
        assert len(rows) - 1 > 2
        cut = http.get("/queries/indicators_by_topic", params={"topic": "waste_sorting", "format": "csv", "limit": 2})
        assert cut.headers["x-truncated"] == "true"
        assert list(csv.reader(io.StringIO(cut.text))) == rows[:3]  # the header and the first two rows
        exact = http.get("/queries/indicators_by_topic",
                         params={"topic": "waste_sorting", "format": "csv", "limit": len(rows) - 1})
        assert "x-truncated" not in exact.headers and exact.text == whole.text


def test_rows_fit_the_response_limit_to_the_byte():
    from perfkg.api.limits import rows_within

    # each record is {"x": 10} (9 bytes of JSON) and its separator in the array (2): 11 bytes a row
    rows = [[10], [11], [12]]
    assert rows_within(["x"], rows, 33) == (rows, False)  # exactly the limit: all of them
    assert rows_within(["x"], rows, 32) == (rows[:2], True)  # a byte less: the last one left out
    assert rows_within(["x"], rows, 11) == (rows[:1], True)
    assert rows_within(["x"], rows, 10) == ([], True)
    assert rows_within(["x"], [], 0) == ([], False)
