"""Wall-clock deadlines that hold while waiting for bytes, and a stop that reaches a blocked fetch.

httpx's timeouts bound each socket operation, not a response: a server that sends one byte every few
seconds (headers or body) never trips the read timeout. So every read of the fetcher's sockets goes
through `DeadlineStream`, which waits in short slices and gives up once the attempt's deadline has
passed or the fetcher was told to stop. The deadline belongs to the thread running the attempt
(`attempt_deadline`), so it holds on a kept-alive connection opened by an earlier request too.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import httpcore

# Longest single wait on a socket: how late a deadline or a stop may be noticed.
POLL_SECONDS = 0.25

_attempt = threading.local()


class DeadlinePassed(httpcore.ReadTimeout):
    """The attempt's wall-clock deadline passed while it waited for bytes."""


class Stopped(httpcore.ReadError):
    """The fetcher was stopped (Ctrl-C, SIGTERM, or the caller went away) while the attempt waited."""


@contextmanager
def attempt_deadline(seconds: float, stopped: Callable[[], bool]) -> Iterator[float]:
    """Bound every socket wait in this thread by `seconds` from now, and end it once `stopped()` (yields the
    monotonic deadline)."""
    _attempt.deadline = time.monotonic() + seconds
    _attempt.stopped = stopped
    try:
        yield _attempt.deadline
    finally:
        _attempt.deadline, _attempt.stopped = math.inf, None


def _bounded_wait(operation, timeout: float | None):
    """Run `operation(seconds)` in slices until it succeeds, its own timeout elapses, the attempt's deadline
    passes or the fetcher stops; a slice that times out has consumed nothing, so it is safe to repeat."""
    deadline = getattr(_attempt, "deadline", math.inf)
    stopped: Callable[[], bool] | None = getattr(_attempt, "stopped", None)
    give_up = math.inf if timeout is None else time.monotonic() + timeout
    while True:
        if stopped is not None and stopped():
            raise Stopped("the fetcher was stopped")
        now = time.monotonic()
        if now >= deadline:
            raise DeadlinePassed("the response's wall-clock deadline passed")
        if now >= give_up:
            raise httpcore.ReadTimeout("no bytes within the read timeout")
        try:
            return operation(min(POLL_SECONDS, deadline - now, give_up - now))
        except httpcore.ReadTimeout:
            continue


def _within_deadline(timeout: float | None) -> float:
    """A timeout for one operation that may not be repeated in slices (connect, TLS handshake, write)."""
    remaining = max(0.0, getattr(_attempt, "deadline", math.inf) - time.monotonic())
    return remaining if timeout is None else min(timeout, remaining)


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream):
        self.stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _bounded_wait(lambda seconds: self.stream.read(max_bytes, seconds), timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # Not in slices: a partly written buffer must not be written again.
        self.stream.write(buffer, _within_deadline(timeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return DeadlineStream(self.stream.start_tls(ssl_context, server_hostname, _within_deadline(timeout)))

    def get_extra_info(self, info: str):
        return self.stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Wraps a backend so that connecting and every read respect the current attempt's deadline."""

    def __init__(self, backend: httpcore.NetworkBackend):
        self.backend = backend

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        return DeadlineStream(self.backend.connect_tcp(host, port, _within_deadline(timeout), local_address,
                                                       socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("the fetcher only connects over TCP")

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)
