"""Shared fixtures: paths to the committed test data and a fresh warehouse per test."""

from __future__ import annotations

import os
import sys
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
