"""A real Neo4j Community server on loopback, assembled from Maven Central.

The Neo4j tarball's bin/neo4j runs `java -cp 'lib/*' org.neo4j.server.CommunityEntryPoint`, and
every jar of its lib/ is a Maven artifact: the server is `org.neo4j:neo4j` with
`org.neo4j.app:neo4j-server` (HTTP), and Neo4j Browser is `org.neo4j.client:neo4j-browser`,
served by the server from its class path at /browser/. Maven resolves them into its own
repository (~/.m2) once; the class path is kept in a cache folder outside the project
($XDG_CACHE_HOME/perfkg or ~/.cache/perfkg), so no jar is copied and nothing enters git.

A server lives in a folder of its own (conf/, data/, logs/, run/, import/): started on free
loopback ports with authentication on and a generated password, stopped by the process id it
records there. The tests' session fixture, `make neo4j` and `make bench` use it.

    python scripts/neo4j_server.py start var/neo4j    # fetch once, start, print the settings to use
    python scripts/neo4j_server.py stop var/neo4j     # what `make neo4j-stop` runs
    python scripts/neo4j_server.py env var/neo4j      # the settings of the running server again
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# The newest 5.x LTS that Maven Central serves, and the newest Browser it serves (5.24.0 serves
# from a 5.26 server: tests/test_neo4j_browser.py). docker-compose.yml runs the same server version.
NEO4J_VERSION = "5.26.30"
BROWSER_VERSION = "5.24.0"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "perfkg" / f"neo4j-{NEO4J_VERSION}"

POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>perfkg</groupId>
  <artifactId>neo4j-community-server</artifactId>
  <version>{NEO4J_VERSION}</version>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>{NEO4J_VERSION}</version></dependency>
    <dependency><groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId><version>{NEO4J_VERSION}</version></dependency>
    <dependency><groupId>org.neo4j.client</groupId><artifactId>neo4j-browser</artifactId><version>{BROWSER_VERSION}</version></dependency>
  </dependencies>
</project>
"""

# The JVM options of the tarball's default neo4j.conf that matter here: the page cache and
# Netty need reflective access to NIO buffers.
JVM_OPTIONS = [
    "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow", "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields", "-XX:+DisableExplicitGC", "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true", "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
]

# Neo4j checks running transactions against their time limit every 2 s by default, so a 200 ms
# limit stopped a query after 1.8 to 2.3 s. Checking every 100 ms brings the lag under 0.2 s.
CHECK_INTERVAL = "100ms"

# Where `make neo4j` keeps its server (the Makefile's NEO4J_HOME).
DEFAULT_HOME = Path("var/neo4j")

# The server's own bounds, whatever a client asks: a transaction runs at most TRANSACTION_TIMEOUT
# (perfkg's reads ask for less), holds at most TRANSACTION_MEMORY of the heap, and all running
# transactions together at most TRANSACTIONS_MEMORY, so no one query can take the heap (a nested
# list comprehension did, after which the timeout monitor itself died of OutOfMemoryError and no
# time limit held until a restart). The same lines belong in any Neo4j serving perfkg
# (docs/reliability.md).
TRANSACTION_TIMEOUT = "60s"
TRANSACTION_MEMORY = "256m"
TRANSACTIONS_MEMORY = "512m"


class Unavailable(Exception):
    """No Neo4j server can be had here: the reason says why (no Java, no Maven, a refused fetch)."""


@dataclass
class Server:
    home: str
    pid: int
    bolt_port: int
    http_port: int
    password: str
    user: str = "neo4j"
    version: str = NEO4J_VERSION

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    def env(self) -> dict[str, str]:
        """perfkg's settings for this server."""
        return {"PERFKG_STORE": self.uri, "PERFKG_NEO4J_USER": self.user, "PERFKG_NEO4J_PASSWORD": self.password}


# -- fetching ---------------------------------------------------------------


def missing_tools() -> str | None:
    """Why a server cannot be fetched and run here, or None when it can."""
    if java() is None:
        return "no Java (set JAVA_HOME or put java on PATH; Neo4j 5 runs on Java 17 or 21)"
    if shutil.which("mvn") is None:
        return "no Maven (mvn) to fetch the server's jars from Maven Central"
    return None


def java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def class_path(cache: Path = CACHE) -> list[str]:
    """The server's jars, resolved by Maven on first use (about a minute, 137 MB into ~/.m2)."""
    listing = cache / "classpath.txt"
    if listing.exists():
        jars = listing.read_text().strip().split(os.pathsep)
        if jars and all(Path(jar).exists() for jar in jars):
            return jars
    reason = missing_tools()
    if reason:
        raise Unavailable(reason)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "pom.xml").write_text(POM)
    command = ["mvn", "-B", "-q", "-f", str(cache / "pom.xml"), "dependency:build-classpath",
               "-DincludeScope=runtime", f"-Dmdep.outputFile={listing}"]
    print(f"fetching Neo4j {NEO4J_VERSION} and Browser {BROWSER_VERSION} from Maven Central "
          "(once; about a minute)", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 or not listing.exists():
        raise Unavailable(f"`{' '.join(command)}` failed (exit {done.returncode}): "
                          + (done.stdout + done.stderr).strip()[-2000:])
    return listing.read_text().strip().split(os.pathsep)


# -- starting and stopping ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(bolt_port: int, http_port: int, pagecache: str, extra: dict[str, str]) -> str:
    settings = {
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        # Browser asks the server where Bolt is: the advertised port must be the real one.
        "server.bolt.listen_address": f":{bolt_port}",
        "server.bolt.advertised_address": f":{bolt_port}",
        "server.http.listen_address": f":{http_port}",
        "server.http.advertised_address": f":{http_port}",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        # Nothing leaves the machine (its network is closed anyway): no usage reports from
        # the server, no telemetry from Browser.
        "dbms.usage_report.enabled": "false",
        "client.allow_telemetry": "false",
        # Browser fetches a `:style` or `:play` URL only from these hosts: here, perfkg's API on
        # this machine (`:style http://localhost:8000/style/perfkg.grass`, docs/neo4j-browser.md).
        "browser.remote_content_hostname_whitelist": "localhost",
        "server.memory.pagecache.size": pagecache,
        "db.transaction.monitor.check.interval": CHECK_INTERVAL,
        "db.transaction.timeout": TRANSACTION_TIMEOUT,
        "db.memory.transaction.max": TRANSACTION_MEMORY,
        "dbms.memory.transaction.total.max": TRANSACTIONS_MEMORY,
        **extra,
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the process that started it dies, so a killed
    test run leaves no server behind (Linux prctl PR_SET_PDEATHSIG)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def start(home: Path, *, heap: str = "1g", pagecache: str = "512m", extra: dict[str, str] | None = None,
          jvm: list[str] | None = None, tied_to_parent: bool = False, wait_s: float = 180) -> Server:
    """A fresh server in `home` (emptied first), once Bolt answers with its password.
    `jvm`: more options for Java. `tied_to_parent`: it stops when the calling process dies
    (tests); otherwise it runs until `stop` (make neo4j)."""
    jars = class_path()
    home = Path(home).resolve()
    if (home / "server.json").exists():
        stop(home)
    shutil.rmtree(home, ignore_errors=True)
    for folder in ("conf", "data", "logs", "run", "import", "plugins"):
        (home / folder).mkdir(parents=True)
    bolt_port, http_port = free_port(), free_port()
    (home / "conf" / "neo4j.conf").write_text(_config(bolt_port, http_port, pagecache, extra or {}))
    password = secrets.token_urlsafe(18)
    # Java reads its long class path from an argument file (@file), not the command line.
    (home / "run" / "java.args").write_text(f"-cp {os.pathsep.join(jars)}\n")
    set_initial_password(home, password)
    with open(home / "logs" / "console.log", "w") as console:
        process = subprocess.Popen(
            [java(), f"-Xms{heap}", f"-Xmx{heap}", *JVM_OPTIONS, *(jvm or []), f"@{home / 'run' / 'java.args'}",
             "org.neo4j.server.CommunityEntryPoint", f"--home-dir={home}", f"--config-dir={home / 'conf'}"],
            env=_env(home), stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=not tied_to_parent, preexec_fn=_die_with_parent if tied_to_parent else None)
    server = Server(home=str(home), pid=process.pid, bolt_port=bolt_port, http_port=http_port, password=password)
    (home / "server.json").write_text(json.dumps(asdict(server), indent=2))
    (home / "server.json").chmod(0o600)
    try:
        _wait_for_bolt(server, process, wait_s)
    except BaseException:
        stop(home)
        raise
    return server


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}


def set_initial_password(home: Path, password: str) -> None:
    """Before the first start: the password of user neo4j (written into home/data)."""
    # The password after `--`: one starting with "-" (one in 64 of token_urlsafe's) would be
    # read as an option, and the start would fail.
    admin = subprocess.run([java(), f"@{home / 'run' / 'java.args'}", "org.neo4j.cli.AdminTool", "dbms",
                            "set-initial-password", "--", password], env=_env(home), capture_output=True, text=True)
    if admin.returncode != 0:
        # The reason comes first; a usage text may follow it.
        raise Unavailable(f"setting the initial password failed: {(admin.stdout + admin.stderr)[:2000]}")


def _wait_for_bolt(server: Server, process: subprocess.Popen, wait_s: float) -> None:
    import neo4j

    deadline = time.monotonic() + wait_s
    while True:
        if process.poll() is not None:
            raise Unavailable(f"Neo4j exited with code {process.returncode} while starting:\n{log_tail(server.home)}")
        try:
            with socket.create_connection(("127.0.0.1", server.bolt_port), timeout=1):
                pass
            with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
                driver.verify_connectivity()
            return
        except (OSError, neo4j.exceptions.ServiceUnavailable):
            pass
        if time.monotonic() > deadline:
            raise Unavailable(f"Neo4j did not answer on Bolt within {wait_s:.0f} s:\n{log_tail(server.home)}")
        time.sleep(0.25)


def log_tail(home: str | Path, lines: int = 30) -> str:
    text = ""
    for name in ("console.log", "neo4j.log"):
        path = Path(home) / "logs" / name
        if path.exists():
            text += "".join(path.read_text(errors="replace").splitlines(keepends=True)[-lines:])
    return text


def running(home: str | Path) -> Server | None:
    """The server recorded in `home`, if its process is still the Neo4j that was started there."""
    record = Path(home) / "server.json"
    if not record.exists():
        return None
    server = Server(**json.loads(record.read_text()))
    try:
        command = Path(f"/proc/{server.pid}/cmdline").read_bytes()
    except OSError:
        return None
    return server if b"CommunityEntryPoint" in command and str(server.home).encode() in command else None


def stop(home: str | Path, wait_s: float = 60) -> None:
    """Stop the server recorded in `home` by its process id: SIGTERM (Neo4j shuts down
    cleanly), SIGKILL if it has not exited within `wait_s`."""
    server = running(home)
    if server is not None:
        os.kill(server.pid, signal.SIGTERM)
        deadline = time.monotonic() + wait_s
        while running(home) is not None and time.monotonic() < deadline:
            _reap(server.pid)
            time.sleep(0.1)
        if running(home) is not None:
            os.kill(server.pid, signal.SIGKILL)
        _reap(server.pid)
    (Path(home) / "server.json").unlink(missing_ok=True)


def _reap(pid: int) -> None:
    """Collect the exit status of a server this process started (else it lingers as a zombie)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


# -- the command line ---------------------------------------------------------


def _exports(server: Server) -> str:
    return " ".join(f"{key}={value}" for key, value in server.env().items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["fetch", "start", "stop", "env"])
    parser.add_argument("home", type=Path, nargs="?", default=DEFAULT_HOME, help="the server's folder")
    parser.add_argument("--heap", default="1g", help="Java heap (-Xms and -Xmx)")
    parser.add_argument("--pagecache", default="512m", help="server.memory.pagecache.size")
    args = parser.parse_args(argv)
    try:
        if args.action == "fetch":
            print(f"{len(class_path())} jars of Neo4j {NEO4J_VERSION} in {CACHE / 'classpath.txt'}")
        elif args.action == "start":
            server = start(args.home, heap=args.heap, pagecache=args.pagecache)
            print(f"Neo4j {server.version} (pid {server.pid}), data in {server.home}\n"
                  f"Browser: {server.browser_url} (user neo4j, password {server.password})\n"
                  f"export {_exports(server)}\n"
                  f"Stop it: make neo4j-stop{'' if args.home == DEFAULT_HOME else f' NEO4J_HOME={args.home}'}")
        elif args.action == "stop":
            stop(args.home)
        else:
            server = running(args.home)
            if server is None:
                print(f"no server running in {args.home}", file=sys.stderr)
                return 1
            print(f"export {_exports(server)}")
    except Unavailable as error:
        print(f"Neo4j unavailable: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
