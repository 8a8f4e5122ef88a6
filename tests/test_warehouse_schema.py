"""Migration 010: the tables that grow with every article keep their rows and comments, lose their keys,
and the pipeline keeps their ids unique itself. Migration 011: story features are filed by day."""

import json
from datetime import date

import duckdb

import newsingest.warehouse as warehouse_module
from newsingest.records import RawDocument
from newsingest.stories import feature_scheme
from newsingest.stories.features import FeatureSettings
from newsingest.warehouse import LandingBatch, Warehouse

from conftest import SEED_CLEAN, SEED_CRUFT
from helpers import OTHER, STORY, ingest, rows

GROWING = ("articles", "raw_documents", "signatures", "removed_lines", "rejections", "story_features")
COUNTS = " union all ".join(f"select '{table}', count(*) from {table}" for table in GROWING)


def execute(db_path, sql):
    con = duckdb.connect(str(db_path))
    try:
        con.execute(sql)
    finally:
        con.close()


DEDUP_SIGNALS = [("signatures", "char_minhash BLOB"), ("signatures", "char_count INTEGER"),
                 ("signatures", "sentences BLOB"), ("signatures", "facts BLOB"),
                 ("dedup_settings", "char_threshold DOUBLE")]
PUBLICATION_PRECISION = [("articles", "published_date_only BOOLEAN"),
                         ("articles", "published_utc_offset_minutes INTEGER")]


def test_upgrading_a_warehouse_keeps_every_row_and_comment_and_drops_the_keys(corpus, db_path, monkeypatch):
    before_010 = [m for m in warehouse_module.migrations() if m[0] < 10]
    monkeypatch.setattr(warehouse_module, "migrations", lambda: before_010)
    Warehouse(db_path).migrate()
    # Today's landing files story features by day (migration 011), stores more dedup signals (012) and the
    # publication precision (013), writes text_reuse (014) and records the boilerplate a run cleans with (015):
    # the columns and the tables are there while it lands only.
    execute(db_path, "ALTER TABLE story_features ADD COLUMN anchor_day DATE")
    execute(db_path, ";".join(f"ALTER TABLE {table} ADD COLUMN {column}"
                              for table, column in DEDUP_SIGNALS + PUBLICATION_PRECISION))
    for later in ("014_text_reuse.sql", "015_run_boilerplate.sql"):
        execute(db_path, (warehouse_module.SQL_ROOT / "migrations" / later).read_text(encoding="utf-8"))
    ingest([corpus], db_path)
    execute(db_path, "ALTER TABLE story_features DROP COLUMN anchor_day; DROP TABLE text_reuse; "
                     "DROP TABLE run_boilerplate")
    execute(db_path, ";".join(f"ALTER TABLE {table} DROP COLUMN {column.split()[0]}"
                              for table, column in DEDUP_SIGNALS + PUBLICATION_PRECISION))
    landed = dict(rows(db_path, COUNTS))
    assert landed["articles"] > 0 and landed["removed_lines"] > 0 and landed["rejections"] > 0
    monkeypatch.undo()

    assert Warehouse(db_path).migrate() == max(version for version, _, _ in warehouse_module.migrations())
    assert dict(rows(db_path, COUNTS)) == landed
    keys = rows(db_path, "select table_name from duckdb_constraints() where constraint_type = 'PRIMARY KEY'")
    assert not {table for (table,) in keys} & set(GROWING)
    (comment,) = rows(db_path, "select comment from duckdb_columns() where table_name = 'articles' "
                               "and column_name = 'cluster_id'")
    assert comment[0].startswith("Cluster of copies")
    # A rerun still adds nothing: the pipeline, not a key, keeps ids unique.
    summary = ingest([corpus], db_path)
    assert summary.already_seen + sum(summary.still_failing.values()) == summary.documents_seen
    assert dict(rows(db_path, COUNTS)) == landed


def test_the_same_bytes_are_stored_once_whichever_batch_brings_them_again(db_path):
    warehouse = Warehouse(db_path)
    warehouse.migrate()
    body = b"<html><body><p>The harbour road reopens on Monday.</p></body></html>"
    copies = [RawDocument(origin=f"https://site{n}.example/road", body=body).archived() for n in range(3)]
    other = RawDocument(origin="https://site9.example/other", body=b"another page").archived()
    warehouse.land(LandingBatch(run_id="r1", raw_documents=copies[:2] + [other]), "scheme")
    warehouse.land(LandingBatch(run_id="r2", raw_documents=copies[2:]), "scheme")
    assert rows(db_path, "select count(*), count(distinct raw_hash) from raw_documents") == [(2, 2)]


def test_upgrading_files_each_stored_feature_under_its_articles_day(corpus, db_path):
    ingest([corpus], db_path)
    filed = rows(db_path, "select article_id, anchor_day from story_features order by article_id")
    assert filed and all(day is not None for _, day in filed)
    # back to the table as it was before 011
    execute(db_path, "ALTER TABLE story_features DROP COLUMN anchor_day; DELETE FROM schema_migrations WHERE version = 11")

    Warehouse(db_path).migrate()
    assert rows(db_path, "select article_id, anchor_day from story_features order by article_id") == filed


def test_story_members_are_read_for_the_days_asked_for_only(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    texts = {"2026-01-05": STORY, "2026-01-06": OTHER, "2026-01-09": SEED_CLEAN.read_text(),
             "2026-01-10": SEED_CRUFT.read_text()}
    (folder / "days.jsonl").write_text("\n".join(
        json.dumps({"url": f"https://news.example/{day}", "title": f"Report of {day}", "text": text,
                    "published_at": f"{day}T12:00:00Z"}) for day, text in texts.items()))
    ingest([folder], db_path)
    by_day = dict(rows(db_path, "select strftime(published_at, '%Y-%m-%d'), id from articles"))
    assert sorted(by_day) == sorted(texts)

    members = Warehouse(db_path).story_members(feature_scheme(FeatureSettings()), [date(2026, 1, 5), date(2026, 1, 9)])
    assert sorted(member[0] for member in members) == sorted([by_day["2026-01-05"], by_day["2026-01-09"]])
    assert Warehouse(db_path).story_members(feature_scheme(FeatureSettings()), []) == []
