"""Extraction in worker processes, each file within a wall-clock and a memory budget.

A tiny file can hang or exhaust a reader or a rule (objects of a PDF that refer to
each other, a span of a trillion table cells, a backtracking pattern) before any
check of its own runs. So every file is read and extracted in a worker process:

- a worker is killed when its file has taken `Budget.seconds`, and the file is
  refused naming the limit;
- a worker's address space is limited to its size at start plus
  `Budget.memory_mb` (RLIMIT_AS): an allocation past it fails at once (a
  MemoryError), before the machine runs short, and the file is refused;
- a worker that dies (the OOM killer, a crash in a C library) fails its file
  only: a new worker takes its place;
- results are taken as they come, from whichever worker finishes first, and
  handed on in the files' order (the order decides which of two versions of a
  report is loaded last), at most a window of files ahead of the oldest still
  being extracted.

Workers are forked from the ingest, so the extraction code (and jieba's
dictionary, loaded here first) is shared, not loaded again by each.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import signal
import stat
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable, Iterator

from .errors import IngestError

Extracted = tuple[object, dict[str, float]]  # (Extraction or IngestError, seconds)


@dataclass(frozen=True)
class Budget:
    """What one file may cost its worker (PERFKG_MAX_FILE_SECONDS, PERFKG_MAX_FILE_MEMORY_MB)."""

    seconds: float = 300.0
    memory_mb: int = 2048


# Files handed out per worker beyond the oldest file not yet extracted: extractions
# waiting to be loaded are held in memory.
AHEAD_PER_WORKER = 8


def warm() -> None:
    """Load what every extraction needs once, here, before workers are forked."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _limit_memory(memory_mb: int) -> int:
    """Limit this process's address space to its present size plus `memory_mb`; the limit."""
    limit = _status_kb("VmSize") * 1024 + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return limit


# An address space that peaked this close to its limit ran out of memory, whatever the
# error said (lxml reports a failed allocation as an XML syntax error).
_NEAR_THE_LIMIT = 64 * 1024 * 1024
OVER_MEMORY = ("reading and extracting it took more memory than a file may (PERFKG_MAX_FILE_MEMORY_MB): stopped; "
               "nothing written")


def _release_inherited_sockets(keep: int) -> None:
    # A worker talks to the ingest through its own socket pair (`keep`) only. /dev/null takes each
    # other socket's place (the ingest's connection to the store among them, which made
    # the embedded server count the worker as a user of its own), so the
    # descriptor numbers stay taken and stale socket objects close nothing else.
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return  # no /proc: nothing to look at
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in descriptors:
            try:
                if fd not in (null, keep) and stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
            except OSError:
                continue  # the listing's own descriptor, closed since
    finally:
        os.close(null)


def _exit_with(ingest_pid: int) -> None:
    """End this worker when the ingest is gone (killed outright, it cannot tell
    its workers, which would wait on their pipe for ever)."""
    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(ingest_pid, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch, name="perfkg-exit-with-ingest", daemon=True).start()


def _serve(conn: Connection, extract: Callable[[str], Extracted], memory_mb: int, ingest_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the ingest's to handle
    _release_inherited_sockets(keep=conn.fileno())
    _exit_with(ingest_pid)
    # What the worker inherits lives as long as it does: frozen, it is out of the
    # collector's walks, which then cover only what extraction makes (a file's
    # extraction took some 5 to 10 % less time).
    gc.freeze()
    limit = _limit_memory(memory_mb)
    while True:
        try:
            index, path = conn.recv()
        except (EOFError, OSError):
            return
        result, seconds = extract(path)
        exhausted = _status_kb("VmPeak") * 1024 >= limit - _NEAR_THE_LIMIT
        if exhausted:  # the peak stays: this worker retires after saying so
            result = IngestError(Path(path).name, OVER_MEMORY)
        conn.send((index, result, seconds, exhausted))
        if exhausted:
            return


class _Worker:
    def __init__(self, extract: Callable[[str], Extracted], budget: Budget):
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, extract, budget.memory_mb, os.getpid()),
                                       name="perfkg-extract", daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.deadline = 0.0

    def give(self, index: int, path: Path, seconds: float) -> None:
        self.index = index
        self.deadline = time.monotonic() + seconds
        self.conn.send((index, str(path)))

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)


def _death(process) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        hint = " (killed: out of memory?)" if -code == signal.SIGKILL else ""
        return f"the extracting process died of {name}{hint}"
    return f"the extracting process exited with status {code}"


def extract_in_workers(paths: list[Path], extract: Callable[[str], Extracted], *, workers: int, budget: Budget,
                       refused: dict[Path, IngestError] | None = None) -> Iterator[tuple[Path, object, dict]]:
    """(path, extraction or error, seconds) of each path, in the paths' order, each
    extracted by `extract` in a worker within `budget`; `refused` files are not read."""
    refused = refused or {}
    warm()
    pool = [_Worker(extract, budget) for _ in range(max(1, min(workers, len(paths))))]
    results: dict[int, Extracted] = {}
    handed = done = 0
    window = len(pool) * AHEAD_PER_WORKER
    try:
        while done < len(paths):
            while done in results:
                yield paths[done], *results.pop(done)
                done += 1
            if done >= len(paths):
                break
            for worker in pool:
                while worker.index is None and handed < len(paths) and handed < done + window:
                    path = paths[handed]
                    if path in refused:
                        results[handed] = (refused[path], {})
                    else:
                        worker.give(handed, path, budget.seconds)
                    handed += 1
            busy = [worker for worker in pool if worker.index is not None]
            if not busy:
                continue  # refusals filled the next results
            timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
            wait([worker.conn for worker in busy] + [worker.process.sentinel for worker in busy], timeout=timeout)
            for position, worker in enumerate(pool):
                if worker.index is None:
                    continue
                name = paths[worker.index].name
                failure = None
                try:
                    if worker.conn.poll():
                        index, result, seconds, retired = worker.conn.recv()
                        results[index] = (result, seconds)
                        worker.index = None
                        if retired:
                            worker.stop()
                            pool[position] = _Worker(extract, budget)
                        continue
                except (EOFError, OSError):
                    pass  # died while answering: below
                if not worker.process.is_alive():
                    worker.process.join()
                    failure = f"{_death(worker.process)} while reading and extracting it; nothing written"
                elif time.monotonic() >= worker.deadline:
                    failure = (f"reading and extracting it took over {budget.seconds:g} s "
                               "(PERFKG_MAX_FILE_SECONDS): stopped; nothing written")
                if failure:
                    results[worker.index] = (IngestError(name, failure), {})
                    worker.stop()
                    pool[position] = _Worker(extract, budget)
    finally:
        for worker in pool:
            worker.stop()
