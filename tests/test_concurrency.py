"""Two ingests on one database, and analysts querying it while an ingest runs: real processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from newsingest.warehouse import Warehouse

from conftest import ROOT
from helpers import CLI_ENV, ingest_command, run_recorded, wait_until_writing, write_corpus

DOCUMENTS = 600
BATCH = 50


@pytest.fixture
def corpus(tmp_path) -> Path:
    write_corpus(tmp_path / "corpus", DOCUMENTS)
    return tmp_path / "corpus"


def start_ingest(corpus: Path, db: Path, lock_timeout: float = 30) -> subprocess.Popen:
    return subprocess.Popen(ingest_command(corpus, db, lock_timeout, BATCH), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


def counts(db: Path) -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select (select count(*) from articles), (select count(*) from rejections)").fetchone()
    finally:
        con.close()


def distinct_inputs(db: Path) -> int:
    """Inputs of the first run that were not repeats of earlier ones (the corpus repeats some URLs)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        seen, repeats = con.execute("select documents_seen, already_seen from runs order by started_at").fetchone()
        assert seen == DOCUMENTS
        return seen - repeats
    finally:
        con.close()


@pytest.mark.slow
def test_a_second_ingest_waits_for_the_first_then_finds_everything_seen(corpus, tmp_path):
    db = tmp_path / "news.duckdb"
    first = start_ingest(corpus, db)
    wait_until_writing(first, db)
    second = start_ingest(corpus, db, lock_timeout=600)
    assert first.wait() == 0, first.stderr.read()[-2000:]
    assert second.wait() == 0, second.stderr.read()[-2000:]
    assert sum(counts(db)) == distinct_inputs(db)  # every input once: no duplicates from two writers
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("select status, documents_seen, already_seen, started_at, finished_at from runs "
                       "order by started_at").fetchall()
    (source_rejections,) = con.execute("select count(*) from rejections where stage = 'source'").fetchone()
    con.close()
    (status_1, seen_1, _, _, finished_1), (status_2, seen_2, already_2, started_2, _) = runs
    assert (status_1, status_2) == ("completed", "completed")
    # It waited, then found all done (inputs rejected at their source are reported as still failing).
    assert seen_2 == seen_1 == DOCUMENTS and already_2 + source_rejections == DOCUMENTS
    assert started_2 >= finished_1


@pytest.mark.slow
def test_a_second_ingest_that_cannot_wait_fails_naming_the_lock(corpus, tmp_path):
    db = tmp_path / "news.duckdb"
    first = start_ingest(corpus, db)
    wait_until_writing(first, db)
    second = subprocess.run(ingest_command(corpus, db, lock_timeout=1, batch=BATCH), capture_output=True,
                            text=True, cwd=ROOT, env=CLI_ENV)
    assert second.returncode == 2
    message = second.stderr
    assert "another ingest is writing" in message and f"{db}.lock" in message and str(first.pid) in message
    assert "Traceback" not in second.stderr
    assert first.wait() == 0
    assert sum(counts(db)) == distinct_inputs(db)  # the refused run left no trace in the data


@pytest.mark.slow
def test_read_only_queries_keep_working_while_an_ingest_runs(tmp_path):
    # Long enough that the CLI's own start-up ends while the ingest still runs: 600 documents were done
    # within a second of it on an idle machine once ingest got faster.
    write_corpus(tmp_path / "corpus", 4 * DOCUMENTS)
    db = tmp_path / "news.duckdb"
    ingest = start_ingest(tmp_path / "corpus", db)
    wait_until_writing(ingest, db)
    while not run_recorded(db):
        time.sleep(0.01)
    cli = subprocess.run([sys.executable, "-m", "newsingest.cli", "query", "select count(*) from runs",
                          "--db", str(db), "--format", "csv"], capture_output=True, text=True, cwd=ROOT)
    cli_during_run = ingest.poll() is None
    seen = []
    while ingest.poll() is None:
        _, rows = Warehouse(db, lock_timeout=60).query("select count(*) from articles")
        seen.append(rows[0][0])
        time.sleep(0.05)
    assert ingest.returncode == 0, ingest.stderr.read()[-2000:]
    assert cli.returncode == 0 and cli.stdout.split() == ["count_star()", "1"] and cli_during_run
    assert len(seen) >= 3 and seen == sorted(seen)  # queries answered during the run, never going back
    assert len(set(seen)) >= 2  # and they saw the ingest progress batch by batch
