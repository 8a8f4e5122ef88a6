"""A throwaway Prefect API server on 127.0.0.1 for benchmarks: what a scheduled flow run talks to.

A flow run without PREFECT_API_URL starts an ephemeral API server in its own process, and pays for it in
every run; a deployment's runs talk to a server that is already running. `running_server` starts one
(`prefect server start`, its own PREFECT_HOME, no UI, no analytics), waits until it answers, yields the
PREFECT_API_URL for the flow runs and stops it (its whole process group) by its PID.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PREFECT = str(Path(sys.executable).with_name("prefect"))
STARTUP_TIMEOUT_S = 180  # a loaded 2-core machine needed ~100 s


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in a session of its own, with what it started: SIGTERM, then SIGKILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def running_server(home: Path) -> Iterator[str]:
    """A fresh server with `home` as its PREFECT_HOME; yields its API URL."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_API_URL=api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_UI_ENABLED="false")
    log = home / "server.log"
    # A session of its own, so stopping it by its PID also stops the processes it started (uvicorn).
    server = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(api_url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not start on port {port}:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield api_url
    finally:
        stop(server)
