"""The server's edge: the Host it answers, the headers every answer carries,
errors in one shape with nothing of the store's insides, and ad-hoc queries
that wait their turn without holding a thread of the server."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from perfkg.api.app import create_app
from perfkg.api.edges import host_name, is_loopback
from perfkg.api.limits import Busy, Full, Turns
from perfkg.config import Settings
from perfkg.store import open_store, server

from conftest import ROOT, serving

HEADERS = {"x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


@pytest.fixture(scope="module")
def app(loaded_store_path):
    return create_app(Settings(store=str(loaded_store_path), allowed_hosts=()))


@pytest.fixture(scope="module")
def base(app):
    with serving(app) as url:
        yield url


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.nip.io", "localhost.evil.example",
                                  "192.168.1.5", ""])
def test_a_host_other_than_loopback_s_is_refused(base, host):
    response = httpx.get(base + "/departments", headers={"Host": host})
    assert response.status_code == 400
    assert "is not served here" in response.json()["error"] and "--allow-host" in response.json()["error"]
    assert {k: response.headers[k] for k in HEADERS} == HEADERS


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "127.0.0.2",
                                  "app.localhost"])
def test_loopback_names_are_served(base, host):
    assert httpx.get(base + "/health", headers={"Host": host}).status_code == 200


def test_added_names_are_served_and_star_serves_any(loaded_store_path):
    for allowed, host, status in [(("reports.example.org",), "reports.example.org:443", 200),
                                  (("reports.example.org",), "other.example.org", 400),
                                  (("*",), "anything.example", 200)]:
        app = create_app(Settings(store=str(loaded_store_path), allowed_hosts=allowed))
        with TestClient(app, base_url=f"http://{host}") as http:
            assert http.get("/health").status_code == status, (allowed, host)


def test_the_host_name_is_read_without_its_port():
    assert [host_name(h) for h in ("LocalHost:80", "[::1]:8000", "::1", "a.b")] == ["localhost", "::1", "::1", "a.b"]
    assert not is_loopback("localhost.evil.example") and is_loopback("127.9.9.9")


# Every kind of answer: JSON, HTML pages, the docs, static files, errors of each status.
ANSWERS = [("GET", "/departments", 200), ("GET", "/", 200), ("GET", "/explore/below-target", 200),
           ("GET", "/docs", 200), ("GET", "/redoc", 200), ("GET", "/explore/static/perfkg.css", 200),
           ("GET", "/nowhere", 404), ("DELETE", "/health", 405), ("GET", "/indicators?limit=0", 422),
           ("GET", "/reports/none", 404), ("POST", "/cypher", 400)]


@pytest.mark.parametrize("method, path, status", ANSWERS)
def test_every_answer_carries_the_security_headers_and_errors_are_json(base, method, path, status):
    response = httpx.request(method, base + path, json={"query": "MATCH (n) SET n.x = 1"})
    assert response.status_code == status
    assert {k: response.headers[k] for k in HEADERS} == HEADERS
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    if path not in ("/docs", "/redoc"):  # their pages start from FastAPI's inline script
        assert "script-src 'self';" in policy
    if status >= 400:
        assert response.headers["content-type"] == "application/json" and set(response.json()) == {"error"}


def test_a_413_and_a_500_carry_them_too(loaded_store_path):
    app = create_app(Settings(store=str(loaded_store_path), max_request_bytes=100, allowed_hosts=()))

    @app.get("/bug")
    def bug():
        raise RuntimeError("a bug")

    with serving(app) as url:
        for response, status in [(httpx.post(url + "/cypher", content=b"x" * 1000), 413),
                                 (httpx.get(url + "/bug"), 500)]:
            assert response.status_code == status and set(response.json()) == {"error"}
            assert {k: response.headers[k] for k in HEADERS} == HEADERS


def test_a_dead_store_server_s_503_names_neither_its_folder_nor_its_log(tmp_path, caplog):
    path = tmp_path / "private-folder" / "served.db"
    path.parent.mkdir()
    open_store(Settings(store=str(path)), create=True).close()
    with TestClient(create_app(Settings(store=str(path))), raise_server_exceptions=False) as http:
        assert http.get("/health").status_code == 200
        os.kill(server.server_pid(path), signal.SIGKILL)
        answers = [http.get("/departments") for _ in range(2)]
    assert [a.status_code for a in answers] == [503, 200]
    assert "private-folder" not in answers[0].text and "redis" not in answers[0].text.lower()
    assert answers[0].json()["error"].startswith("the graph store is unavailable")
    assert "private-folder" in caplog.text  # the operator's log says where and why


def test_a_query_error_does_not_name_where_the_store_is(base, loaded_store_path):
    response = httpx.post(base + "/cypher", json={"query": "RETURN $x", "params": {}})
    assert response.status_code == 400
    assert str(loaded_store_path) not in response.text


def test_ad_hoc_queries_wait_their_turn_holding_no_thread_and_health_and_named_queries_answer_meanwhile(
        empty_settings):
    """One ad-hoc turn, taken by a runaway; more waiting clients than the server
    has threads (anyio's 40); /health and a named query must still answer, and
    a query the guard refuses is refused at once, not queued."""
    # The runaway must outlast the scenario (seconds); past it, it runs on in the store's server
    # until its limit, after the test, on the CPU the next tests need: 20 s, not 60.
    settings = replace(empty_settings, query_threads=2, query_timeout_ms=20_000)
    with open_store(settings) as store:
        store.write("UNWIND range(1, 300) AS i CREATE (:Department {id: toString(i), n: i})")
    waiting = 45
    app = create_app(settings)
    runaway = {"query": "MATCH (a:Department), (b:Department), (c:Department), (d:Department) "
                        "WHERE a.n + b.n + c.n + d.n < 0 RETURN count(*)"}

    async def until(condition, watchdog_s=60):
        for _ in range(watchdog_s * 20):
            if condition():
                return
            await asyncio.sleep(0.05)
        raise AssertionError("not reached within the watchdog's bound")

    async def scenario(url):
        limits = httpx.Limits(max_connections=waiting + 10)
        async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
            running = asyncio.create_task(http.post("/cypher", json=runaway))
            await until(lambda: app.state.ad_hoc.running == 1)
            queued = [asyncio.create_task(http.post("/cypher", json={"query": "RETURN 1"})) for _ in range(waiting)]
            await until(lambda: app.state.ad_hoc.waiting == waiting)
            health = await http.get("/health")
            named = await http.get("/queries/indicators_below_target", params={"year": 2021})
            bomb = await http.post("/cypher", json={"query": "RETURN " + "- " * 20 + "1"})  # refused, not queued
            # still all waiting: what answered did not wait behind them
            still_waiting = app.state.ad_hoc.waiting
            for task in [running, *queued]:
                task.cancel()
            return health.status_code, named.status_code, bomb.status_code, still_waiting

    with serving(app) as url:
        answered = asyncio.run(scenario(url))
    assert answered == (200, 200, 400, waiting)


def test_a_caller_past_its_wait_for_a_turn_is_told_busy_and_the_turn_goes_on():
    turns = Turns(1, wait_s=0.2, what="ad-hoc queries")

    async def scenario():
        release = asyncio.Event()

        async def holder():
            async with turns.slot():
                await release.wait()

        held = asyncio.create_task(holder())
        while turns.running == 0:
            await asyncio.sleep(0.01)
        with pytest.raises(Busy, match="busy: 1 ad-hoc queries running already"):
            async with turns.slot():
                pass
        release.set()
        await held
        async with turns.slot():  # free again
            return turns.running, turns.waiting

    assert asyncio.run(scenario()) == (1, 0)


def test_busy_and_full_are_429_and_503_in_the_one_shape(loaded_store_path):
    app = create_app(Settings(store=str(loaded_store_path)))

    @app.get("/busy")
    def busy():
        raise Busy("busy: 2 ad-hoc queries running already; try again shortly")

    @app.get("/full")
    def full():
        raise Full("busy: 2 uploads are being processed and 8 wait already; try again shortly")

    with TestClient(app) as http:
        for path, status in (("/busy", 429), ("/full", 503)):
            response = http.get(path)
            assert response.status_code == status and set(response.json()) == {"error"}
            assert response.headers["retry-after"] and response.headers["x-frame-options"] == "DENY"


def test_perfkg_serve_answers_to_the_names_it_is_given(loaded_store_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "PERFKG_ALLOWED_HOSTS"}
    server = subprocess.Popen([sys.executable, "-m", "perfkg.cli", "serve", "--port", str(port), "--store",
                               str(loaded_store_path), "--allow-host", "reports.example.org"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):  # a watchdog's bound (120 s), not a measurement
            try:
                if httpx.get(base + "/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        answers = {host: httpx.get(base + "/health", headers={"Host": host}).status_code
                   for host in ("reports.example.org", "reports.example.org:8443", "evil.example")}
    finally:
        server.terminate()
        server.wait(timeout=120)
    assert answers == {"reports.example.org": 200, "reports.example.org:8443": 200, "evil.example": 400}
