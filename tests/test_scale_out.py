"""Scaling out: the shared Redis dedup index and the Dask task runner give the single-process results.

Real components only: a redis-server (Debian package, installed by `make install`) started here on a free
port and stopped by PID, and a Dask LocalCluster.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from benchmarks.dedup_quality import as_article, load
from newsingest.dedup import dedup_batch, new_deduplicator
from newsingest.dedup.index import LshSettings

from conftest import FIXTURES

LABELLED = load(FIXTURES / "dedup" / "articles.jsonl")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A fresh redis-server on 127.0.0.1 (no persistence), killed by its PID afterwards."""
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(10)


def decisions(deduplicator, articles, size: int = 64) -> list[tuple]:
    """Every decision, deciding the articles a batch at a time as the pipeline does."""
    found = []
    for start in range(0, len(articles), size):
        found += [(d.article_id, d.status, d.cluster_id, d.duplicate_of, d.similarity, d.containment)
                  for d in dedup_batch(articles[start:start + size], deduplicator).decisions]
    return found


def test_redis_index_decides_the_labelled_set_as_the_in_process_index(redis_url):
    articles = [as_article(record) for record in LABELLED]
    in_process = decisions(new_deduplicator(LshSettings()), articles)
    shared = decisions(new_deduplicator(LshSettings(), redis_url), articles)
    assert shared == in_process
    # The set holds every kind of decision, so the comparison covers each path through the index.
    assert {d[1] for d in in_process} >= {"new", "near_duplicate", "exact_duplicate"}


def test_processes_sharing_the_redis_index_see_each_others_articles(redis_url):
    """Two deduplicators on one Redis (as two flow runs would be): the second links its copy to the first's
    original, whose cluster it never saw; alone it would call the copy new."""
    articles = [as_article(record) for record in LABELLED]
    copy = next(i for i, record in enumerate(LABELLED) if record.variant not in ("", "original")
                and any(r.cluster == record.cluster and r.variant == "original" for r in LABELLED[:i]))
    first, second = new_deduplicator(LshSettings(), redis_url), new_deduplicator(LshSettings(), redis_url)
    dedup_batch(articles[:copy], first)
    [decision] = dedup_batch([articles[copy]], second).decisions
    expected = decisions(new_deduplicator(LshSettings()), articles[:copy + 1])[-1]
    assert decision.status != "new"
    assert (decision.article_id, decision.status, decision.cluster_id) == expected[:3]
    assert len(second) == copy + 1
