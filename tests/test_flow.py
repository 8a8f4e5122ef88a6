"""The ingest flow through a real (ephemeral, test-harness) Prefect API."""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.testing.utilities import prefect_test_harness

from flows.backfill import BackfillRequest
from flows.ingest import ingest_flow

from conftest import ROOT, SEED_CLEAN
from helpers import article, latest_artifacts, rows, run_recorded, signed_off_stories


@pytest.fixture(scope="module")
def prefect_api():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.mark.slow
def test_flow_lands_samples_and_publishes_summary(prefect_api, db_path):
    summary = ingest_flow(inputs=[str(ROOT / "samples")], db=str(db_path), batch_size=8, workers=1)
    assert summary.status == "completed" and summary.new > 15 and summary.rejected >= 3
    con = duckdb.connect(str(db_path), read_only=True)
    landed = con.execute("select count(*), count(distinct run_id) from articles").fetchone()
    con.close()
    assert landed == (summary.ingested, 1)

    async def artifact():
        async with get_client() as client:
            return await client.read_latest_artifacts()
    import asyncio
    artifacts = {a.key: a for a in asyncio.run(artifact())}
    assert "ingest-summary" in artifacts
    assert f"| {summary.documents_seen} |" in artifacts["ingest-summary"].data


@pytest.mark.slow
def test_a_quiet_run_warns_of_nothing_and_shows_no_empty_rows(prefect_api, db_path, tmp_path, caplog):
    """An operator sees no warning that is not theirs to act on, and "nothing" rather than a row of blanks."""
    import asyncio

    (tmp_path / "one.txt").write_text(SEED_CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    with caplog.at_level("WARNING"):
        summary = ingest_flow(inputs=[str(tmp_path / "one.txt")], db=str(db_path), batch_size=8, workers=1)
    assert summary.new == 1 and summary.duplicates == 0 and summary.rejected == 0
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []
    artifacts = asyncio.run(latest_artifacts())
    for key, nothing in (("ingest-duplicates", "No duplicates"), ("ingest-rejections", "No inputs rejected")):
        assert artifacts[key].type == "markdown" and nothing in artifacts[key].data


async def _task_runs(flow_run_id) -> list:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async with get_client() as client:
        return await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))


@pytest.mark.slow
def test_flow_runs_each_stage_once_per_batch_linked_to_its_inputs_without_walking_the_documents(
        prefect_api, db_path, monkeypatch):
    """Prefect records which task run made each input (opaque arguments) but never visits a document: walking
    every article, signature and term of a batch in each task call was most of a flow run's time."""
    import asyncio
    from collections import Counter

    import prefect.utilities.collections as collections
    from newsingest.records import Article, RawDocument

    walked = Counter()
    visit = collections.visit_collection

    def counting_visit(expr, *args, **kwargs):  # nested visits look the function up in its module
        if isinstance(expr, (Article, RawDocument)):
            walked[type(expr).__name__] += 1
        return visit(expr, *args, **kwargs)

    monkeypatch.setattr(collections, "visit_collection", counting_visit)
    state = ingest_flow(inputs=[str(ROOT / "samples")], db=str(db_path), batch_size=8, workers=1,
                        return_state=True)
    summary = state.result()
    assert not walked, f"Prefect walked the documents: {walked}"

    runs = {run.name: run for run in asyncio.run(_task_runs(state.state_details.flow_run_id))}
    batches = -(-summary.documents_seen // 8)
    stages = ("filter-unseen", "extract", "dedup", "stories", "reuse", "land")
    assert sorted(runs) == sorted(f"{stage}-{n}" for stage in stages for n in range(1, batches + 1))
    for n in range(1, batches + 1):
        made = {stage: runs[f"{stage}-{n}"].id for stage in stages}
        inputs = {stage: {name: {i.id for i in ids} for name, ids in runs[f"{stage}-{n}"].task_inputs.items()}
                  for stage in stages}
        assert inputs["extract"]["raws"] == {made["filter-unseen"]}
        assert inputs["dedup"]["articles"] == {made["extract"]}
        assert inputs["stories"]["decisions"] == {made["dedup"]}
        assert inputs["reuse"]["articles"] == {made["extract"]} and inputs["reuse"]["decisions"] == {made["dedup"]}
        assert (inputs["land"]["rejections"] == {made["filter-unseen"]}
                and inputs["land"]["extracted"] == {made["extract"]} and inputs["land"]["decisions"] == {made["dedup"]}
                and inputs["land"]["story_decisions"] == {made["stories"]}
                and inputs["land"]["reuse_found"] == {made["reuse"]})


@pytest.mark.slow
def test_two_concurrent_flow_runs_on_one_warehouse_never_write_at_once(prefect_api, tmp_path):
    """DuckDB has one writer: the first run holds the warehouse's writer lock from its first read to its last
    write, so a second run started meanwhile (another process, as another deployment's run would be) starts
    its run only after the first finished, and finds every input already landed."""
    import os
    import subprocess
    import sys
    import time

    from prefect.settings import PREFECT_API_URL

    corpus = signed_off_stories(tmp_path / "corpus", 100)  # 20 batches: the first run writes for seconds
    db = tmp_path / "news.duckdb"
    flow = [sys.executable, "flows/ingest.py", str(corpus), "--db", str(db), "--workers", "1", "--batch-size", "5"]
    first = subprocess.Popen(flow, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()})
    while first.poll() is None and not run_recorded(db):  # its run started: it is writing
        time.sleep(0.05)
    first_still_running = first.poll() is None
    second = ingest_flow(inputs=[str(corpus)], db=str(db), batch_size=5, workers=1)
    assert first.wait() == 0, first.stderr.read()[-2000:]
    assert first_still_running
    (_, status_1, _, finished_1, new_1), (run_2, status_2, started_2, _, new_2) = rows(
        db, "select run_id, status, started_at, finished_at, articles_new from runs order by started_at")
    (articles,) = rows(db, "select count(*) from articles")[0]
    assert run_2 == second.run_id and status_1 == status_2 == "completed"
    assert started_2 >= finished_1, "the second run started while the first was writing"
    assert new_1 == articles == 100 and new_2 == second.ingested == 0 and second.already_seen == 100


async def _flow_run_name(flow_run_id) -> str:
    async with get_client() as client:
        return (await client.read_flow_run(flow_run_id)).name


@pytest.mark.slow
def test_a_failed_source_lands_the_others_and_ends_the_run_needing_attention(prefect_api, db_path, tmp_path):
    import asyncio
    import json

    missing = tmp_path / "gone" / "feed.jsonl"
    state = ingest_flow(inputs=[str(ROOT / "samples"), str(missing)], db=str(db_path), batch_size=8, workers=1,
                        return_state=True)
    assert state.is_failed() and state.name == "NeedsAttention"
    assert f"source failed: file:{missing.parent}" in state.message
    summary = state.result(raise_on_failure=False).summary
    assert summary.new > 15, "the healthy source still landed"
    assert asyncio.run(_flow_run_name(state.state_details.flow_run_id)).startswith("ingest/")

    artifacts = asyncio.run(latest_artifacts())
    assert "## Failed sources" in artifacts["ingest-summary"].data
    duplicates = json.loads(artifacts["ingest-duplicates"].data)
    assert any(row["original_title"].startswith("Brennmouth dockworkers") for row in duplicates)
    rejections = json.loads(artifacts["ingest-rejections"].data)
    assert {"not_found", "binary_content"} <= {row["reason"] for row in rejections}
    assert artifacts["ingest-progress"].data == 100.0


@pytest.mark.slow
def test_backfill_lands_only_the_date_range_and_leaves_the_rest_for_a_later_run(prefect_api, db_path):
    from flows.backfill import backfill_flow

    march = BackfillRequest(inputs=[str(ROOT / "samples")], db=str(db_path), batch_size=8, workers=1,
                            published_from=date(2024, 3, 1), published_to=date(2024, 3, 31), include_undated=False)
    in_march = backfill_flow(march)
    con = duckdb.connect(str(db_path), read_only=True)
    days = con.execute("select min(published_at)::date, max(published_at)::date, count(*) from articles").fetchone()
    con.close()
    assert date(2024, 3, 1) <= days[0] <= days[1] <= date(2024, 3, 31) and days[2] == in_march.ingested >= 2

    everything = backfill_flow(BackfillRequest(inputs=[str(ROOT / "samples")], db=str(db_path), batch_size=8,
                                               workers=1))
    assert everything.new > 10, "articles outside the first range were not recorded as seen"
    # Inputs the first run rejected at their source come back as still failing.
    assert everything.already_seen + sum(everything.still_failing.values()) == in_march.ingested + in_march.rejected


@pytest.mark.slow
def test_backfill_range_is_in_utc_days_whatever_zone_the_page_states():
    """8 p.m. in Los Angeles on New Year's Eve is already 1 January in UTC, the day the range counts in."""
    request = BackfillRequest(published_from=date(2025, 1, 1), published_to=date(2025, 1, 31))
    new_years_eve_in_la = datetime(2024, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=-8)))
    assert request.wants(replace(article("a", "text"), published_at=new_years_eve_in_la))
    assert not request.wants(replace(article("b", "text"), published_at=new_years_eve_in_la - timedelta(hours=5)))


def test_reprocess_rebuilds_articles_from_the_raw_archive_keeping_ids_and_clusters(prefect_api, db_path):
    from flows.reprocess import reprocess_flow

    ingest_flow(inputs=[str(ROOT / "samples")], db=str(db_path), batch_size=8, workers=1)
    snapshot = "select id, text, dedup_status, cluster_id from articles order by id"
    # The stories' IDF statistics count every input once, however often it was reprocessed.
    statistics = ("select scheme, term, documents from story_term_frequencies union all "
                  "select scheme, '', documents from story_corpus order by all")
    con = duckdb.connect(str(db_path))
    before = con.execute(snapshot).fetchall()
    counted = con.execute(statistics).fetchall()
    rejected = con.execute("select doc_id, reason from rejections order by 1").fetchall()
    # The learned boilerplate counts each article once, when it was first ingested.
    learned = ("select source, line_hash, articles from source_lines union all "
               "select source, '', articles from source_line_totals order by all")
    lines_counted = con.execute(learned).fetchall()
    # What an older cleaner might have left: reprocessing must put back what the current code makes of it.
    con.execute("update articles set text = 'stale' where id = (select min(id) from articles)")
    con.close()

    summary = reprocess_flow(db=str(db_path), batch_size=8, workers=1)
    reprocess_flow(db=str(db_path), batch_size=8, workers=1)
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute(snapshot).fetchall() == before
    assert con.execute(statistics).fetchall() == counted and len(counted) > 100
    assert con.execute(learned).fetchall() == lines_counted and len(lines_counted) > 20
    assert con.execute("select doc_id, reason from rejections order by 1").fetchall() == rejected
    assert con.execute("select trigger, status from runs order by started_at desc limit 1").fetchone() == \
        ("reprocess", "completed")
    con.close()
    assert summary.ingested == len(before) and summary.duplicates == sum(r[2] != "new" for r in before)


@pytest.mark.slow
def test_export_flow_skips_a_warehouse_that_did_not_change(prefect_api, db_path, tmp_path):
    from flows.export import export_flow

    ingest_flow(inputs=[str(ROOT / "samples" / "010_harborcourier_port_strike.html")], db=str(db_path), workers=1)
    out = tmp_path / "export"
    first = export_flow(out=str(out), db=str(db_path))
    written = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")}
    second = export_flow(out=str(out), db=str(db_path))
    assert first.rows == second.rows == {"articles": 1, "rejections": 0}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")} == written, "unchanged warehouse rewritten"


@pytest.mark.slow
def test_feeds_flow_lands_the_healthy_outlet_and_names_the_dead_one(prefect_api, db_path, tmp_path):
    import socket

    from flows.feeds import feeds_flow
    from site_server import SiteServer

    with socket.socket() as s:  # a port nobody listens on: the dead outlet
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    sources = tmp_path / "sources.toml"
    with SiteServer() as site:
        sources.write_text(f'[sources.bayside]\nfeeds = ["{site.url("/feed.xml")}"]\nmin_delay = 0.05\n\n'
                           f'[sources.gone]\nfeeds = ["http://localhost:{dead}/rss.xml"]\n')
        state = feeds_flow(str(sources), db=str(db_path), batch_size=8, workers=1, allow_private_network=True,
                           return_state=True)
    assert state.is_failed() and state.name == "NeedsAttention"
    assert "source failed: localhost" in state.message and "127.0.0.1" not in state.message
    summary = state.result(raise_on_failure=False).summary
    assert summary.new >= 2 and summary.rejected >= 1
