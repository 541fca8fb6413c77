"""perfkg's own connections to the embedded store's server: RESP over its unix
socket, each reply read by hiredis' C parser.

This replaces redis-py (and falkordb-py over it), which the store used for a
handful of commands: importing redis 8 alone took a third of a CLI command's
time (its package imports its asyncio client, ssl and OpenTelemetry). The
server is local and only ever asked GRAPH.QUERY, GRAPH.RO_QUERY and a few
administrative commands, so a connection is a socket, a reader and a pool.

A connection serves one command at a time, so every thread gets one of its
own from the pool; one that failed anywhere between sending a command and
reading the whole reply (a timeout, a dropped connection, a reply that is not
UTF-8, an interrupt) is closed, never used again with part of a reply unread.
"""

from __future__ import annotations

import select
import socket
import threading

import hiredis

from .supervisor import command

# Replies read per call to recv: a large answer is tens of megabytes.
_READ_SIZE = 1 << 18
# Idle connections kept for the next commands; more threads than this at once
# each still get a connection of their own, closed once its command is done.
KEEP_IDLE = 8
# Error codes redis-py took off an error's message (the server's "ERR x" read as "x"),
# so messages stay as they were.
_CODES_DROPPED = frozenset({"ERR", "OOM", "LOADING", "NOSCRIPT", "READONLY", "EXECABORT", "NOPERM", "NOAUTH"})


class ReplyError(Exception):
    """An error the server replied with: the whole reply, or one part of it
    (FalkorDB puts a query's run-time error last in a reply)."""


class Disconnected(Exception):
    """No connection to the server, or it dropped one (the server has stopped)."""


class ReplyTimeout(Exception):
    """No reply within the socket's time limit."""


def _reply_error(message: str) -> ReplyError:
    code, _, rest = message.partition(" ")
    return ReplyError(rest if code in _CODES_DROPPED else message)


_MORE = object()  # the reader's word for "the reply is not whole yet"


class Connection:
    """One connection to the server at the unix socket `path`, named `name` in
    its client list; reads wait at most `timeout_s`."""

    def __init__(self, path: str, timeout_s: float, name: str | None = None):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout_s)
        try:
            self.sock.connect(path)
        except OSError as error:
            self.sock.close()
            raise Disconnected(f"Error {error.errno} connecting to unix socket: {path}. {error.strerror}.") from None
        self.reader = hiredis.Reader(encoding="utf-8", errors="strict", replyError=_reply_error,
                                     notEnoughData=_MORE)
        self.buffer = bytearray(_READ_SIZE)
        if name:
            try:
                reply = self.call("CLIENT", "SETNAME", name)
            except BaseException:
                self.close()
                raise
            if isinstance(reply, ReplyError):
                self.close()
                raise reply

    def call(self, *args):
        """Send a command and read its whole reply. An error reply is returned,
        not raised (the caller decides); a failure to send or read raises, and
        leaves this connection unfit for another command."""
        try:
            self.sock.sendall(command(*args))
        except socket.timeout:
            raise ReplyTimeout("Timeout writing to socket") from None
        except OSError as error:
            raise Disconnected(f"Error {error.errno} while writing to socket. {error.strerror}.") from None
        return self.reply()

    def reply(self):
        reader, buffer, sock = self.reader, self.buffer, self.sock
        reply = reader.gets()
        while reply is _MORE:
            try:
                size = sock.recv_into(buffer)
            except socket.timeout:
                raise ReplyTimeout("Timeout reading from socket") from None
            except OSError as error:
                raise Disconnected(f"Error while reading from socket: {error.args}") from None
            if not size:
                raise Disconnected("Connection closed by server.")
            reader.feed(buffer, 0, size)
            reply = reader.gets()
        return reply

    def idle_and_open(self) -> bool:
        """Whether nothing waits to be read: a server that stopped (or was
        restarted) since this connection's last command has closed it, which
        reads as the socket being readable."""
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        return not poller.poll(0)

    def close(self) -> None:
        self.sock.close()


class Pool:
    """Connections to one server, one per command running at once."""

    def __init__(self, path: str, timeout_s: float, name: str | None = None):
        self.path, self.timeout_s, self.name = path, timeout_s, name
        self._idle: list[Connection] = []
        self._busy: set[Connection] = set()
        self._lock = threading.Lock()
        self._closed = False

    def call(self, *args):
        """The reply to one command; an error reply raises ReplyError (one
        inside a reply is left in it), a lost connection Disconnected, a reply
        slower than the pool's time limit ReplyTimeout."""
        connection = self._take()
        try:
            reply = connection.call(*args)
        except BaseException:
            self._discard(connection)
            raise
        self._give_back(connection)
        if isinstance(reply, ReplyError):
            raise reply
        return reply

    def _take(self) -> Connection:
        with self._lock:
            if self._closed:
                raise Disconnected("the store was closed")
            while self._idle:
                connection = self._idle.pop()
                if connection.idle_and_open():
                    self._busy.add(connection)
                    return connection
                connection.close()
        connection = Connection(self.path, self.timeout_s, self.name)
        with self._lock:
            self._busy.add(connection)
        return connection

    def _give_back(self, connection: Connection) -> None:
        with self._lock:
            self._busy.discard(connection)
            if not self._closed and len(self._idle) < KEEP_IDLE:
                self._idle.append(connection)
                return
        connection.close()

    def _discard(self, connection: Connection) -> None:
        with self._lock:
            self._busy.discard(connection)
        connection.close()

    def close(self) -> None:
        """Close every connection. One in use by another thread is shut down, so
        its command ends now (Disconnected) and the connection with it."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            busy = list(self._busy)
        for connection in idle:
            connection.close()
        for connection in busy:
            try:
                connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # closed meanwhile by its own thread
