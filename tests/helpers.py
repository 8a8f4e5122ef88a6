"""Helpers the test modules share (no test module imports another): the entry points as tests drive them,
writers of generated inputs (WARC files, JSONL), and readers of a warehouse's rows."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import numpy as np
import pytest
from datasketch import MinHash
from prefect.client.orchestration import get_client
from typer.testing import CliRunner

from newsingest.cli import app
from newsingest.dedup.signatures import GRAM_BASE, SignatureSettings
from newsingest.dedup.text_units import BYTE_BASE
from newsingest.fingerprint import text_hash
from newsingest.pipeline import IngestRun, PipelineSettings, RunSummary, batches, run_batches
from newsingest.records import Article
from newsingest.sources.fetch import FetchRequest, Fetcher, FetchSettings, PAGE_TYPES
from newsingest.sources.registry import SourceOptions, open_sources
from newsingest.sources.state import FetchState
from newsingest.sources.warc import WarcOptions
from newsingest.sources.web import WebCrawl
from newsingest.warehouse import Warehouse, WarehouseError

from conftest import FIXTURES


EXE = Path(sys.executable).with_name("newsingest")  # the console script


# -- the entry points ------------------------------------------------------------------------------------------

def ingest(inputs, db_path, warc: WarcOptions | None = None, batch_size: int | None = None, workers: int = 1,
           window_days: int | None = None) -> RunSummary:
    """`newsingest ingest` run in this process through typer's runner (the command users run, its options
    parsed as theirs are); returns the run's summary. A run that exits non-zero fails the test."""
    args = ["ingest", *map(str, inputs), "--db", str(db_path), "--workers", str(workers), "--lock-timeout", "1"]
    if batch_size is not None:
        args += ["--batch-size", str(batch_size)]
    if window_days is not None:
        args += ["--window-days", str(window_days)]
    warc = warc or WarcOptions()
    args += ["--force"] * warc.force
    args += [option for host in warc.filters.allow_hosts for option in ("--allow-host", host)]
    args += [option for host in warc.filters.deny_hosts for option in ("--deny-host", host)]
    result = CliRunner().invoke(app, args, standalone_mode=False, catch_exceptions=False)
    assert isinstance(result.return_value, RunSummary), f"exit {result.return_value}: {result.output}"
    return result.return_value


def web_ingest(inputs, db_path, settings=None, batch_size: int = 4):
    """The CLI's ingest of web inputs with the tests' fast fetch settings (the CLI has no option for timeouts
    and delays): the same sources, loop and stages (pipeline.run_batches)."""
    warehouse = Warehouse(db_path, lock_timeout=5)
    web = WebCrawl.from_inputs(inputs, settings or FAST, FetchState(warehouse))
    sources = open_sources(inputs, SourceOptions(web=web))
    with IngestRun(warehouse, PipelineSettings(workers=1), inputs=inputs) as run:
        for _ in run_batches(run, batches(sources.items(), batch_size, progress=sources.progress)):
            pass
    return run.summary, web.stats


# -- WARC files, written by hand (which also allows damaging them) -------------------------------------------

VOCABULARY = ("harbour council budget river school minister station museum festival hospital court bridge "
              "railway farmers market election weather storm library teachers workers union police fire "
              "village mayor report study prices housing energy water airport ferry coast mountain forest "
              "orchestra theatre league final season coach players record crowd protest strike contract").split()


NAMESPACE = uuid.UUID("6f1d3c1e-56f0-4a4e-8d7c-3a1f0c2b9e11")


def warc_record(kind: str, url: str, block: bytes, fetched: str = "2024-05-02T09:00:00Z",
                content_type: str = "application/http; msgtype=response", **extra: str) -> bytes:
    headers = {"WARC-Type": kind, "WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(NAMESPACE, kind + url + fetched)}>",
               "WARC-Date": fetched, "WARC-Target-URI": url, "Content-Type": content_type, **extra,
               "Content-Length": str(len(block))}
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return b"WARC/1.0\r\n" + head.encode() + b"\r\n" + block + b"\r\n\r\n"


def response(url: str, body: bytes, status: str = "200 OK", content_type: str = "text/html; charset=utf-8",
             fetched: str = "2024-05-02T09:00:00Z") -> bytes:
    http = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return warc_record("response", url, http.encode() + body, fetched)


def request(url: str) -> bytes:
    host = url.split("/")[2]
    http = f"GET /{url.split('/', 3)[-1]} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    return warc_record("request", url, http, content_type="application/http; msgtype=request")


def article_html(seed: int, title: str) -> bytes:
    rng = random.Random(seed)
    paragraphs = "".join(f"<p>{' '.join(rng.choice(VOCABULARY) for _ in range(45)).capitalize()}.</p>\n"
                         for _ in range(5))
    return (f"<!doctype html><html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article></body></html>").encode()


SIGN_OFF = "Filed for the Gazette by the river desk in Harbourtown."


def signed_off_stories(folder: Path, count: int) -> Path:
    """JSONL stories of one outlet, each with the outlet's sign-off line: learned as its boilerplate once five
    of them landed (extract/boilerplate.py), so a rerun that learned from the first part would clean the rest
    differently from one run."""
    rng = random.Random(20)

    def paragraph() -> str:
        return " ".join(rng.choice(VOCABULARY) for _ in range(40)).capitalize() + "."

    folder.mkdir()
    write_jsonl(folder / "stories.jsonl", [
        {"url": f"https://g.example/story/{n}", "title": f"Story {n} of the week",
         "text": "\n".join([paragraph(), paragraph(), SIGN_OFF, paragraph()])} for n in range(count)])
    return folder


def write_warc(path: Path, records: list[bytes]) -> Path:
    """One gzip member per record (as CC-NEWS does) for .warc.gz, plain concatenation for .warc."""
    data = b"".join(gzip.compress(r, mtime=0) for r in records) if path.suffix == ".gz" else b"".join(records)
    path.write_bytes(data)
    return path


# -- texts and articles --------------------------------------------------------------------------------------

STORY = ("The city council voted on Tuesday to close the old harbour bridge to cars from next spring, "
         "after engineers warned that corrosion had weakened two of its steel supports. The mayor said "
         "buses and cyclists would still be allowed across while a replacement is designed. Local shop "
         "owners on both banks said they feared losing customers during the works, which could last three "
         "years. The council will hold a public meeting next month to present the options for a new bridge.")


OTHER = ("A regional court on Wednesday ordered the national rail operator to compensate commuters for a "
         "month of cancelled trains last winter. The judges found the operator had failed to plan for staff "
         "shortages it knew about in advance. Passenger groups welcomed the ruling and said thousands of "
         "season-ticket holders could claim refunds. The operator said it would study the judgment before "
         "deciding whether to appeal to the supreme court.")


def article(article_id: str, text: str, url: str | None = None) -> Article:
    return Article(id=article_id, origin=article_id, raw_hash=article_id, url=url, canonical_url=url,
                   source=None, title=None, author=None, published_at=None, language="en", text=text,
                   text_hash=text_hash(text), word_count=len(text.split()), extractor="test",
                   extractor_version="0")


# -- an article with every field (landing round trips) -------------------------------------------------------

LANDING_TEXT = "Zürich — the \"harbour\" road\\reopens\n東京 ☃ 🚢 a\tb \x00 nul and \u2028 separator"


def landing_article(number: int, **changes) -> Article:
    fields = dict(id=f"a{number}", origin=f"path/{number}.html", raw_hash=f"h{number}", url=None, canonical_url=None,
                  source=None, title=None, author=None, published_at=None, language=None, text=LANDING_TEXT,
                  text_hash=f"t{number}", word_count=12, extractor="text-cleaner", extractor_version="1")
    return Article(**fields | changes)


# -- fetching from the local test site -----------------------------------------------------------------------

FAST = FetchSettings(allow_private_network=True, min_delay=0.02, connect_timeout=1, read_timeout=0.3,
                     total_timeout=5, retries=2, backoff_base=0.02, retry_after_max=5)


def fetch(server, paths, settings=FAST):
    with Fetcher(settings) as fetcher:
        return {o.request.url.removeprefix(server.base_url): o
                for o in fetcher.fetch_all(FetchRequest(server.url(p), PAGE_TYPES) for p in paths)}


# -- the console script as a subprocess ----------------------------------------------------------------------

def newsingest(*args):
    """The console script, its exit status left to the caller."""
    return run(*args, check=False)


def run(*args, check=True, env=None):
    result = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, timeout=300, env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


# -- a corpus, an ingest to kill, and what to compare after --------------------------------------------------

DOCUMENTS = 2000


BATCH = 100


CLI_ENV = {**os.environ, "COLUMNS": "1000"}  # rich wraps messages at the terminal width, even inside paths


def write_corpus(folder: Path, documents: int = DOCUMENTS) -> int:
    """JSONL documents: stories, their copies (exact, near, same URL), too-short and malformed records.

    Every fifth round of the stories repeats a URL already given: those records are already seen."""
    folder.mkdir()
    stories = [json.loads(line) for line in (FIXTURES / "stories" / "articles.jsonl").read_text().splitlines()]
    lines, count = [], 0
    for number in range(documents):
        story = stories[number % len(stories)]
        round_ = number // len(stories)
        if number % 97 == 0:
            lines.append('{"url": "broken')  # malformed_json
        elif number % 89 == 0:
            lines.append(json.dumps({"url": f"https://short.example/{number}", "text": "Too short."}))
        else:
            text = story["text"] + (f"\nThe figures were revised on day {round_}." if round_ % 3 == 1 else "")
            url = story["url"] + ("" if round_ % 5 == 0 else f"/r{round_}")  # round 5, 10, ...: same URL again
            lines.append(json.dumps({"url": url, "title": story["title"], "text": text}))
        count += 1
        if len(lines) == 500:
            (folder / f"part_{count // 500:02d}.jsonl").write_text("\n".join(lines) + "\n")
            lines = []
    if lines:
        (folder / "part_last.jsonl").write_text("\n".join(lines) + "\n")
    return count


def ingest_command(corpus: Path, db: Path, lock_timeout: float = 30, batch: int = BATCH) -> list[str]:
    return [sys.executable, "-m", "newsingest.cli", "ingest", str(corpus), "--db", str(db), "--workers", "2",
            "--batch-size", str(batch), "--lock-timeout", str(lock_timeout)]


def children(pid: int) -> list[int]:
    try:
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        return found
    except OSError:
        return []


def extraction_running(pid: int) -> bool:
    """A worker (a grandchild: workers are forked by the forkserver) is on the CPU."""
    for child in children(pid):
        for worker in children(child):
            try:
                if Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[0] == "R":
                    return True
            except OSError:
                continue
    return False


def database_open(pid: int, db: Path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(db) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def wait_until_writing(process: subprocess.Popen, db: Path) -> None:
    """Until the ingest holds the writer lock and has opened the database once (it is past start-up)."""
    lock = db.with_name(db.name + ".lock")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if lock.exists() and lock.read_text().strip() == str(process.pid) and database_open(process.pid, db):
            return
        time.sleep(0.01)
    pytest.fail("the first ingest never started writing")


def run_recorded(db: Path) -> bool:
    """The run's row lands just after the migrations; the CLI starts fast enough to ask before either (or
    before the database file is whole)."""
    try:
        return Warehouse(db, lock_timeout=60).query("select count(*) from runs")[1] != [(0,)]
    except (duckdb.CatalogException, WarehouseError):
        return False


class Watch:
    """Counts the transactions of a running ingest, to kill it at a chosen moment."""

    def __init__(self, process: subprocess.Popen, db: Path):
        self.process, self.db = process, db
        self.transactions = 0
        self._was_open = False

    def poll(self) -> bool:
        """Is the database open right now (and count each opening)?"""
        is_open = database_open(self.process.pid, self.db)
        if is_open and not self._was_open:
            self.transactions += 1
        self._was_open = is_open
        return is_open

    def kill_when(self, moment: str, after_transactions: int) -> None:
        self.signal_when(moment, after_transactions, signal.SIGKILL)
        self.process.wait()

    def signal_when(self, moment: str, after_transactions: int, number: int, whole_group: bool = False) -> None:
        """Send signal `number` to the ingest (`whole_group`: to its process group, workers included) at that
        moment: `write` (the database open) or `extract` (closed, a worker on the CPU) once it opened the
        database `after_transactions` times."""
        deadline = time.monotonic() + 600
        while self.process.poll() is None and time.monotonic() < deadline:
            is_open = self.poll()
            if self.transactions >= after_transactions and (
                    is_open if moment == "write" else not is_open and extraction_running(self.process.pid)):
                (os.killpg if whole_group else os.kill)(self.process.pid, number)
                return
            time.sleep(0.0005)
        pytest.fail(f"the ingest ended before the kill point ({moment} after {after_transactions} transactions)")


def snapshot(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "articles": con.execute(
                "select id, url, canonical_url, title, text, text_hash, word_count, dedup_status, duplicate_of, "
                "round(similarity, 6), cluster_id, raw_hash from articles order by id").fetchall(),
            "rejections": con.execute("select doc_id, origin, stage, reason, message, raw_hash from rejections "
                                      "order by doc_id").fetchall(),
            "raw_documents": con.execute("select raw_hash, origin, size_bytes from raw_documents "
                                         "order by raw_hash").fetchall(),
            "signatures": con.execute("select article_id, minhash from signatures order by article_id").fetchall(),
            "removed_lines": con.execute("select article_id, position, rule from removed_lines "
                                         "order by article_id, position").fetchall(),
            "source_lines": con.execute("select source, line_hash, articles from source_lines "
                                        "order by source, line_hash").fetchall(),
        }
    finally:
        con.close()


def run_statuses(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [status for (status,) in con.execute("select status from runs order by started_at").fetchall()]
    finally:
        con.close()


# -- the labelled stories ------------------------------------------------------------------------------------

# Dates written "2024-03-05 07:05:00Z": the extractor's date parser does not yet read the ISO "T" form.


RECORDS = [dict(r, published_at=r["published_at"].replace("T", " "))
           for r in map(json.loads, (FIXTURES / "stories" / "articles.jsonl").read_text(encoding="utf-8").splitlines())]


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


# -- Prefect artifacts ---------------------------------------------------------------------------------------

async def latest_artifacts() -> dict:
    async with get_client() as client:
        return {a.key: a for a in await client.read_latest_artifacts()}


# -- a warehouse's rows --------------------------------------------------------------------------------------

def rows(db_path, sql):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# -- a reference MinHash: datasketch's own, with the shingle hash dedup/signatures.py documents -------------

def _splitmix64(value: int) -> int:
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) % 2**64
    return value ^ (value >> 31)


def reference_hash(shingle: bytes) -> int:
    """The shingle hash the signatures module documents, one shingle at a time in plain Python integers."""
    gram = 0
    for word in shingle.split(b" "):
        word_hash = sum((byte + 1) * int(BYTE_BASE) ** place for place, byte in enumerate(word)) % 2**64
        gram = (gram * int(GRAM_BASE) + _splitmix64(word_hash)) % 2**64
    return _splitmix64(gram) >> 32


def reference_minhash(shingle_set: set[bytes] | list[bytes], settings: SignatureSettings) -> np.ndarray:
    """datasketch's own MinHash of the shingles, with the documented shingle hash."""
    minhash = MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme=settings.scheme,
                      hashfunc=reference_hash)
    minhash.update_batch(list(shingle_set))
    return minhash.hashvalues
