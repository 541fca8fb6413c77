"""The embedded store's supervisor: runs its redis-server and stops it when no
one has used it for a while.

    python supervisor.py REDIS_SERVER STORE_FOLDER IDLE_SECONDS HUNG_SECONDS

Started by perfkg.store.server in a session of its own, so a Ctrl-C or a kill
of the command that started it does not take the server away from other
processes using the same store. It:

- starts redis-server on STORE_FOLDER/redis.conf, with the folder as working
  directory, the server's own output appended to the store's server.log, and
  a parent-death signal, so the server stops (gracefully, flushing its log)
  even if this supervisor is killed outright;
- ends when the server ends, with its exit status;
- once the server has had no client but this one for IDLE_SECONDS, takes the
  store's lock (so no process is connecting meanwhile), compacts the server's
  append-only log into a checksummed snapshot if it has grown, and shuts the
  server down. That is what stops the server of a command that was killed,
  and what lets consecutive CLI commands share one server;
- kills the server when it has answered nothing for HUNG_SECONDS while using
  no CPU: deadlocked (FalkorDB can deadlock on its first command, every
  thread waiting on a lock), it would keep its clients waiting and the store
  taken for ever. What it acknowledged is already in its fsynced log, and the
  next command starts a new server. A server busy with a long write uses CPU,
  and one loading its data answers that it is loading: neither is killed.

Standard library only, and run as a script: starting it must not import
perfkg (pandas, rdflib ...), which would cost more than the server itself.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time

NAME = b"perfkg-supervisor"
POLL_S = 0.25


def _die_with_parent() -> None:
    # PR_SET_PDEATHSIG (1): SIGTERM when this supervisor dies. Set in the
    # child between fork and exec; the supervisor is single-threaded, so the
    # "parent" is this process for the server's whole life.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def command(*args: bytes | str | int) -> bytes:
    """A command as RESP: an array of bulk strings (text as UTF-8, numbers as
    their digits). Also perfkg.store.resp's, whose commands are queries of
    megabytes: each part is copied once, into the joined whole."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else (arg if isinstance(arg, str) else str(arg)).encode()
        parts.append(b"$%d\r\n" % len(data))
        parts.append(data)
        parts.append(b"\r\n")
    return b"".join(parts)


class Connection:
    """Just enough RESP to ask the server a few things over its unix socket."""

    def __init__(self, path: str, name: bytes | None = NAME):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        try:
            self.sock.connect(path)
        except OSError:
            self.sock.close()
            raise
        self.buffer = b""
        if name:
            try:
                self.ask(b"CLIENT", b"SETNAME", name)
            except (OSError, ConnectionError, RuntimeError):
                self.sock.close()
                raise

    def close(self) -> None:
        self.sock.close()

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            while len(self.buffer) < size + 2:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("the server closed the connection")
                self.buffer += chunk
            data, self.buffer = self.buffer[:size], self.buffer[size + 2:]
            return data
        if kind == b"*":
            return [self._reply() for _ in range(int(rest))]
        if kind == b"-":
            raise RuntimeError(rest.decode(errors="replace"))
        return rest

    def ask(self, *parts: bytes):
        self.sock.sendall(command(*parts))
        return self._reply()

    def info(self, section: bytes) -> dict[str, str]:
        text = self.ask(b"INFO", section).decode()
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def cpu_ticks(pid: int) -> int:
    """The CPU time a process has used, in clock ticks (its user and system time)."""
    with open(f"/proc/{pid}/stat", "rb") as handle:
        fields = handle.read().rsplit(b")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def log_line(text: str) -> None:
    """A warning in the server's log, as the server writes one (`pid:role date # text`)."""
    with open("server.log", "ab") as log:
        log.write(f"{os.getpid()}:S {time.strftime('%d %b %Y %H:%M:%S')} # {text}\n".encode())


def others_connected(conn: Connection) -> int:
    return int(conn.info(b"clients")["connected_clients"]) - 1


def compact(conn: Connection) -> None:
    """Rewrite the append-only log as a snapshot when queries were logged since
    the last one, and wait for it: the store at rest is then one checksummed
    file, which the next start loads fast and whose damage it detects."""
    persistence = conn.info(b"persistence")
    if int(persistence.get("aof_current_size", 0)) <= int(persistence.get("aof_base_size", 0)):
        return
    try:
        conn.ask(b"BGREWRITEAOF")
    except RuntimeError:
        return  # one is already running: wait for it below
    while True:
        time.sleep(0.05)
        persistence = conn.info(b"persistence")
        if persistence.get("aof_rewrite_in_progress") == "0" and persistence.get("aof_rewrite_scheduled") == "0":
            return


def main(redis_server: str, folder: str, idle_s: float, hung_s: float) -> int:
    os.chdir(folder)
    with open("server.log", "ab") as log:
        server = subprocess.Popen([redis_server, "redis.conf"], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                  preexec_fn=_die_with_parent)
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = None
    idle_since = None
    silent_since = silent_ticks = None  # since when the server has answered nothing, and its CPU time then
    while server.poll() is None:
        time.sleep(POLL_S)
        asked_at = time.monotonic()
        try:
            if conn is None:
                conn = Connection("server.sock")
            others = others_connected(conn)
        except TimeoutError:  # connected, or asked, and no answer came
            conn = None
            ticks = cpu_ticks(server.pid)
            if silent_since is None or ticks - silent_ticks > 1:
                silent_since, silent_ticks = asked_at, ticks  # silent from now, or busy: measured anew
            elif time.monotonic() - silent_since >= hung_s:
                log_line(f"perfkg supervisor: the server answered nothing for {time.monotonic() - silent_since:.0f} s "
                         "and used no CPU (deadlocked): killed; what it acknowledged is in its log, and the next "
                         "command starts a new server")
                server.kill()
                server.wait()
                break
            continue
        except (OSError, ConnectionError, RuntimeError, ValueError, KeyError):
            conn = None  # starting up, loading its data, or stopping: look again
            continue
        silent_since = None
        if others > 0:
            idle_since = None
            continue
        idle_since = idle_since or time.monotonic()
        if time.monotonic() - idle_since < idle_s:
            continue
        if not os.path.isdir(folder):  # the store was deleted: nothing may be written back
            try:
                conn.ask(b"SHUTDOWN", b"NOSAVE")
            except (OSError, ConnectionError):
                pass  # the server closes the connection as it exits
            server.wait()
            break
        with open("lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a process is opening the store: it will be a user
            try:
                if others_connected(conn) == 0:
                    compact(conn)
                    try:
                        conn.ask(b"SHUTDOWN")
                    except (ConnectionError, OSError):
                        pass  # the server closes the connection as it exits
                    server.wait()
            except (OSError, ConnectionError, RuntimeError):
                conn = None
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    # A server killed by a signal (a crash while loading damaged data, say)
    # exits as a shell reports it: 128 + the signal.
    return 128 - server.returncode if server.returncode < 0 else server.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
