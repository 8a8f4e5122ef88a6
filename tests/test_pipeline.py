"""The pipeline end to end (pipeline.run_batches, the one loop) on real files and a real DuckDB file, driven
through `newsingest ingest` (typer's runner, in this process) and, for a failed landing, a Prefect flow."""

import gc
import subprocess
import sys
import zlib

import pytest
from typer.testing import CliRunner

from newsingest.cli import app
from newsingest.pipeline import IngestRun, PipelineSettings, Stages, batches, run_batches
from newsingest.records import RawDocument
from newsingest.sources.registry import SourceOptions, open_sources
from newsingest.sources.warc import WarcSource
from newsingest.warehouse import Warehouse

from helpers import STORY, article_html, ingest, response, rows, write_warc


def test_every_input_ends_as_article_or_rejection(corpus, db_path):
    summary = ingest([corpus], db_path, batch_size=3)
    assert summary.documents_seen == 9
    assert (summary.new, summary.exact_duplicates, summary.url_duplicates, summary.rejected) == (4, 1, 1, 3)
    assert rows(db_path, "select count(*) from articles") == [(6,)]
    reasons = sorted(r[0] for r in rows(db_path, "select reason from rejections"))
    assert reasons == ["binary_content", "empty", "malformed_json"]
    assert rows(db_path, "select count(*) from articles where cluster_id is null") == [(0,)]
    assert rows(db_path, "select count(*) from raw_documents") == [(8,)]


def test_removed_lines_land_with_their_rule(corpus, db_path):
    ingest([corpus], db_path)
    removed = rows(db_path, "select rule, count(*) from removed_lines group by 1 order by 1")
    assert ("comment_form", 2) in removed and ("stray_headline", 1) in removed


def test_rerun_is_idempotent_and_counts_already_seen(corpus, db_path):
    ingest([corpus], db_path)
    before = rows(db_path, "select (select count(*) from articles), (select count(*) from rejections)")
    second = ingest([corpus], db_path)
    assert rows(db_path, "select (select count(*) from articles), (select count(*) from rejections)") == before
    assert second.documents_seen == 9 and second.new == 0
    # The input rejected by the first run is reported again as still failing, not as already seen.
    assert second.already_seen == 8 and sum(second.still_failing.values()) == 1
    assert rows(db_path, "select already_seen from runs order by started_at") == [(0,), (8,)]


def test_copy_arriving_in_a_later_run_points_at_the_original(tmp_path, db_path):
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    day1.mkdir(), day2.mkdir()
    (day1 / "original.txt").write_text("Bridge to close\n\n" + STORY)
    (day2 / "update.txt").write_text("Bridge closure confirmed\n\n" + STORY + " The vote was 31 to 9.")
    ingest([day1], db_path)
    ingest([day2], db_path)
    (original,) = rows(db_path, "select id from articles where origin like '%original.txt'")
    status, duplicate_of, cluster = rows(db_path, "select dedup_status, duplicate_of, cluster_id from articles "
                                                  "where origin like '%update.txt'")[0]
    assert (status, duplicate_of, cluster) == ("near_duplicate", original[0], original[0])


def test_second_writer_fails_naming_the_lock(corpus, db_path):
    warehouse = Warehouse(db_path, lock_timeout=0.5)
    with warehouse.writer_lock():
        result = CliRunner().invoke(app, ["ingest", str(corpus), "--db", str(db_path), "--lock-timeout", "0.5"])
    assert result.exit_code == 2 and "another ingest is writing" in result.output


def test_a_landed_batch_lets_go_of_its_documents(corpus, db_path):
    """The caller's loop variable holds the yielded batch until the next one lands: with its raw documents,
    the run's own process held a third batch of bodies at every landing (docs/performance.md "Start-up and the run's own
    memory")."""
    origins: dict[int, set[str]] = {}

    def recorded(cut):
        for batch in cut:
            origins[batch.number] = {item.origin for item in batch.items if isinstance(item, RawDocument)}
            yield batch

    with IngestRun(Warehouse(db_path), PipelineSettings(batch_size=2, workers=1)) as run:
        for landed in run_batches(run, recorded(batches(open_sources([str(corpus)]).items(), 2))):
            gc.collect()
            alive = {o.origin for o in gc.get_objects() if isinstance(o, RawDocument)}
            assert not alive & origins[landed.number]
    assert sum(bool(documents) for documents in origins.values()) >= 2


def test_the_workers_compress_the_raw_archive_and_a_landing_batch_holds_no_plain_bytes(corpus, db_path,
                                                                                         monkeypatch):
    """The run's own process neither compresses the raw archive (the extraction workers, real child processes,
    send each document back compressed) nor holds a landing batch's plain bytes (docs/performance.md: two
    batches of them were ~60 MiB of the run's peak); the archive is still every document, page for page."""
    compress = zlib.compress
    pages = {raw.raw_hash: raw.body for raw in open_sources([str(corpus)]).items() if isinstance(raw, RawDocument)}

    def in_this_process(*args, **kwargs):
        raise AssertionError("the run's own process compressed a raw body")

    archived_by_batch = []

    class Checked(Stages):
        def land(self, run, batch, decided):
            gc.collect()
            alive = {o.origin for o in gc.get_objects() if isinstance(o, RawDocument)}
            landing = {archived.origin for archived in decided.extracted.archived}
            assert not alive & landing
            archived_by_batch.append(len(landing))
            super().land(run, batch, decided)

    monkeypatch.setattr(zlib, "compress", in_this_process)
    with IngestRun(Warehouse(db_path), PipelineSettings(batch_size=2, workers=1)) as run:
        for _ in run_batches(run, batches(open_sources([str(corpus)]).items(), 2), Checked()):
            pass
    monkeypatch.undo()
    assert sum(bool(archived) for archived in archived_by_batch) >= 3
    archive = rows(db_path, "select raw_hash, body_zlib from raw_documents")
    assert {raw_hash: zlib.decompress(body) for raw_hash, body in archive} == pages
    assert all(body == compress(pages[raw_hash], 6) for raw_hash, body in archive)  # what main stored before


def test_parallel_extraction_gives_the_same_result(corpus, tmp_path):
    for n in range(16):
        (corpus / f"variant-{n}.txt").write_text(f"Variant {n}\n\n{STORY} Paragraph number {n} differs.")
    serial = ingest([corpus], tmp_path / "serial.duckdb")
    parallel = ingest([corpus], tmp_path / "parallel.duckdb", workers=2, batch_size=64)
    query = "select id, dedup_status, cluster_id, text from articles order by id"
    assert rows(tmp_path / "serial.duckdb", query) == rows(tmp_path / "parallel.duckdb", query)
    assert serial.counts() == parallel.counts()


# Opens the warehouse read-write in another process, says so, and holds it: DuckDB lets one process have a
# file, so an ingest's transactions cannot open it meanwhile.
HOLD_DATABASE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.mark.slow
def test_a_landing_that_fails_once_is_retried_and_lands_exactly_its_own_warc_offsets(tmp_path, db_path):
    """Batch 2's first landing fails for real (another process holds the database); Prefect retries the land
    task and it lands batch 2's own WARC progress: after every batch, the committed offset is that of the
    batch's last record (before, the retry took the next batch's offsets from a queue)."""
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest import PrefectStages

    warc = write_warc(tmp_path / "a.warc.gz", [response(f"https://g.example/{n}", article_html(n, f"Story {n}"))
                                                 for n in range(9)])
    offsets = [item.warc.offset for item in WarcSource([warc]).items()]
    warehouse = Warehouse(db_path, lock_timeout=0.3)
    holders = []

    class LockedBeforeSecondLanding(PrefectStages):
        def land(self, run, batch, decided):
            if batch.number == 2 and not holders:
                holders.append(subprocess.Popen([sys.executable, "-c", HOLD_DATABASE, str(db_path), "2"],
                                                stdout=subprocess.PIPE, text=True))
                assert holders[0].stdout.readline() == "holding\n"
            super().land(run, batch, decided)

    @flow
    def ingest_with_a_held_database():
        sources = open_sources([str(warc)], SourceOptions(warc_state=warehouse.warc_progress))
        committed = []
        with IngestRun(warehouse, PipelineSettings(batch_size=3, workers=1), inputs=[str(warc)]) as run:
            for _ in run_batches(run, batches(sources.items(), 3, progress=sources.progress),
                                 LockedBeforeSecondLanding()):
                committed.append(warehouse.warc_progress(str(warc)))
        return run.summary, committed

    with prefect_test_harness(server_startup_timeout=120):
        summary, committed = ingest_with_a_held_database()
        with get_client(sync_client=True) as client:
            landings = {task.name: task.run_count for task in client.read_task_runs() if task.name.startswith("land")}
    holders[0].wait()
    assert landings == {"land-1": 1, "land-2": 2, "land-3": 1}
    assert [state.last_offset for state in committed] == [offsets[2], offsets[5], offsets[8]]
    assert [state.complete for state in committed] == [False, False, True]
    assert summary.new == 9 and summary.warc_files == {"read": 1}
    assert rows(db_path, "select count(*), count(distinct url) from articles") == [(9, 9)]
    assert rows(db_path, "select path, last_offset, complete from warc_files") == [(str(warc), offsets[8], True)]
