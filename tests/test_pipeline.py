"""The library pipeline end to end on real files and a real DuckDB file."""

import gzip
import json
import shutil

import duckdb
import pytest

from newsingest.pipeline import IngestRun, PipelineSettings, batches, iter_source_items
from newsingest.warehouse import Warehouse, WarehouseLocked

from conftest import SEED_CLEAN, SEED_CRUFT
from test_dedup import OTHER, STORY


def ingest(inputs, db_path, warc=None, **settings):
    warehouse = Warehouse(db_path, lock_timeout=1)
    settings = PipelineSettings(**settings)
    items, _ = iter_source_items([str(i) for i in inputs], settings.max_bytes, warc, warehouse.warc_progress)
    with IngestRun(warehouse, settings, inputs=[str(i) for i in inputs]) as run:
        for batch in batches(items, settings.batch_size):
            run.process(batch)
    return run.summary


def rows(db_path, sql):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def corpus(tmp_path):
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
        with pytest.raises(WarehouseLocked, match="another ingest is writing"):
            ingest([corpus], db_path)


def test_parallel_extraction_gives_the_same_result(corpus, tmp_path):
    for n in range(16):
        (corpus / f"variant-{n}.txt").write_text(f"Variant {n}\n\n{STORY} Paragraph number {n} differs.")
    serial = ingest([corpus], tmp_path / "serial.duckdb")
    parallel = ingest([corpus], tmp_path / "parallel.duckdb", workers=2, batch_size=64)
    query = "select id, dedup_status, cluster_id, text from articles order by id"
    assert rows(tmp_path / "serial.duckdb", query) == rows(tmp_path / "parallel.duckdb", query)
    assert serial.counts() == parallel.counts()
