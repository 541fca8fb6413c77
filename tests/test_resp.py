"""perfkg's own connections to the embedded store's server (perfkg/store/resp.py), on real
servers: replies split across reads, errors as and inside replies, a reply abandoned
half read, many threads at once, a server killed under idle connections, a store closed
under a running read."""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from perfkg.store import StoreUnavailable
from perfkg.store.falkor import FalkorStore
from perfkg.store.resp import Connection, Disconnected, Pool, ReplyError, ReplyTimeout

# A read that takes a good part of a second on a quiet machine (more under load).
SLOW = "UNWIND range(1, 3000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x)"


@pytest.fixture
def store(tmp_path):
    with FalkorStore(tmp_path / "graph.db", create=True) as opened:
        yield opened


def _ask(pool: Pool, cypher: str) -> list:
    """The rows of a read, as the compact reply gives them."""
    return pool.call("GRAPH.RO_QUERY", "perfkg", cypher, "--compact")[1]


def test_a_reply_split_across_many_reads_is_read_whole(store):
    connection = Connection(store._socket, 10)
    connection.buffer = bytearray(5)  # five bytes a read: every token and character split somewhere
    try:
        reply = connection.call("GRAPH.RO_QUERY", "perfkg",
                                "UNWIND range(1, 300) AS x RETURN x, '荔城街道' + toString(x), x / 2.0", "--compact")
    finally:
        connection.close()
    assert [[x, text, float(half)] for [[_, x], [_, text], [_, half]] in reply[1]] == [
        [x, f"荔城街道{x}", x / 2] for x in range(1, 301)]


def test_a_large_reply_is_read_whole_through_the_store(store):
    store.write("UNWIND range(1, 20000) AS i CREATE (:City {id: toString(i), name: '广州市第' + toString(i) + '区'})")
    rows = store.read("MATCH (c:City) RETURN c.id, c.name, c ORDER BY toInteger(c.id)").rows
    assert len(rows) == 10001  # the server's row cap (RESULTSET_SIZE: the largest row limit + 1)
    assert rows[-1] == ["10001", "广州市第10001区",
                        {"labels": ["City"], "properties": {"id": "10001", "name": "广州市第10001区"}}]


def test_an_error_reply_is_raised_and_the_connection_serves_the_next_command(store):
    pool = Pool(store._socket, 10)
    with pytest.raises(ReplyError, match="^Division by zero$"):
        _ask(pool, "RETURN 1/0")
    [kept] = pool._idle  # the whole reply was read: the connection goes on
    assert _ask(pool, "RETURN 'next'") == [[[2, "next"]]]
    assert pool._idle == [kept]
    pool.close()


def test_an_error_inside_a_reply_is_left_in_it(store):
    pool = Pool(store._socket, 10)
    # A script's reply is the one way to have the server put an error inside an array.
    reply = pool.call("EVAL", "return {1, redis.error_reply('ERR inside'), 'after'}", 0)
    assert reply[0] == 1 and isinstance(reply[1], ReplyError) and str(reply[1]) == "inside" and reply[2] == "after"
    assert pool.call("PING") == "PONG"
    pool.close()


def test_a_reply_past_the_time_limit_is_abandoned_with_its_connection(store):
    pool = Pool(store._socket, 0.05)
    with pytest.raises(ReplyTimeout):
        _ask(pool, SLOW)
    assert pool._idle == []
    # The next command's reply is its own, not the slow read's arriving late.
    pool.timeout_s = 60
    assert _ask(pool, "RETURN 'own'") == [[[2, "own"]]]
    pool.close()


def test_a_read_interrupted_mid_reply_leaves_no_half_read_connection(store):
    pool = Pool(store._socket, 60)

    class Interrupted(Exception):
        pass

    def interrupt(*_):
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)  # as a Ctrl-C would, while the reply is awaited
        with pytest.raises(Interrupted):
            _ask(pool, SLOW)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert pool._idle == []
    assert _ask(pool, "RETURN 'own'") == [[[2, "own"]]]
    pool.close()


def test_reads_from_many_threads_each_get_their_own_answer(store):
    store.write("UNWIND range(1, 200) AS i CREATE (:City {id: i})")

    def read(n: int) -> tuple[int, list]:
        return n, store.read("MATCH (c:City) WHERE c.id <= $n RETURN $n, count(c), collect(c.id)[0..3]",
                             {"n": n}).rows

    with ThreadPoolExecutor(max_workers=12) as threads:
        answers = list(threads.map(read, [n % 200 + 1 for n in range(600)]))
    for n, rows in answers:
        assert rows == [[n, n, list(range(1, min(n, 3) + 1))]]
    clients = store._pool.call("CLIENT", "LIST").splitlines()
    ours = [line for line in clients if " name=perfkg " in line]
    assert 1 <= len(ours) <= 12


def test_a_writer_and_readers_in_threads_at_once(store):
    stop = threading.Event()
    failures = []

    def read() -> None:
        while not stop.is_set():
            try:
                [[count]] = store.read("MATCH (c:City) RETURN count(c)").rows
                assert isinstance(count, int)
            except Exception as error:  # noqa: BLE001 - collected, asserted below
                failures.append(error)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        for batch in range(20):
            store.write("UNWIND range(1, 50) AS i CREATE (:City {id: $batch * 100 + i})", {"batch": batch})
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert failures == []
    assert store.read("MATCH (c:City) RETURN count(c)").rows == [[1000]]


def test_a_killed_server_under_idle_connections_fails_one_command_then_heals(tmp_path):
    store = FalkorStore(tmp_path / "graph.db", create=True)
    store.write("CREATE (:City {id: 'kept'})")
    with ThreadPoolExecutor(max_workers=4) as threads:  # several connections left idle in the pool
        list(threads.map(lambda _: store.read(SLOW), range(4)))
    assert len(store._pool._idle) > 1
    pid = store.server_pid
    os.kill(pid, signal.SIGKILL)
    while os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split(") ")[1][0] != "Z":
        time.sleep(0.02)
    with pytest.raises(StoreUnavailable, match="has stopped"):
        store.read("MATCH (c:City) RETURN c.id")
    # The other idle connections were to the killed server: none is used again.
    for _ in range(3):
        assert store.read("MATCH (c:City) RETURN c.id").rows == [["kept"]]
    store.close()


def test_a_store_closed_under_a_running_read_ends_it_at_once(tmp_path):
    store = FalkorStore(tmp_path / "graph.db", create=True)
    outcome = []

    def read() -> None:
        try:
            store.read("UNWIND range(1, 20000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x)")
            outcome.append("answered")
        except StoreUnavailable as error:
            outcome.append(str(error))

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 30
    while not store._pool._busy and time.monotonic() < deadline:
        time.sleep(0.005)
    store.close(stop_server=False)
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert outcome == [f"the store at {store.folder} was closed"]
    with pytest.raises(StoreUnavailable, match="was closed"):
        store.read("RETURN 1")


def test_no_server_is_disconnected_not_a_hang(tmp_path):
    with pytest.raises(Disconnected, match="connecting to unix socket"):
        Connection(str(tmp_path / "none.sock"), 5)
