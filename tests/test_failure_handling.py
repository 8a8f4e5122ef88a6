"""Issue 20 — nothing hangs, nothing blocks the next run, no batch is poisoned. One test (or more) per case
of the issue, against a real local HTTP server, real files, real DuckDB files and the real CLI."""

import contextlib
import gzip
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from flows.ingest import run_id_of
from newsingest.pipeline import IngestRun, PipelineSettings, batches, run_batches
from newsingest.sources.decompress import decoded_pieces
from newsingest.sources.fetch import Fetched, FetchSettings, Refused
from newsingest.sources.files import read_file
from newsingest.sources.sources_file import SourcesFileError, parse_sources
from newsingest.records import StoredSignature
from newsingest.records import DedupDecision, DedupStatus
from newsingest.warehouse import LandingBatch, Warehouse

from site_server import SiteServer, SiteState, brotli_bomb, deflate_bomb, gzip_bomb
from conftest import ROOT
from helpers import (EXE, FAST, Watch, landing_article as article, fetch, newsingest, rows, run_statuses,
                     signed_off_stories, snapshot, web_ingest)

# A response may take 1.5 s in all; silence alone (read timeout) would never trip on a byte every 0.3 s.
DEADLINE = replace(FAST, read_timeout=10, total_timeout=1.5)


def drip(**changes) -> SiteState:
    """A fresh site state whose drip routes give up after 20 s: code without deadlines fails the time checks
    instead of hanging."""
    return replace(SiteState(drip_seconds=0.3, drip_for=20), **changes)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


# -- 1. deadlines that hold -------------------------------------------------------------------------------

def test_dripping_headers_and_body_are_cut_off_at_the_deadline_and_the_rest_arrives():
    with SiteServer(drip()) as site:
        outcomes, seconds = timed(lambda: fetch(site, ["/drip-headers.html", "/drip-body.html",
                                                       "/articles/wind-farm.html"], DEADLINE))
    assert {path: o.reason for path, o in outcomes.items() if isinstance(o, Refused)} == {
        "/drip-headers.html": "timeout", "/drip-body.html": "timeout"}
    assert isinstance(outcomes["/articles/wind-farm.html"], Fetched)
    assert "1.5s deadline" in outcomes["/drip-body.html"].message
    assert seconds < DEADLINE.total_timeout + 2  # cut off once, not retried within the run
    assert len(site.hits_to("/drip-body.html")) == 1


def test_a_dripping_robots_txt_is_cut_off_at_the_deadline():
    with SiteServer(drip(robots_drip=True)) as site:
        outcomes, seconds = timed(lambda: fetch(site, ["/articles/wind-farm.html"], replace(DEADLINE, retries=0)))
    assert outcomes["/articles/wind-farm.html"].reason == "robots_unavailable"
    assert seconds < DEADLINE.total_timeout + 2


def test_a_crawl_delay_beyond_the_cap_allows_one_request_and_defers_the_rest():
    paths = ["/articles/harbour-bridge.html", "/articles/rail-fares.html", "/articles/wind-farm.html"]
    with SiteServer(SiteState(crawl_delay=3600)) as site:
        outcomes, seconds = timed(lambda: fetch(site, paths, replace(FAST, max_host_delay=0.5)))
    assert sorted(o.reason if isinstance(o, Refused) else "fetched" for o in outcomes.values()) == [
        "deferred", "deferred", "fetched"]
    assert all(o.retryable for o in outcomes.values() if isinstance(o, Refused))  # tried again next run
    assert seconds < 3


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_delays_must_be_finite(value):
    with pytest.raises(SourcesFileError, match="finite"):
        parse_sources(f'[sources.a]\nfeeds = ["https://a.example/feed"]\nmin_delay = {value}\n')
    with pytest.raises(ValueError, match="finite"):
        FetchSettings(min_delay=float(value))


def test_a_stuck_source_is_recorded_as_timeout_and_everything_else_lands(db_path):
    with SiteServer(drip()) as site:
        summary, _ = web_ingest([site.url("/drip-body.html"), site.url("/articles/wind-farm.html")], db_path,
                                DEADLINE)
    assert (summary.new, summary.rejected) == (1, 1)
    assert rows(db_path, "select stage, reason from rejections") == [("fetch", "timeout")]


@pytest.mark.slow
@pytest.mark.parametrize("stop, whole_group", [(signal.SIGINT, False), (signal.SIGTERM, False),
                                               (signal.SIGTERM, True)], ids=["SIGINT", "SIGTERM", "SIGTERM-group"])
def test_a_signal_stops_the_run_within_seconds_lands_what_was_fetched_and_marks_it_interrupted(stop, whole_group,
                                                                                                db_path):
    """Ctrl-C in a terminal signals the whole process group, and so may a Prefect worker cancelling a flow run
    or a service manager stopping one (SIGTERM): the extraction workers and their forkserver must leave it to
    the run, or the pages read would land as `extract_crash`."""
    with SiteServer(drip(drip_for=60)) as site:
        inputs = [site.url("/articles/wind-farm.html"), site.url("/articles/rail-fares.html"),
                  site.url("/drip-body.html")]
        process = subprocess.Popen([str(EXE), "ingest", "--allow-private-network", "--workers", "1",
                                    "--db", str(db_path), *inputs], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)
        while not site.hits_to("/drip-body.html"):  # the two pages are in, the third hangs
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
        time.sleep(0.5)
        if whole_group:
            os.killpg(process.pid, stop)
        else:
            process.send_signal(stop)
        signalled = time.monotonic()
        try:
            _, stderr = process.communicate(timeout=15)
        finally:
            process.kill()
        seconds = time.monotonic() - signalled
    assert process.returncode == 130, stderr
    # The fetch stops within a quarter second; the rest is extracting and landing the two pages (the
    # extraction worker starts with the first batch).
    assert seconds < 10
    assert "Traceback" not in stderr
    assert rows(db_path, "select status from runs") == [("interrupted",)]
    assert rows(db_path, "select count(*) from articles") == [(2,)]
    assert rows(db_path, "select count(*) from rejections") == [(0,)]


def flow_states(prefect_home: Path) -> list[tuple[str, str]]:
    """(state type, state name) of each flow run the local Prefect API of `prefect_home` recorded."""
    con = sqlite3.connect(prefect_home / "prefect.db")
    try:
        return con.execute("select state_type, state_name from flow_run order by created").fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_sigterm_stops_the_ingest_flow_as_it_stops_the_cli_and_the_rerun_gives_the_rows_of_one_run(tmp_path):
    """`python flows/ingest.py` (what a worker runs, `python -m prefect.engine`, calls the same flow function in
    its main thread too) sent SIGTERM while it lands its batches: it stops within seconds with exit 130, the
    batches it read landed, the run is `interrupted` and the flow run Cancelled (named Interrupted); the rerun
    finishes, and every table equals that of one uninterrupted flow run."""
    corpus = signed_off_stories(tmp_path / "corpus", 60)
    reference, stopped = tmp_path / "reference.duckdb", tmp_path / "stopped.duckdb"
    prefect_home = tmp_path / "prefect"
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "PREFECT_LOGGING_LEVEL": "WARNING"}

    def flow(db):
        return [sys.executable, str(ROOT / "flows" / "ingest.py"), str(corpus), "--db", str(db), "--workers", "1",
                "--batch-size", "3"]

    done = subprocess.run(flow(reference), capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    # A session of its own, so that nothing outlives a failure: a flow process killed leaves its local API running.
    process = subprocess.Popen(flow(stopped), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env=env, start_new_session=True)
    Watch(process, stopped).signal_when("write", after_transactions=20, number=signal.SIGTERM)
    signalled = time.monotonic()
    try:
        _, stderr = process.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    seconds = time.monotonic() - signalled
    assert process.returncode == 130, stderr[-2000:]
    said, stop_line, after = stderr.partition("Interrupted: stopped by a signal")
    assert stop_line and "Traceback" not in said, stderr[-2000:]
    # After the run's last line the process exits and stops Prefect's local API: a request it was still serving
    # (the run's last logs and events) may be logged with Prefect's own traceback. None may come from our code.
    assert not re.search(r'File "[^"]*(/flows/|/newsingest/)', after), after[-2000:]
    # The batch in hand and the one being extracted land, the artifacts are published, the local API stops.
    assert seconds < 20
    assert 0 < rows(stopped, "select count(*) from articles")[0][0] < 60, "the signal was not in the middle of the run"
    assert run_statuses(stopped) == ["interrupted"]
    assert flow_states(prefect_home)[-1] == ("CANCELLED", "Interrupted")

    rerun = subprocess.run(flow(stopped), capture_output=True, text=True, cwd=ROOT, env=env)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    expected, got = snapshot(reference), snapshot(stopped)
    for table in expected:
        assert got[table] == expected[table], f"{table} differs from the uninterrupted run"
    assert run_statuses(stopped) == ["interrupted", "completed"]


# -- 2. unique run ids --------------------------------------------------------------------------------------

def test_runs_created_in_the_same_instant_get_different_ids_and_both_land(tmp_path, db_path):
    # Prefect's flow-run ids start with a millisecond timestamp: runs a scheduler creates together share it.
    same_millisecond = [uuid.UUID("01939a2b-7c4d-7e5f-8a1b-0123456789ab"),
                        uuid.UUID("01939a2b-7c4d-7f00-9c2d-fedcba987654")]
    ids = [run_id_of(flow_run_id) for flow_run_id in same_millisecond]
    assert ids[0] != ids[1]
    page = tmp_path / "page.txt"
    page.write_text("Harbour bridge reopens\n\n" + "The bridge reopened to traffic on Monday morning. " * 20)
    warehouse = Warehouse(db_path, lock_timeout=5)
    for run_id in ids:
        with IngestRun(warehouse, PipelineSettings(workers=1), run_id=run_id, inputs=[str(page)]) as run:
            for _ in run_batches(run, batches(read_file(page), 4)):
                pass
    assert sorted(rows(db_path, "select run_id, status from runs")) == sorted((i, "completed") for i in ids)


# -- 3. landing bounded by bytes ------------------------------------------------------------------------------

def test_batches_are_cut_by_bytes_and_a_document_larger_than_a_batch_is_rejected_with_its_size(tmp_path):
    documents = []
    for number, size in enumerate([400, 400, 400, 2000, 100]):
        path = tmp_path / f"{number}.txt"
        path.write_bytes(b"x" * size)
        documents += read_file(path)
    cut = list(batches(documents, size=100, max_bytes=1000))
    assert [[len(getattr(item, "body", b"")) for item in batch.items] for batch in cut] == [[400, 400], [400, 0, 100]]
    too_large = cut[1].items[1]
    assert too_large.reason == "too_large" and "2,000 bytes" in too_large.message


@pytest.mark.slow
def test_thirty_articles_of_nine_megabytes_land_batch_after_batch(db_path):
    """The checkpoint after a batch rewrites the row group of all earlier long texts: past ~250 MB it ran out
    of the landing memory_limit (FATAL after a durable commit), at the 28th article and at every rerun."""
    words = " ".join(f"word{n % 5000}" for n in range(1_000_000))  # ~9 MB
    warehouse = Warehouse(db_path)
    warehouse.migrate()
    for number in range(30):
        text = f"article {number} " + words
        landed = article(number, text=text, word_count=1_000_000)
        warehouse.land(LandingBatch(run_id="r1", articles=[(landed, DedupDecision(landed.id, DedupStatus.NEW,
                                                                                  cluster_id=landed.id),
                                                            StoredSignature(b"\x00" * 512, b"\x00", 5))]), "s")
    assert rows(db_path, "select count(*), sum(strlen(text)) > 250e6 from articles") == [(30, True)]


# -- 4. decompression bounded as it streams ----------------------------------------------------------------

@pytest.mark.parametrize("encoding, bomb", [("br", brotli_bomb), ("deflate", deflate_bomb), ("gzip", gzip_bomb)])
def test_decoders_hand_out_bounded_pieces_and_all_of_the_body(encoding, bomb):
    body = bomb()
    sizes = [len(piece) for piece in decoded_pieces([body[:300], body[300:]], encoding, piece=65536)]
    assert max(sizes) <= 2 * 65536
    assert sum(sizes) in (256 * 1024 * 1024, 50 * 1024 * 1024 + 3)


@pytest.mark.parametrize("path", ["/brotli-bomb.html", "/deflate-bomb.html", "/bomb.html"])
def test_compression_bombs_are_refused_without_expanding_in_memory(path):
    brotli_bomb(), deflate_bomb(), gzip_bomb()  # built by the server in this process: not the fetcher's memory
    with SiteServer() as site:
        tracemalloc.start()
        try:
            outcomes = fetch(site, [path], replace(FAST, read_timeout=10, total_timeout=30))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert outcomes[path].reason == "too_large"
    assert peak < 3 * FAST.max_bytes  # the body up to the limit, and a piece beyond it


# -- 5. JSONL of any size, a record at a time ---------------------------------------------------------------

def test_an_oversized_jsonl_record_is_rejected_alone_and_the_others_arrive(tmp_path):
    path = tmp_path / "feed.jsonl"
    records = [{"url": "https://a.example/1", "text": "First story\n\nbody"},
               {"url": "https://a.example/2", "text": "x" * 5000},
               {"url": "https://a.example/3", "text": "Third story\n\nbody"}]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    items = list(read_file(path, max_bytes=1000))
    assert [getattr(item, "url", None) for item in items] == ["https://a.example/1", None, "https://a.example/3"]
    assert items[1].reason == "too_large" and items[1].origin.endswith(":2") and "5,0" in items[1].message


def test_a_large_jsonl_file_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "large.jsonl.gz"
    record = (json.dumps({"url": "https://a.example/{}", "text": "A story\n\n" + "word " * 2000}) + "\n")
    with gzip.open(path, "wt", compresslevel=1) as handle:
        for number in range(20_000):  # ~200 MB once decompressed
            handle.write(record.replace("{}", str(number)))
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_file(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < 20 * 1024 * 1024


# -- 6. failures remembered ------------------------------------------------------------------------------------

def test_a_rerun_reports_inputs_still_failing_and_exits_1_when_nothing_landed(tmp_path, db_path):
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(b"\x1f\x8b not gzip at all")
    missing = tmp_path / "missing.html"
    for attempt in range(2):
        result = newsingest("ingest", "--workers", "1", "--db", str(db_path), str(broken), str(missing))
        assert result.returncode == 1, result.stderr
        assert "no input landed" in result.stderr
    assert "still failing" in result.stdout and "corrupt_gzip" in result.stdout and "not_found" in result.stdout
    good = tmp_path / "good.txt"
    good.write_text("Harbour bridge reopens\n\n" + "The bridge reopened to traffic on Monday morning. " * 20)
    result = newsingest("ingest", "--workers", "1", "--db", str(db_path), str(broken), str(good))
    assert result.returncode == 0, result.stderr


# -- 7. a damaged or unreadable warehouse, explained in one line -----------------------------------------

@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("landed") / "news.duckdb"
    result = newsingest("ingest", "--workers", "1", "--db", str(db_path), str(Path(__file__).parents[1] / "samples"))
    assert result.returncode == 0, result.stderr
    return db_path


COMMANDS = [["stats"], ["search", "bridge"], ["state", "show"], ["query", "select count(*) from articles"],
            ["rededup"], ["ingest", "--workers", "1", str(Path(__file__).parents[1] / "samples")]]


@pytest.mark.slow
@pytest.mark.parametrize("keep", [1_048_576, 3_000_000])
def test_every_command_explains_a_truncated_warehouse_in_one_line(landed, tmp_path, keep):
    truncated = tmp_path / "truncated.duckdb"
    truncated.write_bytes(landed.read_bytes()[:keep])
    for command in [*COMMANDS, ["export", "--out", str(tmp_path / "out")]]:
        result = newsingest(*command, "--db", str(truncated))
        if result.returncode == 0:
            continue  # what it needed was in the part that is left
        assert "Traceback" not in result.stderr, command
        assert len(result.stderr.strip().splitlines()) == 1, (command, result.stderr)
        assert result.stderr.startswith("error:"), (command, result.stderr)


def _read_only_mount_works() -> bool:
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _read_only_mount_works(), reason="needs unprivileged user and mount namespaces")
def test_every_command_explains_a_read_only_warehouse_in_one_line(landed, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "news.duckdb").write_bytes(landed.read_bytes())
    for command in [*COMMANDS, ["export", "--out", str(tmp_path / "out")], ["state", "reset"]]:
        script = f'mount --bind -o ro "{folder}" "{folder}" && exec "$@"'
        result = subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", str(EXE), *command, "--db",
                                 str(folder / "news.duckdb")], capture_output=True, text=True, timeout=300)
        assert "Traceback" not in result.stderr, command
        if result.returncode:
            assert len(result.stderr.strip().splitlines()) == 1, (command, result.stderr)


# -- 8. export never deletes what it did not write -----------------------------------------------------------

def test_export_leaves_files_it_did_not_write_and_replaces_its_own(landed, tmp_path):
    out = tmp_path / "export"
    mine = out / "articles" / "notes.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("the user's own notes")
    refused = newsingest("export", "--out", str(out), "--db", str(landed))
    assert refused.returncode == 2 and "did not write" in refused.stderr
    assert mine.read_text() == "the user's own notes"
    mine.unlink()
    for _ in range(2):  # the second export replaces the first
        result = newsingest("export", "--out", str(out), "--db", str(landed))
        assert result.returncode == 0, result.stderr
    assert len(list((out / "articles").rglob("*.parquet"))) >= 1
