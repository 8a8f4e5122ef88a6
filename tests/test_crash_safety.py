"""Crash safety: an ingest of a few thousand documents, SIGKILLed while extracting and while writing to
the warehouse, then rerun, ends with exactly the warehouse of an uninterrupted run. And storage failures
(full disk, immutable file, path under a file, no permission) end in a clear error, exit code 2 and
nothing half-written.

The kill points are found by watching the real process (no hooks in the code): the database file is open
only inside a warehouse transaction, so "open" means a batch is being read or written (mostly written:
landing is the long transaction), and "closed while an extraction worker is running" means extracting.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT
from helpers import CLI_ENV, Watch, ingest_command, run_statuses, snapshot, write_corpus


@pytest.mark.slow
def test_killed_runs_rerun_to_the_same_warehouse_as_an_uninterrupted_run(tmp_path):
    corpus = tmp_path / "corpus"
    documents = write_corpus(corpus)
    reference_db, crashed_db = tmp_path / "reference.duckdb", tmp_path / "crashed.duckdb"
    reference = subprocess.run(ingest_command(corpus, reference_db), capture_output=True, text=True, cwd=ROOT)
    assert reference.returncode == 0, reference.stderr[-2000:]

    kills = [("extraction", 4), ("write", 14), ("write", 8)]  # transactions counted from start-up
    for moment, after in kills:
        process = subprocess.Popen(ingest_command(corpus, crashed_db), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, cwd=ROOT)
        Watch(process, crashed_db).kill_when(moment, after)
        assert process.returncode == -signal.SIGKILL
    # And a SIGTERM to the whole process group while extracting, as a Prefect worker cancelling a run or a
    # service manager stopping one may send: the run stops and lands what it read, and its extraction workers
    # leave the signal to it (a worker ended mid-document would land that document as `extract_crash`).
    process = subprocess.Popen(ingest_command(corpus, crashed_db), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=ROOT, start_new_session=True)
    Watch(process, crashed_db).signal_when("extraction", 4, signal.SIGTERM, whole_group=True)
    assert process.wait(timeout=300) == 130
    final = subprocess.run(ingest_command(corpus, crashed_db), capture_output=True, text=True, cwd=ROOT)
    assert final.returncode == 0, final.stderr[-2000:]

    expected, got = snapshot(reference_db), snapshot(crashed_db)
    # The reference itself lost nothing: every input is an article, a rejection, or a repeat of one.
    con = duckdb.connect(str(reference_db), read_only=True)
    seen, repeats = con.execute("select documents_seen, already_seen from runs").fetchone()
    con.close()
    assert seen == documents and len(expected["articles"]) + len(expected["rejections"]) == seen - repeats
    for table in expected:
        assert got[table] == expected[table], f"{table} differs from the uninterrupted run"
    # A killed run is visible as such, never as 'running' forever.
    assert run_statuses(crashed_db) == ["interrupted"] * (len(kills) + 1) + ["completed"]


# --- storage failures: a clear error, exit code 2, nothing half-written ------------------------------------

def ingest_cli(corpus: Path, db: Path, *prefix: str) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, *ingest_command(corpus, db, lock_timeout=5)], capture_output=True, text=True,
                          cwd=ROOT, env=CLI_ENV)


def assert_clean_failure(result: subprocess.CompletedProcess, *phrases: str) -> None:
    message = result.stderr
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in message, message


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    write_corpus(tmp_path / "corpus", 1000)
    return tmp_path / "corpus"


@pytest.fixture
def tiny_disk(tmp_path):
    """A 4 MB tmpfs (tests run as root; where mounting is not allowed the test is skipped, not faked)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


@pytest.mark.slow
def test_a_full_disk_fails_cleanly_and_the_rerun_completes_the_same_warehouse(small_corpus, tiny_disk, tmp_path):
    reference = tmp_path / "reference.duckdb"
    assert ingest_cli(small_corpus, reference).returncode == 0
    db = tiny_disk / "news.duckdb"
    assert_clean_failure(ingest_cli(small_corpus, db), f"cannot write to {db}", "No space left on device")
    partial = snapshot(db)
    assert 0 < len(partial["articles"]) < len(snapshot(reference)["articles"])  # it failed mid-way
    assert {a[0] for a in partial["articles"]} == {s[0] for s in partial["signatures"]}  # whole batches only
    subprocess.run(["mount", "-o", "remount,size=64m", str(tiny_disk)], check=True)
    assert ingest_cli(small_corpus, db).returncode == 0
    assert snapshot(db) == snapshot(reference)
    # 'failed' when the run could still record its end; when even that write found the disk full, the
    # next run marks it 'interrupted'. Either way it is not 'running'.
    first, second = run_statuses(db)
    assert first in ("failed", "interrupted") and second == "completed"


@pytest.mark.slow
def test_an_immutable_database_fails_cleanly_and_stays_unchanged(small_corpus, tmp_path):
    db = tmp_path / "news.duckdb"
    write_corpus(tmp_path / "first", 40)
    assert ingest_cli(tmp_path / "first", db).returncode == 0
    before = snapshot(db)
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported on this file system")
    try:
        assert_clean_failure(ingest_cli(small_corpus, db), f"cannot open {db}", "Operation not permitted")
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    assert snapshot(db) == before


def test_a_database_path_under_a_file_fails_cleanly(small_corpus, tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    db = tmp_path / "notes.txt" / "news.duckdb"
    assert_clean_failure(ingest_cli(small_corpus, db), f"{db.parent} is a file, not a folder")
    assert (tmp_path / "notes.txt").read_text() == "a file, not a folder"


def test_a_user_without_write_permission_fails_cleanly(small_corpus, tmp_path):
    """Root ignores file modes, so the ingest runs as root *without* the capabilities that let it
    (CAP_DAC_OVERRIDE...): like any user who is not the owner of a folder that is not writable to others."""
    folder = tmp_path / "someone_elses"
    folder.mkdir(mode=0o755)
    os.chown(folder, 65534, 65534)
    db = folder / "news.duckdb"
    result = ingest_cli(small_corpus, db, "setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner")
    if result.returncode != 2 and "setpriv" in result.stderr:
        pytest.skip(f"cannot drop capabilities here: {result.stderr.strip()}")
    assert_clean_failure(result, f"{db}.lock", "Permission denied")
    assert list(folder.iterdir()) == []  # nothing written
