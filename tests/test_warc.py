"""WARC files (web archives, CC-NEWS) end to end: generated archives, a real DuckDB file, a real kill."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path

import brotli
import pytest

from newsingest.records import RawDocument, WarcPointer
from newsingest.reprocess import archived_documents, raw_documents
from newsingest.sources.warc import (ArchiveMoved, WarcFileEnd, WarcFilters, WarcOptions, read_document_at,
                                     read_warc)
from newsingest.warehouse import Warehouse

from conftest import ROOT
from helpers import (SIGN_OFF, Watch, article_html, ingest, latest_artifacts, request, response, rows, run_statuses,
                     snapshot, warc_record, write_warc)


# --- writing WARC files (the format is simple enough to write by hand, which also allows damaging it) ---


def corrupt(member: bytes) -> bytes:
    """A gzip member whose header is intact but whose deflate data is garbage: the reader fails inside it."""
    return member[:12] + bytes(reversed(member[12:-8])) + member[-8:]


# --- the archive the tests read: a few dozen records of every kind ---

LANDING = ["https://a.example/politics/1", "https://www.a.example/politics/2", "https://news.b.example/1",
           "https://news.b.example/2", "https://c.example/sport/1", "https://c.example/sport/2",
           "https://d.example/after-the-damage", "https://d.example/last-good"]


def mixed_records() -> tuple[list[bytes], bytes, bytes]:
    """The records before the damage, the corrupt member's record, and the records after it."""
    before = [warc_record("warcinfo", "", b"software: test\r\nformat: WARC File Format 1.0\r\n",
                          content_type="application/warc-fields")]
    for number, url in enumerate(LANDING[:6]):
        fetched = "2024-05-03T12:00:00Z" if url.startswith("https://c.") else "2024-05-02T09:00:00Z"
        before += [request(url), response(url, article_html(number, f"Story {number} from {url}"), fetched=fetched)]
    before += [
        warc_record("metadata", LANDING[5], b"via: https://c.example/\r\n", content_type="application/warc-fields"),
        warc_record("revisit", LANDING[0], b"HTTP/1.1 200 OK\r\n\r\n", fetched="2024-05-04T09:00:00Z",
                    **{"WARC-Refers-To-Target-URI": LANDING[0], "WARC-Profile":
                       "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"}),
        request("https://a.example/gone"),
        response("https://a.example/gone", b"<html><body><p>Not found</p></body></html>", status="404 Not Found"),
        response("https://a.example/report.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4,
                 content_type="application/pdf"),
    ]
    damaged = response("https://e.example/lost", article_html(99, "A story lost to a bad gzip member"))
    after = [response(LANDING[6], article_html(6, "After the damage")),
             response(LANDING[7], article_html(7, "The last good one"))]
    return before, damaged, after


def mixed_warc(path: Path) -> Path:
    """The mixed records as a .warc.gz with a corrupt gzip member in the middle and a cut-off last record."""
    before, damaged, after = mixed_records()
    truncated = gzip.compress(response("https://f.example/cut-off", article_html(8, "Cut off")), mtime=0)
    members = [gzip.compress(r, mtime=0) for r in before] + [corrupt(gzip.compress(damaged, mtime=0))]
    members += [gzip.compress(r, mtime=0) for r in after] + [truncated[:len(truncated) // 2]]
    path.write_bytes(b"".join(members))
    return path


# --- reading ---

def test_each_record_lands_is_rejected_or_is_counted_as_skipped(tmp_path, db_path):
    warc = mixed_warc(tmp_path / "mixed.warc.gz")
    summary = ingest([warc], db_path, batch_size=4)
    assert sorted(r[0] for r in rows(db_path, "select url from articles")) == sorted(LANDING)
    rejected = rows(db_path, "select reason, stage, origin, message from rejections order by reason")
    assert [(reason, stage, origin) for reason, stage, origin, _ in rejected] == [
        ("corrupt_warc", "source", rejected[0][2]), ("http_status", "source", "https://a.example/gone"),
        ("not_html", "source", "https://a.example/report.pdf"),
        ("truncated_record", "source", "https://f.example/cut-off")]
    # Refused records are found by URL; where they sit in the file is in the origin or the message.
    assert rejected[0][2].startswith(f"{warc}@") and all(m.startswith(f"{warc}@") for *_, m in rejected[1:])
    assert summary.skipped_records == {"request": 7, "warcinfo": 1, "metadata": 1, "revisit": 1}
    assert summary.warc_files == {"read": 1}
    assert (summary.documents_seen, summary.new + summary.duplicates, summary.rejected) == (12, 8, 4)
    assert "| revisit | 1 |" in summary.to_markdown()


def test_urls_dates_status_and_types_come_from_the_warc_and_http_headers(tmp_path):
    items = list(read_warc(mixed_warc(tmp_path / "mixed.warc.gz")))
    documents = [i for i in items if isinstance(i, RawDocument)]
    first = documents[0]
    assert (first.url, first.status, first.content_type, first.encoding) == (
        LANDING[0], 200, "text/html", "utf-8")
    assert first.fetched_at.isoformat() == "2024-05-02T09:00:00+00:00"
    assert documents[4].fetched_at.date() == date(2024, 5, 3)
    assert first.headers["WARC-Record-ID"].startswith("<urn:uuid:")
    assert isinstance(items[-1], WarcFileEnd) and items[-1].how == "read"


def test_damage_is_one_rejection_and_reading_goes_on_after_it(tmp_path):
    items = list(read_warc(mixed_warc(tmp_path / "mixed.warc.gz")))
    reasons = [getattr(i, "reason", None) or getattr(i, "url", None) for i in items[:-1]]
    # The corrupt member costs its own record only; the cut-off last record is reported, not dropped.
    assert reasons[-4:] == ["corrupt_warc", LANDING[6], LANDING[7], "truncated_record"]
    corrupt_warc = items[-5]
    assert "reading resumed at offset" in corrupt_warc.message


def test_uncompressed_warc_cut_off_mid_payload(tmp_path):
    before, _, after = mixed_records()
    data = b"".join(before + after)
    path = tmp_path / "plain.warc"
    path.write_bytes(data[:-200])
    items = list(read_warc(path))
    last = items[-2]
    assert (last.reason, last.warc.offset) == ("truncated_record", len(b"".join(before + after[:1])))
    assert "payload has" in last.message


def chunked(data: bytes, size: int = 500) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size])
                    for i in range(0, len(data), size)) + b"0\r\n\r\n"


def encoded_response(url: str, payload: bytes, headers: str) -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{headers}\r\n".encode() + payload
    return warc_record("response", url, http)


def test_payloads_archived_as_sent_are_decoded(tmp_path):
    """wget, Heritrix and Browsertrix keep chunked and compressed payloads as they came over the wire."""
    page = article_html(1, "Encoded story")
    records = [
        encoded_response("https://x.example/chunked-gzip", chunked(gzip.compress(page)),
                         "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"),
        encoded_response("https://x.example/br", brotli.compress(page), "Content-Encoding: br\r\n"),
        encoded_response("https://x.example/deflate", zlib.compress(page), "Content-Encoding: deflate\r\n"),
        encoded_response("https://x.example/bomb", gzip.compress(bytes(11 * 1024 * 1024)),
                         "Content-Encoding: gzip\r\n"),
        encoded_response("https://x.example/bad-chunks", b"zz\r\nnot a chunk", "Transfer-Encoding: chunked\r\n"),
    ]
    items = list(read_warc(write_warc(tmp_path / "encoded.warc.gz", records)))[:-1]
    assert [i.body for i in items[:3]] == [page, page, page]
    assert [(i.reason, i.origin) for i in items[3:]] == [
        ("too_large", "https://x.example/bomb"), ("undecodable_payload", "https://x.example/bad-chunks")]


def test_load_filters_skip_records_before_their_payload_is_read(tmp_path):
    warc = mixed_warc(tmp_path / "mixed.warc.gz")
    filters = WarcFilters.of(allow_hosts=["a.example", "C.example."], deny_hosts=["www.a.example"],
                             since=date(2024, 5, 2), until=date(2024, 5, 2))
    items = list(read_warc(warc, WarcOptions(filters)))
    kept = [i.url for i in items if isinstance(i, RawDocument)]
    assert kept == [LANDING[0]]
    assert items[-1].skipped == {"request": 7, "warcinfo": 1, "metadata": 1, "revisit": 1, "host_denied": 1,
                                 "host_not_allowed": 5, "outside_date_range": 2}
    # Responses of allowed hosts that are not articles are still rejected with their reason; the cut-off
    # record of f.example is filtered on its headers, so its payload is never read.
    assert sorted(i.reason for i in items if hasattr(i, "reason")) == ["corrupt_warc", "http_status", "not_html"]


def test_raw_archive_keeps_a_pointer_that_reads_the_record_again(tmp_path, db_path):
    warc = mixed_warc(tmp_path / "mixed.warc.gz")
    ingest([warc], db_path)
    raw = rows(db_path, "select raw_hash, url, warc_path, warc_offset, body_zlib, size_bytes from raw_documents")
    assert len(raw) == len(LANDING)
    for raw_hash, url, path, offset, body_zlib, size in raw:
        assert (path, body_zlib) == (str(warc), None)
        again = read_document_at(WarcPointer(path, offset), url)
        assert (again.url, again.raw_hash, len(again.body)) == (url, raw_hash, size)
    # Reprocessing (re-extraction from the raw archive) reads the bytes through the pointers.
    warehouse = Warehouse(db_path)
    archived = archived_documents(warehouse)
    assert {r.raw_hash for r in raw_documents(warehouse, archived)} == {row[0] for row in raw}
    write_warc(warc, mixed_records()[0][::-1])  # the same name, other records at those offsets
    with pytest.raises(ArchiveMoved, match=f"{warc}@"):
        raw_documents(warehouse, archived)
    warc.unlink()
    with pytest.raises(ArchiveMoved, match="No such file"):
        raw_documents(warehouse, archived)


def test_folder_of_warcs_with_plain_and_gzipped_files(tmp_path, db_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    before, _, after = mixed_records()
    write_warc(folder / "one.warc", before)
    write_warc(folder / "two.warc.gz", after)
    summary = ingest([folder], db_path)
    assert summary.warc_files == {"read": 2}
    assert rows(db_path, "select count(*) from articles") == [(8,)]


# --- resuming and skipping ---

def test_a_file_read_to_the_end_is_skipped_unless_forced(tmp_path, db_path):
    warc = mixed_warc(tmp_path / "mixed.warc.gz")
    ingest([warc], db_path)
    assert rows(db_path, "select complete, size_bytes from warc_files") == [(True, warc.stat().st_size)]
    again = ingest([warc], db_path)
    assert (again.documents_seen, again.warc_files) == (0, {"already_ingested": 1})
    forced = ingest([warc], db_path, WarcOptions(force=True))
    seen_before = forced.already_seen + sum(forced.still_failing.values())  # rejected records: still failing
    assert (forced.documents_seen, seen_before, forced.new, forced.warc_files) == (12, 12, 0, {"read": 1})
    assert rows(db_path, "select count(*) from articles") == [(8,)]


def test_a_changed_file_is_read_again(tmp_path, db_path):
    before, _, after = mixed_records()
    warc = write_warc(tmp_path / "growing.warc.gz", before)
    ingest([warc], db_path)
    write_warc(warc, before + after)
    summary = ingest([warc], db_path)
    assert (summary.new, summary.warc_files) == (2, {"read": 1})


def signed_off(page: bytes) -> bytes:
    """The page with its outlet's sign-off line: in every article, so learned as the outlet's boilerplate once
    five of them landed (extract/boilerplate.py)."""
    return page.replace(b"</article>", f"<p>{SIGN_OFF}</p></article>".encode())


@pytest.mark.slow
@pytest.mark.parametrize("entry_point", ["cli", "flow", "cli-redis"])
def test_an_ingest_killed_mid_warc_reruns_to_the_tables_of_a_one_shot_run(tmp_path, entry_point, request):
    """kill -9 of `newsingest ingest` (or of the ingest flow run locally, or of the CLI deduplicating over a
    shared Redis index) while it writes, then the same command again: every table equals that of an
    uninterrupted run without Redis (nothing lost, nothing twice, no article meeting itself in the shared
    index, g.example's sign-off cleaned alike although the first part taught it as boilerplate), and the
    file's progress ends complete."""
    redis = ["--redis", request.getfixturevalue("redis_url")] if entry_point == "cli-redis" else []
    before, _, after = mixed_records()
    more = [response(f"https://g.example/{n}", signed_off(article_html(100 + n, f"Story {n} of many")))
            for n in range(90)]
    warc = write_warc(tmp_path / "long.warc.gz", before + after + more)
    reference, crashed = tmp_path / "reference.duckdb", tmp_path / "crashed.duckdb"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_LOGGING_LEVEL": "WARNING"}

    def command(db, shared=()):
        program = [str(ROOT / "flows" / "ingest.py")] if entry_point == "flow" else ["-m", "newsingest.cli", "ingest"]
        return [sys.executable, *program, str(warc), "--db", str(db), "--workers", "1", "--batch-size", "3", *shared]

    done = subprocess.run(command(reference), capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    # A session of its own: the kill takes the extraction workers (and the flow's Prefect server) too.
    process = subprocess.Popen(command(crashed, redis), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                               env=env, start_new_session=True)
    Watch(process, crashed).kill_when("write", after_transactions=45)
    assert process.returncode == -signal.SIGKILL
    os.killpg(process.pid, signal.SIGKILL)
    landed = rows(crashed, "select count(*) from articles")[0][0]
    assert 0 < landed < 8 + 90 and rows(crashed, "select complete from warc_files") == [(False,)], \
        "the kill was not in the middle of the file"
    rerun = subprocess.run(command(crashed, redis), capture_output=True, text=True, cwd=ROOT, env=env)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    expected, got = snapshot(reference), snapshot(crashed)
    for table in expected:
        assert got[table] == expected[table], f"{table} differs from the uninterrupted run"
    progress = "select path, size_bytes, last_offset, complete from warc_files"
    assert rows(crashed, progress) == rows(reference, progress) and rows(crashed, progress)[0][3] is True
    assert run_statuses(crashed) == ["interrupted", "completed"]


@pytest.mark.slow
def test_flow_takes_warc_paths_and_filters(tmp_path, db_path):
    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest import ingest_flow

    before, _, after = mixed_records()
    warc = write_warc(tmp_path / "mixed.warc.gz", before + after)
    with prefect_test_harness(server_startup_timeout=120):
        state = ingest_flow(inputs=[str(tmp_path)], db=str(db_path), batch_size=4, workers=1,
                            deny_hosts=["news.b.example"], since=date(2024, 5, 2), until=date(2024, 5, 2),
                            return_state=True)
        import asyncio
        summary_markdown = asyncio.run(latest_artifacts())["ingest-summary"].data
    assert state.is_completed(), state.message
    assert sorted(r[0] for r in rows(db_path, "select url from articles")) == sorted(
        [LANDING[0], LANDING[1], LANDING[6], LANDING[7]])
    assert "| host_denied | 2 |" in summary_markdown and "| outside_date_range | 2 |" in summary_markdown
    assert rows(db_path, "select path, complete from warc_files") == [(str(warc), True)]
