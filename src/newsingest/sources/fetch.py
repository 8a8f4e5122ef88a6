"""The polite HTTP client: robots.txt, per-host pacing, retries, size and type limits, SSRF guard.

`Fetcher.fetch_all` takes many requests and yields one outcome per request, in completion order. A
single dispatcher loop decides what may start: a request starts only when its host has a free slot
(per-host concurrency), the host's delay since its previous request start has passed (minimum delay,
robots Crawl-delay, Retry-After, backoff) and the global limit allows. Waiting never occupies a worker
thread, so a slow or throttled host never stalls the others.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from newsingest.sources.blocked import ACCESS_REFUSED, blocked_page, challenge_message
from newsingest.sources.deadline import POLL_SECONDS, attempt_deadline
from newsingest.sources.decompress import UndecodableBody, decoded_pieces
from newsingest.sources.guard import BlockedAddress, GuardedTransport, host_not_found
from newsingest.sources.robots import MAX_ROBOTS_BYTES, RobotsRules, robots_for_status

DEFAULT_USER_AGENT = "newsingest/0.1 (news archive crawler; honours robots.txt)"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
# Feeds and sitemaps (possibly gzipped), besides pages: what an input URL may turn out to be.
LISTING_TYPES = PAGE_TYPES | {"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                              "application/feed+xml", "application/xml", "text/xml", "application/gzip",
                              "application/x-gzip"}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ALLOW_PRIVATE_HINT = "; refused unless allowed (--allow-private-network, allow_private_network setting)"
RETRYABLE_REASONS = frozenset({"timeout", "connection_error", "host_not_found", "server_error", "rate_limited",
                               "robots_unavailable", "deferred"})


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Everything the fetcher may be told; the defaults are for unattended runs against real sites."""

    user_agent: str = DEFAULT_USER_AGENT
    contact: str | None = None  # e-mail or URL for site operators, added to the User-Agent
    per_host_concurrency: int = 2
    min_delay: float = 1.0  # seconds between two request starts on one host (robots Crawl-delay may raise it)
    global_concurrency: int = 16
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest silence while waiting for bytes
    total_timeout: float = 60.0  # wall-clock deadline of one attempt, connect to last byte (robots.txt too)
    retries: int = 3  # further attempts after a connection error, timeout, 429 or 5xx
    backoff_base: float = 1.0  # first retry after ~this many seconds, doubling each time, with jitter
    backoff_max: float = 60.0
    retry_after_max: float = 60.0  # a longer Retry-After is not waited for: the URL is retried next run
    # A host asking for longer pauses (Crawl-delay, min_delay) gets one request per run; its other URLs are
    # `deferred` to later runs rather than holding this one for hours.
    max_host_delay: float = 60.0
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024  # decoded body size limit (also cuts off decompression bombs)
    allow_private_network: bool = False

    def __post_init__(self) -> None:
        for name in ("min_delay", "connect_timeout", "read_timeout", "total_timeout", "backoff_base", "backoff_max",
                     "retry_after_max", "max_host_delay"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"fetch setting {name} must be a finite number of seconds >= 0, got {value!r}")

    @property
    def user_agent_header(self) -> str:
        return f"{self.user_agent} (+{self.contact})" if self.contact else self.user_agent


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """Per-host overrides (from a sources file); None keeps the FetchSettings value."""

    min_delay: float | None = None
    concurrency: int | None = None


@dataclass(frozen=True, slots=True)
class FetchRequest:
    url: str
    allowed_types: frozenset[str] = PAGE_TYPES
    etag: str | None = None  # validators for a conditional GET
    last_modified: str | None = None
    context: object = None  # whatever the caller needs back with the outcome


@dataclass(slots=True)
class Fetched:
    """A response the caller should look at: 2xx with its body, or 304 Not Modified (empty body)."""

    request: FetchRequest
    url: str  # final URL, after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime

    @property
    def content_type(self) -> str | None:
        return media_type(self.headers.get("content-type"))

    @property
    def charset(self) -> str | None:
        return header_charset(self.headers.get("content-type"))


@dataclass(slots=True)
class Refused:
    """The request produced no usable body, and why (a rejection reason code)."""

    request: FetchRequest
    url: str
    reason: str
    message: str
    status: int | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def retryable(self) -> bool:
        """Worth trying again in a later run; other refusals stand until the state is reset."""
        return self.reason in RETRYABLE_REASONS


Outcome = Fetched | Refused


@dataclass(slots=True)
class _Retry:
    reason: str
    message: str
    delay: float | None = None  # None: exponential backoff; else what the server asked for
    status: int | None = None


@dataclass(slots=True)
class _Redirect:
    location: str
    status: int


@dataclass(slots=True)
class _Job:
    request: FetchRequest
    url: str
    hops: int = 0
    attempt: int = 0


@dataclass(slots=True)
class _Host:
    delay: float
    concurrency: int
    queue: deque[_Job] = field(default_factory=deque)
    in_flight: int = 0
    last_start: float = 0.0
    next_start: float = 0.0
    robots: RobotsRules | None = None
    robots_pending: bool = False
    started: int = 0  # requests (not robots.txt) started this run


def media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset()


def host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{(parts.netloc or '').lower()}"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds to wait: delta-seconds or an HTTP-date (RFC 9110); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Fetcher:
    """One polite HTTP client for a run; robots.txt and pacing state persist across fetch_all calls."""

    def __init__(self, settings: FetchSettings = FetchSettings(),
                 host_policies: dict[str, HostPolicy] | None = None, stop: threading.Event | None = None):
        self.settings = settings
        self.host_policies = host_policies or {}
        # Either ends fetch_all and every wait for bytes within ~POLL_SECONDS: `stop` (a signal handler's) or
        # closing the fetcher (attempts still running then are abandoned and must not hold up the shutdown).
        self.stop = stop or threading.Event()
        self._closing = threading.Event()
        self.client = httpx.Client(
            transport=GuardedTransport(settings.allow_private_network, settings.global_concurrency),
            headers={"User-Agent": settings.user_agent_header},
            timeout=httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                  write=settings.read_timeout, pool=settings.total_timeout),
            follow_redirects=False, max_redirects=settings.max_redirects, trust_env=False)
        self.pool = ThreadPoolExecutor(settings.global_concurrency, thread_name_prefix="fetch")
        self.hosts: dict[str, _Host] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closing.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.client.close()

    def _host(self, key: str) -> _Host:
        if key not in self.hosts:
            policy = self.host_policies.get(key, HostPolicy())
            self.hosts[key] = _Host(
                delay=self.settings.min_delay if policy.min_delay is None else policy.min_delay,
                concurrency=policy.concurrency or self.settings.per_host_concurrency)
        return self.hosts[key]

    # -- dispatcher -------------------------------------------------------------------------------

    def fetch_all(self, requests: Iterable[FetchRequest]) -> Iterator[Outcome]:
        """One outcome per request, as they complete."""
        unfinished = 0  # requests whose outcome is not yielded yet (retries and redirect hops included)
        for request in requests:
            problem = self._unfetchable(request.url)
            if problem:
                yield Refused(request, request.url, *problem)
                continue
            self._host(host_key(request.url)).queue.append(_Job(request, request.url))
            unfinished += 1
        running: dict[Future, tuple[str, _Job | None]] = {}
        try:
            yield from self._dispatch(running, unfinished)
        finally:  # the caller may stop early: nothing of this call may leak into the next one
            for future, (key, job) in running.items():
                future.cancel()
                self.hosts[key].in_flight -= 1
                if job is None:
                    self.hosts[key].robots_pending = False
            for host in self.hosts.values():
                host.queue.clear()

    def _dispatch(self, running: dict[Future, tuple[str, _Job | None]], unfinished: int) -> Iterator[Outcome]:
        while unfinished and not self._stopped():
            for refusal in self._start_ready(running):
                unfinished -= 1
                yield refusal
            # Short waits: a stop must be noticed within a fraction of a second.
            next_start = self._seconds_to_next_start(running)
            pause = POLL_SECONDS if next_start is None else min(POLL_SECONDS, next_start)
            if not running:
                if unfinished:
                    self.stop.wait(pause)
                continue
            done, _ = wait(running, timeout=pause, return_when=FIRST_COMPLETED)
            for future in done:
                key, job = running.pop(future)
                host = self.hosts[key]
                host.in_flight -= 1
                if job is None:
                    host.robots, host.robots_pending = future.result(), False
                    host.delay = max(host.delay, host.robots.crawl_delay(self.settings.user_agent))
                    pause = min(host.delay, self.settings.max_host_delay)
                    host.next_start = max(host.next_start, host.last_start + pause)
                    continue
                outcome = self._follow_up(host, job, future.result())
                if outcome is not None:
                    unfinished -= 1
                    yield outcome

    def _stopped(self) -> bool:
        return self.stop.is_set() or self._closing.is_set()

    def _start_ready(self, running: dict) -> list[Refused]:
        """Start every request its host and the global limit allow now; robots refusals and deferrals
        come back."""
        now = time.monotonic()
        refusals = []
        for key, host in self.hosts.items():
            if self._over_delay_cap(host):
                refusals += [self._robots_refusal(host.robots, job) or self._deferral(host, job) for job in host.queue]
                host.queue.clear()
                continue
            while host.queue and host.in_flight < host.concurrency and host.next_start <= now \
                    and len(running) < self.settings.global_concurrency:
                if host.robots is None:
                    if not host.robots_pending:
                        host.robots_pending = True
                        self._launch(running, key, host, None, now)
                    break
                job = host.queue.popleft()
                refusal = self._robots_refusal(host.robots, job)
                if refusal is not None:
                    refusals.append(refusal)
                    continue
                self._launch(running, key, host, job, now)
        return refusals

    def _over_delay_cap(self, host: _Host) -> bool:
        """A host asking for longer pauses than the cap had its one request of this run."""
        return host.started > 0 and host.delay > self.settings.max_host_delay and host.robots is not None

    def _deferral(self, host: _Host, job: _Job) -> Refused:
        return Refused(job.request, job.url, "deferred",
                       f"the host asks for {host.delay:g}s between requests, more than the "
                       f"{self.settings.max_host_delay:g}s cap: one request per run, the rest in later runs")

    def _launch(self, running: dict, key: str, host: _Host, job: _Job | None, now: float) -> None:
        host.started += job is not None
        host.in_flight += 1
        host.last_start = now
        host.next_start = now + host.delay
        task = (self._read_robots, key) if job is None else (self._attempt, job)
        running[self.pool.submit(*task)] = (key, job)

    def _seconds_to_next_start(self, running: dict) -> float | None:
        """How long until some queued request may start; None when only a completion can free one."""
        if len(running) >= self.settings.global_concurrency:
            return None
        # A host over the delay cap has nothing to wait for: its queue is deferred as soon as it is looked at.
        starts = [0.0 if self._over_delay_cap(h) else h.next_start for h in self.hosts.values() if h.queue and h.in_flight < h.concurrency and not h.robots_pending]
        return max(0.0, min(starts) - time.monotonic()) if starts else None

    def _robots_refusal(self, robots: RobotsRules, job: _Job) -> Refused | None:
        if robots.refusal is not None:
            return Refused(job.request, job.url, *robots.refusal)
        if not robots.allows(self.settings.user_agent, job.url):
            return Refused(job.request, job.url, "robots_disallowed", "robots.txt disallows this URL for us")
        return None

    def _follow_up(self, host: _Host, job: _Job, result: Outcome | _Retry | _Redirect) -> Outcome | None:
        """Turn one attempt's result into the final outcome, or queue the next attempt/hop (None)."""
        if isinstance(result, _Retry):
            if job.attempt >= self.settings.retries:
                return Refused(job.request, job.url, result.reason,
                               f"{result.message} (gave up after {job.attempt + 1} attempts)",
                               status=result.status)
            delay = result.delay
            if delay is None:
                delay = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** job.attempt)
                delay *= 0.5 + random.random() / 2  # jitter: hosts retried together do not stampede back
            elif delay > self.settings.retry_after_max:
                return Refused(job.request, job.url, result.reason,
                               f"{result.message}; Retry-After asks for {delay:.0f}s, more than the "
                               f"{self.settings.retry_after_max:.0f}s cap: left for a later run",
                               status=result.status)
            # The whole host waits: 429 and 503 are about the server, not one URL.
            host.next_start = max(host.next_start, time.monotonic() + delay)
            host.queue.appendleft(replace(job, attempt=job.attempt + 1))
            return None
        if isinstance(result, _Redirect):
            target = urljoin(job.url, result.location)
            if job.hops >= self.settings.max_redirects:
                return Refused(job.request, target, "too_many_redirects",
                               f"more than {self.settings.max_redirects} redirects (last: HTTP {result.status})",
                               status=result.status)
            problem = self._unfetchable(target)
            if problem:
                return Refused(job.request, target, *problem, status=result.status)
            # A new hop is a new request: it goes through robots and pacing of its own host.
            self._host(host_key(target)).queue.append(_Job(job.request, target, hops=job.hops + 1))
            return None
        return result

    @staticmethod
    def _unfetchable(url: str) -> tuple[str, str] | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "unsupported_scheme", f"only http(s) URLs are fetched, not '{url[:200]}'"
        return None

    # -- one attempt, in a worker thread ----------------------------------------------------------

    def _read_robots(self, key: str) -> RobotsRules:
        try:
            with attempt_deadline(self.settings.total_timeout, self._stopped), \
                    self.client.stream("GET", f"{key}/robots.txt", follow_redirects=True) as response:
                body = self._read_body(response, MAX_ROBOTS_BYTES, truncate=True)
                return robots_for_status(response.status_code, body)
        except BlockedAddress as exc:
            return RobotsRules(refusal=("blocked_address", f"{exc}{ALLOW_PRIVATE_HINT}"))
        except (httpx.HTTPError, UndecodableBody) as exc:
            if missing := host_not_found(exc):
                return RobotsRules(refusal=("host_not_found", str(missing)))
            return RobotsRules(refusal=("robots_unavailable",
                                        f"robots.txt could not be read ({type(exc).__name__}: {exc})"))

    def _attempt(self, job: _Job) -> Outcome | _Retry | _Redirect:
        request, settings = job.request, self.settings
        headers = {}
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        fetched_at = datetime.now(UTC)
        with attempt_deadline(settings.total_timeout, self._stopped) as deadline:
            try:
                with self.client.stream("GET", job.url, headers=headers) as response:
                    return self._judge(job, response, fetched_at)
            except BlockedAddress as exc:
                return Refused(request, job.url, "blocked_address", f"{exc}{ALLOW_PRIVATE_HINT}",
                               fetched_at=fetched_at)
            except httpx.TimeoutException as exc:
                if time.monotonic() >= deadline:  # not retried in this run: it could hold the run that long again
                    return Refused(request, job.url, "timeout", f"cut off at the {settings.total_timeout:g}s "
                                   "deadline of one response (still arriving)", fetched_at=fetched_at)
                return _Retry("timeout", f"{type(exc).__name__} after the configured timeouts")
            except _TooLarge as exc:
                return Refused(request, job.url, "too_large", str(exc), fetched_at=fetched_at)
            except (httpx.DecodingError, UndecodableBody) as exc:
                return Refused(request, job.url, "bad_encoding", f"cannot decode the body: {exc}",
                               fetched_at=fetched_at)
            except httpx.TransportError as exc:
                if missing := host_not_found(exc):
                    return _Retry("host_not_found", str(missing))
                return _Retry("connection_error", f"{type(exc).__name__}: {exc}")

    def _judge(self, job: _Job, response: httpx.Response, fetched_at: datetime) -> Outcome | _Retry | _Redirect:
        request, status = job.request, response.status_code
        headers = {k.lower(): v for k, v in response.headers.items()}

        def refused(reason: str, message: str) -> Refused:
            return Refused(request, job.url, reason, message, status, fetched_at)

        if status in REDIRECT_STATUSES and "location" in headers:
            return _Redirect(headers["location"], status)
        if status == 304:
            return Fetched(request, job.url, status, headers, b"", fetched_at)
        if status in (403, 429, 503) or status in ACCESS_REFUSED:
            # Challenge pages are small; reading them tells a bot wall from plain overload or refusal.
            message = challenge_message(headers, self._read_body(response, 256 * 1024, truncate=True))
            if message:
                return refused("bot_challenge", f"HTTP {status}: {message}")
        if status == 429 or status >= 500:
            reason = "rate_limited" if status == 429 else "server_error"
            return _Retry(reason, f"HTTP {status}", retry_after_seconds(headers.get("retry-after")), status)
        if status in ACCESS_REFUSED:
            return refused(ACCESS_REFUSED[status], f"HTTP {status}: the site refuses access to this page")
        if status in (404, 410):
            return refused("not_found", f"HTTP {status}")
        if not 200 <= status < 300:
            return refused("http_error", f"HTTP {status}")
        kind = media_type(headers.get("content-type"))
        if kind is not None and kind not in request.allowed_types:
            return refused("unsupported_content_type", f"Content-Type {kind} is not one of the accepted types")
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.settings.max_bytes:
            raise _TooLarge(f"Content-Length {int(declared):,} exceeds the {self.settings.max_bytes:,}-byte limit")
        body = self._read_body(response)
        if kind in ("text/html", "application/xhtml+xml") and (blocked := blocked_page(headers, body)):
            return refused(*blocked)
        return Fetched(request, str(response.url), status, headers, body, fetched_at)

    def _read_body(self, response: httpx.Response, limit: int | None = None, truncate: bool = False) -> bytes:
        """The decoded body, refusing more than `limit` bytes (or returning the head if truncate). Decoded
        here in bounded pieces, not by httpx: a bomb is stopped at the limit, not after a chunk's expansion."""
        limit = self.settings.max_bytes if limit is None else limit
        chunks, size = [], 0
        for chunk in decoded_pieces(response.iter_raw(), response.headers.get("content-encoding")):
            size += len(chunk)
            if size > limit:
                if truncate:
                    chunks.append(chunk)
                    break
                raise _TooLarge(f"body larger than the {limit:,}-byte limit (decompressed); download aborted")
            chunks.append(chunk)
        return b"".join(chunks)


class _TooLarge(Exception):
    pass
