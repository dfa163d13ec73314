"""The WSGI application the end-to-end tests serve through the gateway, checked by wsgiref.validate."""

import time
from wsgiref.validate import validator


CHUNK = 64 * 1024
# Chunk n of a big body holds the bytes (n + j) mod 256, j = 0..255 repeated: cheap to make and to check.
_CHUNKS = [bytes((n + j) & 0xFF for j in range(256)) * (CHUNK // 256) for n in range(256)]


def _app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/ping":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"pong"]
    if path == "/echo":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        lines = ["method=" + environ["REQUEST_METHOD"], "query=" + environ.get("QUERY_STRING", ""),
                 "repeat=" + environ.get("HTTP_X_REPEAT", ""), "length=%d" % len(body)]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["\n".join(lines).encode("ascii"), b"\n", body]
    if path == "/cookies":
        start_response("200 OK", [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Content-Type", "text/plain")])
        return [b"two cookies"]
    if path == "/boom":
        raise RuntimeError("the application failed on purpose")
    if path == "/slow":
        time.sleep(float(environ.get("QUERY_STRING") or "3"))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"slow"]
    if path == "/big":
        total = int(environ.get("QUERY_STRING") or "0")
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(total))])
        return _big(total)
    if path == "/drip":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return _drip(int(environ.get("QUERY_STRING") or "20"))
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"no such page"]


def _big(total):
    for n, offset in enumerate(range(0, total, CHUNK)):
        yield _CHUNKS[n % 256][:total - offset]


def _drip(count):
    """25-byte chunks every 50 ms, as a slow producer (server-sent events, progress output) yields them."""
    for n in range(count):
        if n:
            time.sleep(0.05)
        yield b"%024d\n" % n


application = validator(_app)
