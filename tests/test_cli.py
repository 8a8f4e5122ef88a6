"""The `newsingest` console script, run as a real subprocess like a user or a script would."""

import json

from conftest import ROOT, SEED_CLEAN, SEED_CRUFT
from helpers import run


def test_help_lists_every_command():
    out = run("--help").stdout
    for command in ("ingest", "clean", "query", "stats"):
        assert command in out


def test_clean_prints_title_then_body_lines():
    out = run("clean", SEED_CRUFT).stdout.splitlines()
    assert out[0] == "Israel Spy Agency Warns Iran May Expand Supply of Advanced Weapons to Russia"
    assert "Leave a Reply" not in out and "Share:" not in out
    assert any(line.startswith("Britain’s Foreign Commonwealth") for line in out)


def test_clean_json_lists_removed_lines_with_reasons():
    out = run("clean", "--json", SEED_CRUFT, SEED_CLEAN).stdout.splitlines()
    first, second = (json.loads(line) for line in out)
    assert first["path"] == str(SEED_CRUFT) and len(first["removed"]) == 8
    assert {"line": "Leave a Reply", "reason": "comment_form"} in first["removed"]
    assert second["removed"] == [] and second["language"] == "en"


def test_clean_reports_rejected_files_and_exits_1(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = run("clean", empty, SEED_CLEAN, check=False)
    assert result.returncode == 1
    assert "rejected (empty)" in result.stderr
    assert "Iran-Russia cooperation" in result.stdout


def test_ingest_query_and_stats(tmp_path):
    db = tmp_path / "cli.duckdb"
    result = run("ingest", ROOT / "samples", tmp_path / "missing.txt", "--db", db, "--workers", "1")
    assert "rejected not_found: 1" in result.stdout
    count = run("query", "select count(*) as n from articles", "--db", db, "--format", "json").stdout
    assert json.loads(count)["n"] >= 25
    clusters = run("query", "--file", ROOT / "warehouse/queries/duplicate_clusters.sql", "--db", db,
                   "--format", "csv").stdout.splitlines()
    assert clusters[0].startswith("cluster_id,members") and len(clusters) >= 3
    stats = run("stats", "--db", db).stdout
    assert "near_duplicate" in stats and "binary_content" in stats


def test_default_database_comes_from_environment(tmp_path):
    import os
    env = {**os.environ, "NEWSINGEST_DB": str(tmp_path / "env.duckdb")}
    run("ingest", SEED_CLEAN, env=env)
    assert (tmp_path / "env.duckdb").exists()


def test_query_errors_are_messages_not_tracebacks(tmp_path):
    missing = run("query", "select 1", "--db", tmp_path / "none.duckdb", check=False)
    assert missing.returncode == 2 and "no warehouse at" in missing.stderr
    run("ingest", SEED_CLEAN, "--db", tmp_path / "x.duckdb")
    bad = run("query", "select nope", "--db", tmp_path / "x.duckdb", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "nope" in bad.stderr
