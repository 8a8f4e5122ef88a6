"""The bad-input corpus (tests/bad_inputs/): every case ends as its expected article or rejection, in one
real `newsingest ingest` run that also lands the good documents sharing its batches; plus the
per-document time and memory limits of extraction, and feeds/sitemaps that try XXE or entity expansion."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from newsingest.extract import ExtractSettings
from newsingest.extract.workers import ExtractLimits, ExtractWorkers
from newsingest.pipeline import IngestRun, PipelineSettings
from newsingest.records import Article, RawDocument
from newsingest.warehouse import Warehouse

from conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "tests" / "bad_inputs"))
from make_corpus import (CASES_DIR, FEEDS_DIR, PARAGRAPHS, XML_CASES, Case, cases,  # noqa: E402
                         small_cases, write_large)

GOOD_STORIES = 20


def good_documents(folder: Path) -> list[Path]:
    """Distinct, clean stories: each must land whatever bad input shares its batch."""
    folder.mkdir()
    records = [json.loads(line) for line in (FIXTURES / "stories" / "articles.jsonl").read_text().splitlines()]
    paths = []
    for number, record in enumerate(records[:GOOD_STORIES]):
        path = folder / f"good_{number:02d}.txt"
        path.write_text(f"{record['title']}\n\n{record['text']}\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """One CLI ingest of good stories + every case, bad and good documents mixed in the same batches."""
    tmp = tmp_path_factory.mktemp("bad_inputs")
    good = good_documents(tmp / "good")
    large = write_large()
    db = tmp / "news.duckdb"
    # slides.pptx is named explicitly: folders pass over unsupported types, named files are rejected.
    command = [sys.executable, "-m", "newsingest.cli", "ingest", str(tmp / "good"), str(CASES_DIR), str(large),
               str(CASES_DIR / "slides.pptx"), "--db", str(db), "--workers", "2", "--batch-size", "500"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200, cwd=ROOT)
    con = duckdb.connect(str(db), read_only=True)
    yield result, con, good
    con.close()


def outcomes(con, name: str) -> tuple[list[tuple], Counter]:
    """Articles and rejections of one case file (a JSONL file's records are `path:line`)."""
    pattern = f"%/{name}"
    articles = con.execute(
        "select text, dedup_status, published_at, cluster_id from articles where origin like ? or origin like ?",
        [pattern, pattern + ":%"]).fetchall()
    reasons = Counter(r for (r,) in con.execute(
        "select reason from rejections where origin like ? or origin like ?", [pattern, pattern + ":%"]).fetchall())
    return articles, reasons


def test_the_corpus_has_at_least_40_cases_and_the_committed_files_match_the_generator():
    assert len(cases()) + len(XML_CASES) >= 40
    for case in small_cases():
        assert (CASES_DIR / case.name).read_bytes() == case.body, f"regenerate: {case.name}"
    for name, text in XML_CASES.items():
        assert (FEEDS_DIR / name).read_text(encoding="utf-8") == text, f"regenerate: {name}"


@pytest.mark.slow
def test_the_run_completes_and_every_good_document_lands(corpus_run):
    result, con, good = corpus_run
    assert result.returncode == 0, result.stderr[-3000:]
    origins = {origin for (origin,) in con.execute("select origin from articles").fetchall()}
    assert {str(path) for path in good} <= origins
    assert con.execute("select status from runs").fetchall() == [("completed",)]


@pytest.mark.slow
@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_case_ends_as_expected(corpus_run, case: Case):
    _, con, _ = corpus_run
    articles, reasons = outcomes(con, case.name)
    assert (len(articles), dict(reasons)) == (case.articles, case.rejections), case.why
    for text, *_ in articles:
        for expected in case.contains:
            assert expected in text, f"{case.name}: {expected!r} did not survive"
    if case.published_at_null:
        assert all(published is None for _, _, published, _ in articles)
    if case.dedup:
        statuses = Counter(status for _, status, _, _ in articles)
        assert {s: statuses[s] for s in case.dedup} == case.dedup
        assert len({cluster for *_, cluster in articles}) == 1  # every copy in one cluster


@pytest.mark.slow
def test_every_rejection_has_a_reason_and_a_message(corpus_run):
    _, con, _ = corpus_run
    assert con.execute("select count(*) from rejections where reason = '' or message = ''").fetchone() == (0,)
    expected = sum(case.total for case in cases()) + GOOD_STORIES
    documents = con.execute("select (select count(*) from articles) + (select count(*) from rejections)").fetchone()
    assert documents == (expected,)  # nothing vanished: every input is an article or a rejection


# --- per-document limits -----------------------------------------------------------------------------

def page(paragraphs: int) -> RawDocument:
    """A legitimate but huge page: trafilatura needs seconds and hundreds of MB for it."""
    body = "<html><body><article>" + "".join(f"<p>{PARAGRAPHS[n % 3]}</p>" for n in range(paragraphs))
    return RawDocument(origin=f"huge-{paragraphs}.html", body=(body + "</article></body></html>").encode(),
                       content_type="text/html")


def small(number: int) -> RawDocument:
    text = f"Story {number}\n\n" + "\n".join(PARAGRAPHS) + f"\nThis is story number {number}.\n"
    return RawDocument(origin=f"small-{number}.txt", body=text.encode(), content_type="text/plain")


HUGE = page(60_000)  # ~9 MB, ~8 s of extraction on one core


def reasons_of(outcomes_: list) -> list[str]:
    return [o.reason if not isinstance(o, Article) else "article" for o in outcomes_]


@pytest.mark.slow
def test_a_document_past_its_deadline_is_stopped_and_the_batch_lands(tmp_path):
    settings = PipelineSettings(workers=1, limits=ExtractLimits(timeout_s=2))
    docs = [small(1), HUGE, small(2), small(3)]
    with IngestRun(Warehouse(tmp_path / "news.duckdb"), settings) as run:
        extracted = run.extract(docs)
    assert sorted(a.origin for a in extracted.articles) == ["small-1.txt", "small-2.txt", "small-3.txt"]
    (rejection,) = extracted.rejections
    assert (rejection.origin, rejection.reason) == (HUGE.origin, "extract_timeout")
    assert "longer than 2s" in rejection.message
    # The stopped worker sent nothing back: the run archives that document's bytes itself, in input order.
    assert [zlib.decompress(archived.body_zlib) for archived in extracted.archived] == [doc.body for doc in docs]


@pytest.mark.slow
def test_a_document_over_the_memory_cap_is_rejected_and_the_worker_goes_on():
    with ExtractWorkers(1, ExtractSettings(), ExtractLimits(memory_mb=50)) as workers:
        results = workers.extract([small(1), HUGE, small(2)])
        assert reasons_of(results) == ["article", "extract_memory", "article"]
        assert "50 MB" in results[1].message
        assert reasons_of(workers.extract([small(3)])) == ["article"]


def _kill_busy_worker_after(seconds: float) -> threading.Thread:
    def kill():
        time.sleep(seconds)
        for child in multiprocessing.active_children():
            if child.name == "newsingest-extract":
                os.kill(child.pid, signal.SIGKILL)
    thread = threading.Thread(target=kill)
    thread.start()
    return thread


@pytest.mark.slow
def test_a_worker_killed_mid_document_costs_that_document_only():
    with ExtractWorkers(1, ExtractSettings()) as workers:
        workers.extract([small(0)])  # started and warm: the kill hits the huge page, not the start-up
        killer = _kill_busy_worker_after(1.0)
        results = workers.extract([small(1), HUGE, small(2)])
        killer.join()
    assert reasons_of(results) == ["article", "extract_crash", "article"]
    assert "SIGKILL" in results[1].message


def test_serial_runs_extract_in_a_child_process_too(tmp_path):
    """workers=1 must be protected as well: the document never runs in the caller's process."""
    with IngestRun(Warehouse(tmp_path / "news.duckdb"), PipelineSettings(workers=1)) as run:
        run.extract([small(1)])
        names = [child.name for child in multiprocessing.active_children()]
    assert "newsingest-extract" in names


# --- untrusted XML: feeds and sitemaps ------------------------------------------------------------------

SECRET = "root:x:0:0"  # the first line of /etc/passwd, which an external entity would pull in


@pytest.mark.parametrize("name", sorted(XML_CASES))
def test_untrusted_xml_never_expands_entities_nor_reads_files(name):
    # The web sources (issue 5) may land after this test: until then it is skipped, not failed.
    feeds = pytest.importorskip("newsingest.sources.feeds")
    sitemaps = pytest.importorskip("newsingest.sources.sitemaps")
    body = (FEEDS_DIR / name).read_bytes()
    for parse in (lambda: feeds.feed_links(body, "https://news.example/feed.xml"),
                  lambda: sitemaps.parse_sitemap(body, "https://news.example/sitemap.xml")):
        try:
            result = parse()
        except sitemaps.SitemapError as refusal:  # the sitemap reader's refusal, recorded as a rejection
            result = str(refusal)
        assert SECRET not in repr(result)
        assert "lollollol" not in repr(result)
        assert len(repr(result)) < 100_000
