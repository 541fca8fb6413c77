"""Bounds on what one request may take: its body (enforced before the
application reads it), its answer's size, the share of query threads ad-hoc
Cypher may hold, and the time and concurrency of exports."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from contextlib import asynccontextmanager
from typing import Any, Iterator

from perfkg.store import GraphStore, QueryResult, QueryTimeout


class RequestSizeLimit:
    """ASGI middleware: a request whose Content-Length exceeds the limit gets
    413 at once; one without Content-Length (chunked) is cut off at the limit."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                return await self._reject(send, 400, "invalid Content-Length")
            if too_big:
                return await self._reject(send, 413, f"request body over {self.max_bytes:,} bytes")
            return await self.app(scope, receive, send)

        received = 0
        rejected = False

        async def counted_receive():
            # Past the limit the client gets its 413 at once, and the
            # application is told the client went away, so it stops reading
            # (an exception here would reach FastAPI's body parser, which
            # answers 400 in its own shape).
            nonlocal received, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    rejected = True
                    await self._reject(send, 413, f"request body over {self.max_bytes:,} bytes")
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            if not rejected:  # after the 413, whatever the application says goes nowhere
                await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not rejected:
                raise

    @staticmethod
    async def _reject(send, status: int, message: str) -> None:
        body = json.dumps({"error": message}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def rows_within(columns: list[str], rows: list[list[Any]], max_bytes: int) -> tuple[list[list[Any]], bool]:
    """The first rows whose JSON records fit in `max_bytes`, and whether rows
    were left out. (Measured as compact JSON; a CSV of the same rows is smaller.)"""
    total = 0
    for index, row in enumerate(rows):
        total += len(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=str).encode()) + 2
        if total > max_bytes:
            return rows[:index], True
    return rows, False


def json_records_within(columns: list[str], rows: list[list[Any]], max_bytes: int) -> tuple[list[str], bool]:
    """The first rows, as JSON records, that fit in `max_bytes` as rows_within
    counts them, and whether rows were left out: each row encoded once, for
    the answer as for its size."""
    records, total = [], 0
    for row in rows:
        record = json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=str)
        total += len(record.encode()) + 2
        if total > max_bytes:
            return records, True
        records.append(record)
    return records, False


class Busy(Exception):
    """Every slot is taken: the client should try again shortly (429)."""


class Full(Exception):
    """Every slot is taken and the queue before them is full (503)."""


class Queue:
    """At most `running` callers at once and `waiting` more waiting their turn,
    without holding a thread while they wait; past that a caller is told at once
    that the service is full. Uploads are extracted this way: each takes a worker
    process within its budget, and a flood of them neither piles up work nor
    takes the server's threads."""

    def __init__(self, running: int, waiting: int, what: str):
        self._semaphore = asyncio.Semaphore(running)
        self.running, self.waiting, self.what = running, waiting, what
        self._admitted = 0

    @asynccontextmanager
    async def slot(self):
        if self._admitted >= self.running + self.waiting:
            raise Full(f"busy: {self.running} {self.what} are being processed and {self.waiting} wait already; "
                       "try again shortly")
        self._admitted += 1
        try:
            async with self._semaphore:
                yield
        finally:
            self._admitted -= 1


class Turns:
    """At most `size` callers at once; the others wait their turn in the event
    loop, holding none of the server's threads, at most `wait_s`, then are told
    the service is busy. Ad-hoc Cypher holds at most half the store's query
    threads this way, so however many runaway queries are sent, the named
    queries, the API's own and /health always find a thread of the server and
    of the store."""

    def __init__(self, size: int, wait_s: float, what: str):
        self._semaphore = asyncio.Semaphore(size)
        self.size, self.wait_s, self.what = size, wait_s, what
        self.waiting = self.running = 0

    @asynccontextmanager
    async def slot(self):
        self.waiting += 1
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.wait_s)
        except asyncio.TimeoutError:
            raise Busy(f"busy: {self.size} {self.what} running already; try again shortly") from None
        finally:
            self.waiting -= 1
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1
            self._semaphore.release()


class Slots:
    """At most `size` callers at once, each holding a thread; a caller waits at
    most `wait_s` for a slot, then is told the service is busy (429)."""

    def __init__(self, size: int, wait_s: float, what: str):
        self._semaphore = threading.BoundedSemaphore(size)
        self.size, self.wait_s, self.what = size, wait_s, what

    def acquire(self) -> None:
        if not self._semaphore.acquire(timeout=self.wait_s):
            raise Busy(f"busy: {self.size} {self.what} running already; try again shortly")

    def release(self) -> None:
        self._semaphore.release()

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


class DeadlineStore(GraphStore):
    """A store whose reads share one deadline: each read gets the time left as
    its limit, and none starts after it (an export of the whole graph is many
    reads). Writes are not for it."""

    def __init__(self, store: GraphStore, seconds: float):
        self.store = store
        self.kind, self.location = store.kind, store.location
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds

    def read(self, cypher, params=None, *, timeout_ms=None, row_limit=None) -> QueryResult:
        left_ms = int((self.deadline - time.monotonic()) * 1000)
        if left_ms <= 0:
            raise QueryTimeout(f"the export ran past its limit of {self.seconds:g} s")
        return self.store.read(cypher, params, timeout_ms=min(left_ms, timeout_ms or left_ms), row_limit=row_limit)

    def write(self, cypher, params=None):
        raise NotImplementedError("an export only reads")

    def write_batch(self, statements):
        raise NotImplementedError("an export only reads")

    def ensure_schema(self, schema):
        raise NotImplementedError("an export only reads")

    def ping(self) -> bool:
        return self.store.ping()

    def close(self) -> None:
        """The store is the caller's to close."""


def started(chunks: Iterator[str]) -> Iterator[str]:
    """The chunks, with the first one produced now: a store that is down or a
    limit hit at once raises here, before any status is sent."""
    first = next(chunks, "")

    def all_chunks() -> Iterator[str]:
        yield first
        yield from chunks

    return all_chunks()
