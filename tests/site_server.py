"""A real HTTP server on 127.0.0.1 (free port) over tests/fixtures/site, plus the misbehaving endpoints
the fetcher must survive. Every request is logged with its arrival time, so tests can check politeness."""

from __future__ import annotations

import gzip
import hashlib
import zlib
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import brotli

SITE = Path(__file__).resolve().parent / "fixtures" / "site"
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".txt": "text/plain",
         ".pdf": "application/pdf"}
FIFTY_MB = 50 * 1024 * 1024


@cache
def gzip_bomb() -> bytes:
    """About 50 KB on the wire, 50 MB once decompressed."""
    return gzip.compress(b"<p>" + b"a" * FIFTY_MB, compresslevel=6)


@cache
def brotli_bomb() -> bytes:
    """Under 1 KB on the wire, 256 MB once decompressed: one network chunk holds all of it."""
    return brotli.compress(b"a" * (256 * 1024 * 1024), quality=5)


@cache
def deflate_bomb() -> bytes:
    return zlib.compress(b"<p>" + b"a" * FIFTY_MB, 9)


@dataclass(slots=True)
class Hit:
    at: float  # time.monotonic() on arrival
    path: str  # with query
    headers: dict[str, str]


@dataclass(slots=True)
class SiteState:
    crawl_delay: int | None = None
    slow_seconds: float = 2.0
    drip_seconds: float = 0.5  # the drip routes send one byte this often, for as long as the client listens
    drip_for: float = 600.0  # ... or this long
    robots_drip: bool = False  # robots.txt drips too
    retry_after: str = "1"
    feed_extra: bool = False  # the feed gains an item (the ferry story): the next run must fetch only that
    hits: list[Hit] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    active: int = 0
    max_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SiteServer

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        state = self.server.state
        with state.lock:
            state.hits.append(Hit(time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()}))
            path = urlsplit(self.path).path
            state.calls[path] = calls = state.calls.get(path, 0) + 1
            state.active += 1
            state.max_active = max(state.max_active, state.active)
        try:
            self.route(path, calls)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose (size limit, timeout)
        finally:
            with state.lock:
                state.active -= 1

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
             **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def route(self, path: str, calls: int) -> None:
        state = self.server.state
        article = (SITE / "articles" / "flaky.html").read_bytes()
        match path:
            case "/robots.txt" if state.robots_drip:
                self.drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n", b"#")
            case "/drip-headers.html":
                self.drip(b"HTTP/1.1 200 OK\r\n", b"X")
            case "/drip-body.html":
                self.drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n", b"<")
            case "/robots.txt":
                extra = f"Crawl-delay: {state.crawl_delay}\n" if state.crawl_delay is not None else ""
                self.send(200, (SITE / "robots.txt").read_bytes() + extra.encode(), "text/plain")
            case "/challenge.html":
                self.send(403, (SITE / "challenge.html").read_bytes(), cf_mitigated="challenge")
            case "/auth.html":
                self.send(401, b"<html><body>Please log in</body></html>", WWW_Authenticate="Basic")
            case "/legal.html":
                self.send(451, b"<html><body>Unavailable for legal reasons</body></html>")
            case "/flaky-429.html" if calls == 1:
                self.send(429, b"slow down", "text/plain", Retry_After=state.retry_after)
            case "/flaky-503.html" if calls == 1:
                self.send(503, b"overloaded", "text/plain")
            case "/flaky-429.html" | "/flaky-503.html":
                self.send(200, article)
            case "/slow.html":
                time.sleep(state.slow_seconds)
                self.send(200, article)
            case "/huge.html":
                self.stream_huge()
            case "/bomb.html":
                self.send(200, gzip_bomb(), Content_Encoding="gzip")
            case "/brotli-bomb.html":
                self.send(200, brotli_bomb(), Content_Encoding="br")
            case "/deflate-bomb.html":
                self.send(200, deflate_bomb(), Content_Encoding="deflate")
            case "/brotli.html":
                self.send(200, brotli.compress(article), Content_Encoding="br")
            case "/loop/a" | "/loop/b":
                self.send(302, b"", Location="/loop/b" if path == "/loop/a" else "/loop/a")
            case "/moved.html":
                self.send(301, b"", Location="/articles/wind-farm.html")
            case _:
                self.static(path)

    def drip(self, head: bytes, byte: bytes) -> None:
        """`head` at once, then one byte every drip_seconds until the client hangs up (or drip_for passed)."""
        self.close_connection = True
        self.wfile.write(head)
        self.wfile.flush()
        for _ in range(int(self.server.state.drip_for / self.server.state.drip_seconds)):
            time.sleep(self.server.state.drip_seconds)
            self.wfile.write(byte)
            self.wfile.flush()

    def stream_huge(self) -> None:
        """50 MB of HTML without Content-Length (generated, never stored): only streaming can stop it."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
        for _ in range(FIFTY_MB // len(chunk)):
            self.wfile.write(chunk)
        self.close_connection = True

    def static(self, path: str) -> None:
        file = (SITE / path.lstrip("/")).resolve()
        if SITE not in file.parents or not file.is_file():
            self.send(404, b"not found")
            return
        body = file.read_bytes()
        if path == "/feed.xml" and self.server.state.feed_extra:
            body = body.replace(b"</channel>", b"<item><title>Ferry timetable changes for the winter season</title>"
                                b"<link>{{BASE}}/articles/flaky.html</link></item></channel>")
        body = body.replace(b"{{BASE}}", self.server.base_url.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send(304, b"", ETag=etag)
            return
        self.send(200, body, TYPES.get(file.suffix, "application/octet-stream"), ETag=etag,
                  Last_Modified=formatdate(file.stat().st_mtime, usegmt=True))


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping (slow endpoint) must not hold up shutdown
    block_on_close = False

    def __init__(self, state: SiteState | None = None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = state or SiteState()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits_to(self, prefix: str) -> list[Hit]:
        with self.state.lock:
            return [hit for hit in self.state.hits if hit.path.startswith(prefix)]

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
