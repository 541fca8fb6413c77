"""Shared fixtures: the example and shared reports, and real embedded stores."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

# A command leaves its embedded server running this long for the next one to
# reuse: in tests, briefly, so the many stores of a run do not pile up.
os.environ.setdefault("PERFKG_SERVER_IDLE_S", "2")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "reports"
SHARED = Path(os.environ.get("PERFKG_SHARED", ROOT.parent / "shared"))
GOLD = SHARED / "gold"
SHARED_REPORTS = SHARED / "reports"
CORPUS = SHARED / "corpus"  # real texts of the genre from many provinces, with gold
VARIANTS = Path(__file__).resolve().parent / "variants"


def report_path(stem_prefix: str) -> Path:
    """An example report by the first characters of its name (000, 001, ...)."""
    return next(EXAMPLES.glob(f"{stem_prefix}*.txt"))


def gold(stem_prefix: str) -> dict:
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD} (set PERFKG_SHARED)")
    return json.loads(next(GOLD.glob(f"{stem_prefix}*.json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def extractions():
    """The five example reports, extracted once."""
    from perfkg.ingest.pipeline import extract_file

    return {path.name[:3]: extract_file(path) for path in sorted(EXAMPLES.glob("*.txt"))}


@pytest.fixture
def store(tmp_path):
    """An empty embedded store of its own, in a temporary folder."""
    from perfkg.store.falkor import FalkorStore

    store = FalkorStore(tmp_path / "graph.db", create=True)
    yield store
    store.close()


@pytest.fixture(scope="session")
def loaded_store_path(tmp_path_factory):
    """A store path holding the five example reports (shared by read-only tests)."""
    from perfkg.store.falkor import FalkorStore
    from perfkg.ingest.runner import ingest

    path = tmp_path_factory.mktemp("loaded") / "graph.db"
    store = FalkorStore(path, create=True)
    outcomes = ingest(store, [EXAMPLES])
    assert [o.status for o in outcomes] == ["loaded"] * 5, [o.error for o in outcomes]
    yield path
    store.close()


@pytest.fixture(scope="session")
def loaded_client(loaded_store_path):
    from perfkg.client import Client
    from perfkg.config import Settings

    client = Client.open(settings=Settings(store=str(loaded_store_path)))
    yield client
    client.close()


@contextmanager
def serving(app):
    """The app served by uvicorn on a free local port, over real HTTP; yields its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
