"""What the command line tells a user is true (issue 23): run as the real console script in a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import duckdb

from site_server import SiteServer
from helpers import EXE, run

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
IMPORTS_A_READ_NEEDS_NOT = ("trafilatura", "datasketch", "scipy", "httpx", "prefect")


def test_db_help_shows_its_default():
    assert "else warehouse/news.duckdb" in run("stats", "--help").stdout


def test_query_without_sql_says_so():
    result = run("query", check=False)
    assert result.returncode == 2
    assert "no SQL given" in result.stderr and "not both" not in result.stderr


def test_commands_that_read_never_create_a_warehouse(tmp_path):
    mistyped = tmp_path / "nwes.duckdb"
    for command in (["state", "reset"], ["state", "show"], ["stats"], ["query", "select 1"]):
        result = run(*command, "--db", mistyped, check=False)
        assert result.returncode == 2, command
        assert "no warehouse at" in result.stderr, command
    assert list(tmp_path.iterdir()) == []


def test_stats_says_how_many_sources_it_left_out(tmp_path):
    feed = tmp_path / "many.jsonl"
    body = "The council agreed to rebuild the harbour wall before winter storms arrive again this year. "
    feed.write_text("\n".join(json.dumps({"url": f"https://outlet{n}.example/story", "title": f"Story {n}",
                                          "text": f"{body * 3} Number {n} of many, {n * 7919}."})
                              for n in range(5)), encoding="utf-8")
    db = tmp_path / "news.duckdb"
    run("ingest", feed, "--db", db, "--workers", "1")
    shown = run("stats", "--db", db, "--limit", "2").stdout
    assert "by source: 2 of 5" in shown and "--limit N for more" in shown
    assert "by source: 5 of 5" in run("stats", "--db", db).stdout


def test_a_host_that_does_not_resolve_is_not_a_robots_failure(tmp_path):
    db = tmp_path / "news.duckdb"
    # .invalid never resolves (RFC 6761): the resolver answers at once, nothing goes on the network.
    result = run("ingest", "https://newsingest-test.invalid/feed.xml", "--db", db, "--workers", "1", check=False)
    assert result.returncode == 1 and "no input landed and some failed" in result.stderr  # its only input failed
    with duckdb.connect(str(db), read_only=True) as con:
        reasons = con.execute("select reason, message from rejections").fetchall()
    assert [reason for reason, _ in reasons] == ["host_not_found"]
    assert "cannot resolve newsingest-test.invalid" in reasons[0][1]


def test_reading_commands_import_no_pipeline_stage():
    """`query`, `stats` and `--help` start fast because importing the CLI imports none of the stages."""
    probe = ("import sys, newsingest.cli; "
             f"print([m for m in {IMPORTS_A_READ_NEEDS_NOT!r} if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == "[]"


def test_progress_shows_totals_per_document_progress_hosts_and_eta(tmp_path):
    """A web ingest as seen in a terminal: the article links of the feed give the total, each fetched
    document moves the count, each host has its line, and the ETA is shown once the total is known."""
    with SiteServer() as site:
        terminal = dict(os.environ, TTY_COMPATIBLE="1", COLUMNS="160")
        result = subprocess.run([str(EXE), "ingest", site.url("/feed.xml"), "--db", str(tmp_path / "news.duckdb"),
                                 "--allow-private-network", "--workers", "1"],
                                capture_output=True, text=True, env=terminal, timeout=300)
    assert result.returncode == 0, result.stderr
    frames = ANSI.sub("", result.stderr)
    counts = [int(done) for done in re.findall(r"reading\s.*?(\d+)/\d+", frames)]
    assert counts and counts == sorted(counts) and len(set(counts)) > 1  # moved document by document
    assert re.search(r"127\.0\.0\.1: \d+ fetched, \d+ refused", frames)
    assert re.search(r"ETA\s+0:\d\d:\d\d", frames)
    assert re.search(r"landed \d+ \(new \d+ · duplicates \d+ · rejected \d+\)", frames)
