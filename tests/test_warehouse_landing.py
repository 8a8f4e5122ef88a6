"""Warehouse.land passes each batch to DuckDB as one JSON document per statement: every value must come back
exactly as the Python client stored it before (NULLs, time zones, blobs, maps, unicode, NaN)."""

import zlib
from datetime import UTC, datetime, timedelta, timezone

from newsingest.records import (DedupDecision, DedupStatus, RawDocument, Rejection, RemovedLine, StoredSignature,
                                WarcPointer, WarcProgress)
import newsingest.warehouse as warehouse_module
from newsingest.warehouse import LandingBatch, Warehouse
from helpers import LANDING_TEXT as TEXT, landing_article as article, rows


KOLKATA = timezone(timedelta(hours=5, minutes=30))


def land(db_path, batch: LandingBatch) -> Warehouse:
    warehouse = Warehouse(db_path)
    warehouse.migrate()
    warehouse.land(batch, "scheme-1")
    return warehouse


def test_articles_keep_nulls_time_zones_unicode_blobs_and_map_nan_to_null(db_path):
    full = article(1, url="https://ex.example/a", canonical_url="https://ex.example/a", source="ex.example",
                   title="Ünïcode “title”", author="A. Writer", sitename="Ex", language="de",
                   published_at=datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=KOLKATA),
                   removed=[RemovedLine(line="Share this ✉", rule="share", position=3)])
    bare = article(2, published_at=datetime(2024, 3, 1, 9, 30))  # naive: stored as UTC, as DuckDB always did
    blob = bytes(range(256)) * 2
    land(db_path, LandingBatch(run_id="r1", articles=[
        (full, DedupDecision("a1", DedupStatus.NEW, cluster_id="a1"), StoredSignature(blob, b"\x00", 7)),
        (bare, DedupDecision("a2", DedupStatus.NEAR_DUPLICATE, cluster_id="a1", duplicate_of="a1",
                             similarity=float("nan"), containment=0.1 + 0.2), StoredSignature(b"\xff", None, None)),
    ]))

    stored = rows(db_path, "select id, url, source, sitename, title, author, language, published_at, text, word_count, "
                           "dedup_status, duplicate_of, similarity, containment, cluster_id, run_id, arrival "
                           "from articles order by id")
    assert stored == [
        ("a1", "https://ex.example/a", "ex.example", "Ex", "Ünïcode “title”", "A. Writer", "de",
         datetime(2024, 3, 1, 4, 0, 15, 123456, tzinfo=UTC), TEXT, 12, "new", None, None, None, "a1", "r1", 1),
        ("a2", None, None, None, None, None, None, datetime(2024, 3, 1, 9, 30, tzinfo=UTC), TEXT, 12,
         "near_duplicate", "a1", None, 0.30000000000000004, "a1", "r1", 2)]
    assert rows(db_path, "select article_id, scheme, minhash, lead_minhash, shingle_count from signatures "
                         "order by article_id") == [("a1", "scheme-1", blob, b"\x00", 7),
                                                    ("a2", "scheme-1", b"\xff", None, None)]
    assert rows(db_path, "select * from removed_lines") == [("a1", 3, "Share this ✉", "share")]


def test_raw_documents_keep_each_rows_own_headers_and_their_bytes(db_path):
    fetched = datetime(2024, 5, 6, 7, 8, 9, 10, tzinfo=UTC)
    raws = [RawDocument(origin="https://a.example/", url="https://a.example/", body=b"<p>\x00\xff caf\xc3\xa9</p>",
                        content_type="text/html", encoding="utf-8", status=200, fetched_at=fetched,
                        headers={"ETag": "\"x\"", "Content-Language": "fr"}),
            RawDocument(origin="https://b.example/", body=b"b", headers={"Server": "ünï"}),
            RawDocument(origin="file.html", body=b"c"),
            RawDocument(origin="w.warc.gz", body=b"d", warc=WarcPointer(path="/data/w.warc.gz", offset=2**40))]
    land(db_path, LandingBatch(run_id="r1", raw_documents=[raw.archived() for raw in raws],
                               warc_progress=[WarcProgress("/data/w.warc.gz", 2**41, None, False)]))

    stored = rows(db_path, "select origin, url, content_type, encoding, http_status, headers, fetched_at, "
                           "size_bytes, body_zlib, warc_path, warc_offset from raw_documents order by origin")
    body = zlib.compress(raws[0].body, 6)
    assert stored == [
        ("file.html", None, None, None, None, {}, None, 1, zlib.compress(b"c", 6), None, None),
        ("https://a.example/", "https://a.example/", "text/html", "utf-8", 200,
         {"ETag": "\"x\"", "Content-Language": "fr"}, fetched, len(raws[0].body), body, None, None),
        ("https://b.example/", None, None, None, None, {"Server": "ünï"}, None, 1, zlib.compress(b"b", 6),
         None, None),
        ("w.warc.gz", None, None, None, None, {}, None, 1, None, "/data/w.warc.gz", 2**40)]
    assert rows(db_path, "select path, size_bytes, last_offset, complete, run_id from warc_files") == [
        ("/data/w.warc.gz", 2**41, None, False, "r1")]


def test_raw_documents_land_in_parts_each_body_once(db_path, monkeypatch):
    """A batch's raw documents go to DuckDB in statements of a few MB of bodies: every body lands, and the same
    bytes twice (in one part or in two) land once."""
    monkeypatch.setattr(warehouse_module, "RAW_BYTES_PER_STATEMENT", 10)
    bodies = [b"first body", b"second", b"first body", b"a body longer than one part", b"second", b"third"]
    land(db_path, LandingBatch(run_id="r1", raw_documents=[
        RawDocument(origin=f"page-{n}.html", body=body).archived() for n, body in enumerate(bodies)]))

    stored = rows(db_path, "select origin, body_zlib from raw_documents order by origin")
    assert [(origin, zlib.decompress(body)) for origin, body in stored] == [
        ("page-0.html", b"first body"), ("page-1.html", b"second"), ("page-3.html", b"a body longer than one part"),
        ("page-5.html", b"third")]


def test_a_batch_of_only_rejections_and_an_empty_batch_land(db_path):
    rejection = Rejection(doc_id="d1", origin="bad.json:3", stage="extract", reason="malformed_json",
                          message="Expecting ',' — line 1 ✗")
    warehouse = land(db_path, LandingBatch(run_id="r1", rejections=[rejection]))
    warehouse.land(LandingBatch(run_id="r2"), "scheme-1")
    assert rows(db_path, "select doc_id, origin, stage, reason, message, raw_hash, run_id, "
                         "rejected_at is not null from rejections") == [
        ("d1", "bad.json:3", "extract", "malformed_json", "Expecting ',' — line 1 ✗", None, "r1", True)]
    assert rows(db_path, "select count(*) from articles union all select count(*) from raw_documents") == [(0,), (0,)]
