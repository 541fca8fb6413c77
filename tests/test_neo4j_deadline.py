"""perfkg's own deadline on Neo4j calls: a server that stops answering (a
plan the server's time limit does not stop, a time-limit monitor that died)
is given up by perfkg at the call's limit and a few seconds more, and the
store answers again once the server does. The server here is real; between
it and perfkg, a relay that can stop passing bytes stands for a server that
stopped answering."""

import socket
import threading
from dataclasses import replace

import pytest

from perfkg.store import QueryTimeout, open_store
from perfkg.store.neo4j_store import CLIENT_GRACE_S

pytestmark = pytest.mark.neo4j


class Relay:
    """A TCP relay to `target` on a free loopback port; `hold()` stops passing
    bytes either way (they wait in the relay), `release()` passes them on."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.flowing = threading.Event()
        self.flowing.set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    def hold(self):
        self.flowing.clear()

    def release(self):
        self.flowing.set()

    def close(self):
        self.release()
        self.listener.close()


@pytest.fixture
def relayed(neo4j_backend):
    settings = neo4j_backend.settings()
    host, port = settings.store.split("://", 1)[1].rsplit(":", 1)
    relay = Relay((host, int(port)))
    store = open_store(replace(settings, store=f"bolt://127.0.0.1:{relay.port}"))
    yield relay, store
    relay.release()
    store.close()
    relay.close()


def test_a_read_the_server_never_answers_is_given_up_at_its_limit_and_the_store_answers_again(relayed):
    relay, store = relayed
    query = "MATCH (n) RETURN count(n) AS n"
    assert store.read(query, timeout_ms=1000).columns == ["n"]  # planned once: its type is known
    relay.hold()
    with pytest.raises(QueryTimeout, match=f"did not answer within 1 s and {CLIENT_GRACE_S} s more: perfkg stopped"):
        store.read(query, timeout_ms=1000)
    relay.release()
    assert store.read(query, timeout_ms=60_000).columns == ["n"]


def test_a_plan_the_server_never_answers_is_given_up_at_the_planning_limit(relayed):
    relay, store = relayed
    store.planning_timeout_s = 1
    relay.hold()
    with pytest.raises(QueryTimeout, match=f"did not answer within 1 s and {CLIENT_GRACE_S} s more"):
        store.read("MATCH (a)-[]-(b) RETURN count(*)", timeout_ms=1000)
    relay.release()
    store.planning_timeout_s = 60
    assert store.read("MATCH (a)-[]-(b) RETURN count(*) AS n").columns == ["n"]
