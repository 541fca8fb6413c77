"""Shared fixtures: the example and shared reports, and real graph stores.

Every test of store behaviour runs on each store perfkg supports, as ibis runs
its tests on each backend: the session fixture `backend` is parametrised over
BACKENDS with an id and a mark per store (`pytest -m neo4j` runs the Neo4j
half alone). The Neo4j half runs on a real Neo4j Community server: the one
PERFKG_NEO4J_URI names (it is EMPTIED: point it at a disposable database), else
one this session starts from Maven Central's jars (scripts/neo4j_server.py) and
stops at its end. Without Java or Maven it is skipped, with the reason (unless
PERFKG_REQUIRE_NEO4J is set, as CI sets it: then it fails). A
difference between the stores is a marked expected failure with its reason
(`known_gap`), never a silent skip.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

# A command leaves its embedded server running this long for the next one to
# reuse: in tests, briefly, so the many stores of a run do not pile up.
os.environ.setdefault("PERFKG_SERVER_IDLE_S", "2")
# Starlette's TestClient asks for the host `testserver`: served, in tests only
# (as Django's test runner allows it), besides loopback's names.
os.environ.setdefault("PERFKG_ALLOWED_HOSTS", "testserver")
# A pytest-xdist worker is started with COLUMNS=80 and LINES=24; rich reads them once, when
# the CLI makes its console, so a test's own COLUMNS would be ignored. As in a run without workers:
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "reports"
SHARED = Path(os.environ.get("PERFKG_SHARED", ROOT.parent / "shared"))
GOLD = SHARED / "gold"
SHARED_REPORTS = SHARED / "reports"
CORPUS = SHARED / "corpus"  # real texts of the genre from many provinces, with gold
VARIANTS = Path(__file__).resolve().parent / "variants"

sys.path.insert(0, str(ROOT / "scripts"))
import neo4j_server  # noqa: E402

BACKENDS = ("falkordb", "neo4j")


# A project's self-evaluation form of 2021 and another project's target declaration of 2022,
# both under one county water bureau (主管部门) and carried out by two of its units.
PROJECT_DOCUMENTS = {
    "饮水工程自评表.txt": (
        "项目支出绩效自评表\n( 2021 年度)\n"
        "项目名称 | 农村饮水安全巩固提升工程\n"
        "主管部门 | 某某县水利局 | 实施单位 | 某某县农村供水服务中心\n"
        "项目资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分\n"
        "年度资金总额 | 300 | 320 | 288 | 10 | 90% | 9\n"
        "其中:当年财政拨款 | 300 | 320 | 288 | — | — | —\n"
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分\n"
        "产出指标 | 数量指标 | 新建集中供水工程 | 3处 | 2处 | 20 | 14\n"
        "效益指标 | 社会效益指标 | 受益人口 | ≥2万人 | 2.1万人 | 20 | 20\n"
        "总分 | 100 | 89 | 良\n"),
    "河道整治目标表.txt": (
        "项目支出绩效目标表\n（2022年度）\n"
        "项目名称 | 河道综合整治工程\n"
        "主管部门 | 某某县水利局 | 实施单位 | 某某县河道管理所\n"
        "一级指标 | 二级指标 | 三级指标 | 指标值\n"
        "产出指标 | 数量指标 | 整治河道长度 | ≥10公里\n"
        "效益指标 | 生态效益指标 | 水质达标率 | ≥90%\n"),
}


def report_path(stem_prefix: str) -> Path:
    """An example report by the first characters of its name (000, 001, ...)."""
    return next(EXAMPLES.glob(f"{stem_prefix}*.txt"))


def gold(stem_prefix: str) -> dict:
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD} (set PERFKG_SHARED)")
    return json.loads(next(GOLD.glob(f"{stem_prefix}*.json")).read_text(encoding="utf-8"))


def known_gap(store: str, reason: str, *, raises=AssertionError):
    """Mark a test parameter of `store` as an expected failure, with the reason (ibis's notyet).
    Strict: when the gap closes, the test says so by failing, and the mark goes."""
    return pytest.mark.known_gap(store=store, reason=reason, raises=raises)


def pytest_collection_modifyitems(items):
    """Turn each `known_gap` mark into an xfail on the parameter of the store it names."""
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("backend")
        for mark in item.iter_markers("known_gap"):
            if mark.kwargs["store"] == backend:
                item.add_marker(pytest.mark.xfail(reason=mark.kwargs["reason"], raises=mark.kwargs["raises"],
                                                  strict=True))


# How long each module's part of a group of tests took when last run, in pytest's cache:
# the scheduler sends the longest group first, so no long module starts while the other
# workers are nearly done. By part, so a run of a few files leaves the others' times be.
SCOPE_SECONDS = "perfkg/scope_seconds"
# What a fresh clone (CI) schedules by, its cache empty: the same times from a whole run
# (`make test`, then copy .pytest_cache/v/perfkg/scope_seconds here), as pytest-split
# keeps its .test_durations. The cache's, where there are any, come first.
RECORDED_SECONDS = Path(__file__).with_name("scope_seconds.json")


def _direct_neo4j_modules() -> set[str]:
    """Modules that take the Neo4j server directly (`neo4j_backend`, not through `backend`)."""
    return {path.name for path in Path(__file__).parent.glob("test_*.py")
            if "neo4j_backend" in path.read_text(encoding="utf-8")}


def _scope(nodeid: str, direct: set[str]) -> str:
    """The Neo4j half is one group, so one worker runs it on one server (each worker is a
    session of its own, and a second server costs a second JVM start; with more than two
    workers the scheduler splits it by module, `_neo4j_groups`); the rest goes a module at
    a time, so a module's fixtures are made once."""
    module, _, name = nodeid.partition("::")
    params = name.partition("[")[2].rstrip("]").split("-")
    return "neo4j" if "neo4j" in params or Path(module).name in direct else module


def _part(nodeid: str, direct: set[str]) -> str:
    """A module's part of its group: the module, or the module in the Neo4j group."""
    scope, module = _scope(nodeid, direct), nodeid.partition("::")[0]
    return module if scope == module else f"{scope} {module}"


def _neo4j_groups(parts: dict[str, int], seconds: dict[str, float], servers: int) -> dict[str, int]:
    """The Neo4j half's modules (`parts`: each part with its number of tests) dealt into
    `servers` groups of about equal time, the longest first to the group with least so far.
    A module not timed yet counts its tests, at the average seconds a test of the timed ones."""
    timed = [part for part in parts if part in seconds]
    per_test = sum(seconds[p] for p in timed) / max(1, sum(parts[p] for p in timed)) if timed else 1.0
    expected = {part: seconds.get(part, parts[part] * per_test) for part in parts}
    loads, group = [0.0] * servers, {}
    for part in sorted(parts, key=lambda p: (-expected[p], p)):
        least = loads.index(min(loads))
        group[part], loads[least] = least, loads[least] + expected[part]
    return group


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without it, never called
def pytest_xdist_make_scheduler(config, log):
    """With workers (`make test`: pytest-xdist), the tests go out in groups (`_scope`), the
    one that took longest in the last run first (longest first keeps the workers' ends
    close); groups timed neither in the cache nor in RECORDED_SECONDS go first, and among
    equals the one of most tests.
    With two workers the Neo4j half is one group, on one server; with more, it is split by
    module into a group for each worker but one, each on a server of its own (a worker is
    a session, and starts its own): a second JVM costs seconds, less than the half waiting
    for the one worker that would run it alone."""
    from xdist.scheduler import LoadScopeScheduling

    direct = _direct_neo4j_modules()
    cache = getattr(config, "cache", None)  # none under -p no:cacheprovider: the recorded times alone
    seconds = {**json.loads(RECORDED_SECONDS.read_text(encoding="utf-8")),
               **(cache.get(SCOPE_SECONDS, {}) if cache else {})}

    class ByStore(LoadScopeScheduling):
        groups: dict[str, int] = {}

        def schedule(self) -> None:
            if self.collection is None and self.registered_collections:
                collected = next(iter(self.registered_collections.values()))
                parts: dict[str, int] = {}
                for nodeid in collected:
                    if _scope(nodeid, direct) == "neo4j":
                        part = _part(nodeid, direct)
                        parts[part] = parts.get(part, 0) + 1
                self.groups = _neo4j_groups(parts, seconds, max(1, len(self.nodes) - 1))
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            scope = _scope(nodeid, direct)
            group = self.groups.get(_part(nodeid, direct), 0) if scope == "neo4j" else 0
            return f"neo4j {group + 1}" if group else scope

        def _assign_work_unit(self, node) -> None:
            longest = max(self.workqueue, key=self._expected_seconds)
            self.workqueue.move_to_end(longest, last=False)
            super()._assign_work_unit(node)

        def _expected_seconds(self, scope: str) -> float:
            parts = {_part(nodeid, direct) for nodeid in self.workqueue[scope]}
            return sum(seconds.get(part, float("inf")) for part in parts)

    if cache:
        config.pluginmanager.register(_ScopeClock(config, direct), "perfkg-scope-clock")
    return ByStore(config, log)


class _ScopeClock:
    """In the controller of a run with workers: each part's seconds (setup, call and
    teardown of its tests), kept in pytest's cache for the next run's scheduler."""

    def __init__(self, config, direct: set[str]):
        self.config, self.direct, self.seconds = config, direct, {}

    def pytest_runtest_logreport(self, report):
        part = _part(report.nodeid, self.direct)
        self.seconds[part] = self.seconds.get(part, 0.0) + report.duration

    def pytest_sessionfinish(self):
        if self.seconds:
            known = self.config.cache.get(SCOPE_SECONDS, {})
            self.config.cache.set(SCOPE_SECONDS, {**known, **{k: round(v, 1) for k, v in self.seconds.items()}})


@pytest.fixture(scope="session")
def extractions():
    """The five example reports, extracted once."""
    from perfkg.ingest.pipeline import extract_file

    return {path.name[:3]: extract_file(path) for path in sorted(EXAMPLES.glob("*.txt"))}


# -- the stores ----------------------------------------------------------------


class FalkorBackend:
    """The embedded store: every empty graph is a new store file of its own."""

    name = "falkordb"

    def __init__(self, tmp_path_factory):
        self._tmp = tmp_path_factory
        self._examples = None

    def settings(self, **overrides):
        from perfkg.config import Settings

        return Settings(store=str(self._tmp.mktemp("graph") / "graph.db"), **overrides)

    def empty(self, *, without_schema: bool = False, create: bool = True, **overrides):
        """Settings naming a graph with nothing in it (a new store has no indexes either):
        a store created here, or with `create=False` one the first command to use it creates."""
        from perfkg.store import open_store

        settings = self.settings(**overrides)
        if create:
            open_store(settings, create=True).close()
        return settings

    def examples(self, **overrides):
        """Settings naming a graph holding the five example reports, loaded once."""
        if self._examples is None:
            self._examples = self.empty()
            _load_examples(self._examples)
        return replace(self._examples, **overrides)

    def env(self, settings) -> dict[str, str]:
        """The environment that names this graph to `perfkg` (the CLI, a subprocess)."""
        return {"PERFKG_STORE": settings.store}

    def indexed(self, store) -> set[tuple[str, str]]:
        """(label, property) of every index the store has."""
        rows = store.read("CALL db.indexes() YIELD label, properties").rows
        return {(label, prop) for label, props in rows for prop in props}

    def serving(self, settings) -> bool:
        """Whether another process created this graph, so a store opened now joins its server
        (the embedded store writes its manifest last when it creates a store)."""
        from perfkg.store.server import MANIFEST

        return (Path(settings.store) / MANIFEST).exists()

    def server_pid(self, store) -> int | None:
        """The process of the database behind `store`, when the store started it itself."""
        return store.server_pid


class Neo4jBackend:
    """A Neo4j server: Community edition has one database, so every graph a test asks
    for is that database, emptied or loaded for it. It remembers what it holds, so the
    example graph is loaded again only after a test emptied it. Emptying keeps the
    constraints and indexes perfkg creates (creating them again costs seconds a test)
    unless a test asks for a database without them."""

    name = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None, browser_url: str | None = None):
        from perfkg.config import Settings

        self._base = Settings(store=uri, neo4j_user=user, neo4j_password=password, neo4j_database=database)
        self.browser_url = browser_url  # Neo4j Browser, on a server this session started
        self.holds: str | None = None

    def settings(self, **overrides):
        return replace(self._base, **overrides)

    def empty(self, *, without_schema: bool = False, create: bool = True, **overrides):
        from perfkg.store import open_store

        with open_store(self._base) as store:
            store.clear()
            # Constraints and indexes perfkg did not create (a replayed export's) go, and its
            # own too when asked. A constraint's index goes with it; the lookup indexes are
            # the server's own.
            for kind, listing in (("CONSTRAINT", "SHOW CONSTRAINTS YIELD name"),
                                  ("INDEX", "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")):
                for (name,) in store.write(f"{listing} RETURN name").rows:
                    if without_schema or not name.startswith("perfkg_"):
                        store.write(f"DROP {kind} `{name}`")
        self.holds = None
        return self.settings(**overrides)

    def examples(self, **overrides):
        if self.holds != "examples":
            _load_examples(self.empty())
            self.holds = "examples"
        return self.settings(**overrides)

    def env(self, settings) -> dict[str, str]:
        env = {"PERFKG_STORE": settings.store, "PERFKG_NEO4J_USER": settings.neo4j_user,
               "PERFKG_NEO4J_PASSWORD": settings.neo4j_password}
        if settings.neo4j_database:
            env["PERFKG_NEO4J_DATABASE"] = settings.neo4j_database
        return env

    def serving(self, settings) -> bool:
        return True

    def server_pid(self, store) -> int | None:
        return None

    def indexed(self, store) -> set[tuple[str, str]]:
        rows = store.write("SHOW INDEXES YIELD labelsOrTypes, properties, type WHERE type <> 'LOOKUP' "
                           "RETURN labelsOrTypes, properties").rows
        return {(labels[0], prop) for labels, props in rows for prop in props}


def _load_examples(settings) -> None:
    from perfkg.client import Client

    with Client.open(settings=settings) as client:
        outcomes = client.ingest([EXAMPLES])
    assert [o.status for o in outcomes] == ["loaded"] * 5, [o.error for o in outcomes]


@pytest.fixture(scope="session")
def neo4j_backend(tmp_path_factory):
    """The Neo4j server of this session: PERFKG_NEO4J_URI's, else one started here."""
    uri = os.environ.get("PERFKG_NEO4J_URI")
    if uri:
        yield Neo4jBackend(uri, os.environ.get("PERFKG_NEO4J_USER", "neo4j"),
                           os.environ.get("PERFKG_NEO4J_PASSWORD", ""), os.environ.get("PERFKG_NEO4J_DATABASE"))
        return
    home = tmp_path_factory.mktemp("neo4j")
    try:
        # Java's quick compiler alone: a test run is short, and the optimising compiler cost
        # the server more CPU than it saved (a third of the server's CPU over the query tests).
        server = neo4j_server.start(home, jvm=["-XX:TieredStopAtLevel=1"], tied_to_parent=True)
    except neo4j_server.Unavailable as error:
        if os.environ.get("PERFKG_REQUIRE_NEO4J"):  # CI: never a silent half
            raise
        pytest.skip(f"no Neo4j server for the Neo4j half of the tests: {error}")
    try:
        yield Neo4jBackend(server.uri, server.user, server.password, None, server.browser_url)
    finally:
        neo4j_server.stop(home)


@pytest.fixture(scope="session")
def falkordb_backend(tmp_path_factory):
    """The embedded store of this session: its example graph is made once, for the tests of
    both stores and those of the embedded store alone."""
    return FalkorBackend(tmp_path_factory)


@pytest.fixture(scope="session", params=[pytest.param(name, marks=getattr(pytest.mark, name), id=name)
                                         for name in BACKENDS])
def backend(request):
    """One store under test; every test that uses it runs once per store."""
    return request.getfixturevalue(f"{request.param}_backend")


@pytest.fixture(autouse=True)
def _the_example_graph_is_there_when_read(request):
    """On Neo4j one database serves every test: before a test that reads the example graph
    (through `examples`), load it again if a test before emptied the database. (A fixture of
    a wider scope that reads the graph when it is made runs before this: it calls
    `backend.examples()` itself.)"""
    if "examples" in request.fixturenames:
        backend = request.getfixturevalue("backend")
        if backend.name == "neo4j":
            assert not {"store", "empty_settings"} & set(request.fixturenames), \
                "on Neo4j the example graph and an empty one are the same database: ask for one of them"
        backend.examples()


@pytest.fixture
def store(backend):
    """An empty store of the backend."""
    from perfkg.store import open_store

    store = open_store(backend.empty())
    yield store
    store.close()


@pytest.fixture
def empty_settings(backend):
    """Settings naming an empty graph of the backend."""
    return backend.empty()


@pytest.fixture(scope="session")
def examples(backend):
    """Settings naming a graph of the backend that holds the five example reports (read only)."""
    return backend.examples()


@pytest.fixture(scope="session")
def loaded_store_path(falkordb_backend):
    """The embedded store holding the five example reports, for the tests written for the
    embedded store alone (the explorer's pages, the source endpoint): the `examples` graph
    of the embedded store (read only)."""
    return Path(falkordb_backend.examples().store)


@pytest.fixture(scope="session")
def loaded_client(examples):
    from perfkg.client import Client

    client = Client.open(settings=examples)
    yield client
    client.close()


@pytest.fixture
def falkor_store(tmp_path):
    """An empty embedded store, for what only the embedded store does (its server, its files)."""
    from perfkg.store.falkor import FalkorStore

    store = FalkorStore(tmp_path / "graph.db", create=True)
    yield store
    store.close()


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
