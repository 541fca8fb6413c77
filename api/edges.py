"""What every answer of the server shares at its edge: the Host it may be
asked by, and the headers that tell a browser what a page may do.

A server on loopback is still reachable from a web page through DNS
rebinding (a name of the attacker's that resolves to 127.0.0.1), which the
browser sends as the Host header: only the loopback names, and the names the
operator adds, are served. The explorer and the API docs load nothing from
outside, so their pages can forbid every other origin.
"""

from __future__ import annotations

import ipaddress
import json

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")

# The explorer's pages: scripts and styles from the server only; the data
# blocks they read (<script type="application/json">) are not scripts, and
# the one style attribute (a chart's width) needs inline styles.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
# Swagger UI and ReDoc start from an inline script FastAPI writes, and ReDoc
# runs a worker from a blob: the docs carry no data of the graph.
DOCS_POLICY = PAGE_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline' blob:") + "; worker-src 'self' blob:"
DOCS_PATHS = ("/docs", "/redoc")

SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


def host_name(header: str) -> str:
    """The name of a Host header without its port: `[::1]:8000` -> `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_loopback(name: str) -> bool:
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always the machine itself
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class Edges:
    """ASGI middleware: a request whose Host is neither loopback nor one of
    `allowed_hosts` ("*": any) gets 400 unanswered; every answer gets the
    security headers."""

    def __init__(self, app, allowed_hosts: tuple[str, ...] = ()):
        self.app = app
        self.any_host = "*" in allowed_hosts
        self.allowed = {host_name(h) for h in allowed_hosts if h != "*"}

    def allows(self, name: str) -> bool:
        return self.any_host or is_loopback(name) or name in self.allowed

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        policy = (DOCS_POLICY if scope["path"] in DOCS_PATHS else PAGE_POLICY).encode()

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS,
                                      (b"content-security-policy", policy)]
            await send(message)

        header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        name = host_name(header)
        if not self.allows(name):
            allowed = ", ".join([*LOOPBACK_HOSTS, *sorted(self.allowed)])
            body = json.dumps({"error": f"host {header!r} is not served here (served: {allowed}); add a name with "
                                        "PERFKG_ALLOWED_HOSTS or perfkg serve --allow-host"}).encode()
            await with_headers({"type": "http.response.start", "status": 400,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, with_headers)
