"""Migration 010: the tables that grow with every article keep their rows and comments, lose their keys,
and the pipeline keeps their ids unique itself."""

import newsingest.warehouse as warehouse_module
from newsingest.records import RawDocument
from newsingest.warehouse import LandingBatch, Warehouse

from test_pipeline import corpus, ingest, rows  # noqa: F401  (corpus is a fixture)

GROWING = ("articles", "raw_documents", "signatures", "removed_lines", "rejections", "story_features")
COUNTS = " union all ".join(f"select '{table}', count(*) from {table}" for table in GROWING)


def test_upgrading_a_warehouse_keeps_every_row_and_comment_and_drops_the_keys(corpus, db_path, monkeypatch):
    before_010 = [m for m in warehouse_module.migrations() if m[0] < 10]
    monkeypatch.setattr(warehouse_module, "migrations", lambda: before_010)
    ingest([corpus], db_path)
    landed = dict(rows(db_path, COUNTS))
    assert landed["articles"] > 0 and landed["removed_lines"] > 0 and landed["rejections"] > 0
    monkeypatch.undo()

    assert Warehouse(db_path).migrate() == 10
    assert dict(rows(db_path, COUNTS)) == landed
    keys = rows(db_path, "select table_name from duckdb_constraints() where constraint_type = 'PRIMARY KEY'")
    assert not {table for (table,) in keys} & set(GROWING)
    (comment,) = rows(db_path, "select comment from duckdb_columns() where table_name = 'articles' "
                               "and column_name = 'cluster_id'")
    assert comment[0].startswith("Cluster of copies")
    # A rerun still adds nothing: the pipeline, not a key, keeps ids unique.
    summary = ingest([corpus], db_path)
    assert summary.already_seen == summary.documents_seen and dict(rows(db_path, COUNTS)) == landed


def test_the_same_bytes_are_stored_once_whichever_batch_brings_them_again(db_path):
    warehouse = Warehouse(db_path)
    warehouse.migrate()
    body = b"<html><body><p>The harbour road reopens on Monday.</p></body></html>"
    copies = [RawDocument(origin=f"https://site{n}.example/road", body=body) for n in range(3)]
    other = RawDocument(origin="https://site9.example/other", body=b"another page")
    warehouse.land(LandingBatch(run_id="r1", raw_documents=copies[:2] + [other]), "scheme")
    warehouse.land(LandingBatch(run_id="r2", raw_documents=copies[2:]), "scheme")
    assert rows(db_path, "select count(*), count(distinct raw_hash) from raw_documents") == [(2, 2)]
