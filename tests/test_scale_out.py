"""Scaling out: the shared Redis dedup index and the Dask task runner give the single-process results.

Real components only: a Redis-compatible server (the `redis_url` fixture of conftest.py) and a Dask
LocalCluster.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import redis
from distributed import LocalCluster
from prefect.testing.utilities import prefect_test_harness

from benchmarks.dedup_quality import as_article, load
from flows.ingest import ingest_flow
from newsingest.dedup import dedup_batch, new_deduplicator
from newsingest.dedup.index import LshSettings
from newsingest.runners import dask_task_runner

from conftest import FIXTURES, ROOT

LABELLED = load(FIXTURES / "dedup" / "articles.jsonl")


def decisions(deduplicator, articles, size: int = 64) -> list[tuple]:
    """Every decision, deciding the articles a batch at a time as the pipeline does."""
    found = []
    for start in range(0, len(articles), size):
        found += [(d.article_id, d.status, d.cluster_id, d.duplicate_of, d.similarity, d.containment)
                  for d in dedup_batch(articles[start:start + size], deduplicator).decisions]
        deduplicator.publish()  # as the pipeline does once the batch landed
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
    first.publish()
    [decision] = dedup_batch([articles[copy]], second).decisions
    expected = decisions(new_deduplicator(LshSettings()), articles[:copy + 1])[-1]
    assert decision.status != "new"
    assert (decision.article_id, decision.status, decision.cluster_id) == expected[:3]
    assert len(second) == copy + 1


def test_runner_setting_names_the_dask_runner(prefect_api):
    assert dask_task_runner("local", workers=2) is None
    assert dask_task_runner("tcp://127.0.0.1:8786", workers=2).address == "tcp://127.0.0.1:8786"
    local_cluster = dask_task_runner("dask", workers=3)
    assert local_cluster.address is None and local_cluster.cluster_kwargs["n_workers"] == 3
    # its worker processes report to the flow's Prefect API (here the test harness's), not to their own
    assert local_cluster.cluster_kwargs["env"]["PREFECT_API_URL"].startswith("http://127.0.0.1:")
    with pytest.raises(ValueError, match="unknown task runner 'ray'"):
        dask_task_runner("ray", workers=2)


ARTICLE_COLUMNS = ("id, url, canonical_url, source, title, author, published_at, language, text, text_hash, "
                   "word_count, dedup_status, duplicate_of, similarity, cluster_id")


def landed(db_path: Path) -> dict[str, list[tuple]]:
    """What a run landed, without what differs by design between runs (run ids, times)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {"articles": con.execute(f"select {ARTICLE_COLUMNS} from articles order by id").fetchall(),
                "rejections": con.execute("select origin, stage, reason, message from rejections "
                                          "order by origin, reason").fetchall(),
                "clusters": con.execute("select title, size, sources from clusters order by title").fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def prefect_api():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def dask_cluster():
    """A real Dask LocalCluster with two worker threads in this process (processes=False: no worker start-up
    imports, and the scheduler's records can be read here). The flow reaches it by address, as it would a
    remote one."""
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        yield cluster


@pytest.mark.slow
def test_flow_on_dask_with_redis_lands_what_the_local_run_lands(prefect_api, dask_cluster, redis_url, tmp_path):
    samples = [str(ROOT / "samples")]
    local = ingest_flow(inputs=samples, db=str(tmp_path / "local.duckdb"), batch_size=16, workers=1)
    scaled = ingest_flow(inputs=samples, db=str(tmp_path / "scaled.duckdb"), batch_size=16, workers=1,
                         runner=dask_cluster.scheduler_address, redis=redis_url)
    assert scaled.counts() == local.counts() and local.near_duplicates > 0
    assert landed(tmp_path / "scaled.duckdb") == landed(tmp_path / "local.duckdb")
    # The extraction ran as Dask tasks, in parts of a batch, and the index is in Redis.
    prefixes = dask_cluster.scheduler.task_prefixes
    assert any(name.startswith("extract_part") for name in prefixes), list(prefixes)
    assert redis.Redis.from_url(redis_url).dbsize() > 0


def test_articles_decided_over_redis_are_shared_only_once_published(redis_url):
    """A crash between deciding a batch and landing it must leave nothing in the shared index: the rerun
    would meet the articles there (each its own original, or a later copy as one)."""
    articles = [as_article(record) for record in LABELLED]
    crashed = new_deduplicator(LshSettings(), redis_url)
    dedup_batch(articles, crashed)  # decided, never landed, never published
    assert redis.Redis.from_url(redis_url).dbsize() == 0
    rerun = new_deduplicator(LshSettings(), redis_url)
    assert decisions(rerun, articles) == decisions(new_deduplicator(LshSettings()), articles)


@pytest.mark.slow
def test_cli_ingest_with_redis_lands_what_it_lands_alone(redis_url, tmp_path):
    samples = str(ROOT / "samples")
    for db, extra in (("alone", []), ("shared", ["--redis", redis_url])):
        subprocess.run([sys.executable, "-m", "newsingest.cli", "ingest", samples, "--db", str(tmp_path / db),
                        "--workers", "1", *extra], check=True, capture_output=True)
    assert landed(tmp_path / "shared") == landed(tmp_path / "alone")
    assert redis.Redis.from_url(redis_url).dbsize() > 0
