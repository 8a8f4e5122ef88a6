"""The analyst views and the example queries, against a warehouse built from the demo samples."""

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from newsingest.cli import app
from newsingest.search import SearchIndex
from newsingest.warehouse import SQL_ROOT, Warehouse

from conftest import ROOT
from helpers import ingest

VIEWS = ["unique_articles", "duplicate_pairs", "clusters", "daily_source_counts", "rejections_by_reason"]
EXAMPLE_QUERIES = sorted((SQL_ROOT / "queries").glob("*.sql"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Warehouse:
    """What `make demo` builds: the samples ingested once."""
    warehouse = Warehouse(tmp_path_factory.mktemp("demo") / "news.duckdb")
    ingest([ROOT / "samples"], warehouse.path, batch_size=8)
    return warehouse


def scalar(warehouse: Warehouse, sql: str):
    return warehouse.query(sql)[1][0][0]


def test_unique_articles_has_one_row_per_cluster_naming_its_canonical_member(demo):
    clusters = scalar(demo, "select count(distinct cluster_id) from articles")
    assert scalar(demo, "select count(*) from unique_articles") == clusters
    pointing_elsewhere = "select count(*) from unique_articles join articles a using (id) where a.duplicate_of is not null"
    assert scalar(demo, pointing_elsewhere) == 0
    assert scalar(demo, "select sum(copies + 1) from unique_articles") == scalar(demo, "select count(*) from articles")


def test_duplicate_pairs_cover_every_duplicate_with_its_original(demo):
    duplicates = scalar(demo, "select count(*) from articles where duplicate_of is not null")
    assert duplicates >= 2
    assert scalar(demo, "select count(*) from duplicate_pairs") == duplicates
    _, rows = demo.query("select original_title, duplicate_title, kind, similarity from duplicate_pairs")
    strike = [r for r in rows if r[0].startswith("Brennmouth dockworkers end 11-day strike")]
    assert {r[2] for r in strike} >= {"near_duplicate"} and all(0.5 < r[3] <= 1.0 for r in strike)


def test_clusters_count_members_and_sources(demo):
    _, rows = demo.query("select size, duplicates, sources, first_seen <= last_seen from clusters "
                         "where title like 'Brennmouth dockworkers%'")
    [(size, duplicates, sources, ordered)] = rows
    assert size == duplicates + 1 >= 2 and ordered
    assert "harborcourier.example" in sources
    assert scalar(demo, "select sum(size) from clusters") == scalar(demo, "select count(*) from articles")


def test_daily_source_counts_and_rejections_by_reason_add_up(demo):
    assert scalar(demo, "select sum(articles) from daily_source_counts") == scalar(demo, "select count(*) from articles")
    assert scalar(demo, "select sum(unique_articles) from daily_source_counts") == \
        scalar(demo, "select count(*) from unique_articles")
    _, rows = demo.query("select reason, rejections from rejections_by_reason")
    assert dict(rows).keys() >= {"binary_content", "empty", "malformed_json"}
    assert sum(n for _, n in rows) == scalar(demo, "select count(*) from rejections")


def test_every_view_column_has_a_comment(demo):
    _, rows = demo.query("select table_name, column_name from duckdb_columns() "
                         "where table_name in (select unnest($views)) and comment is null", {"views": VIEWS})
    assert rows == []
    _, rows = demo.query("select view_name, comment from duckdb_views() where view_name in (select unnest($views))",
                         {"views": VIEWS})
    assert len(rows) == len(VIEWS) and all(comment for _, comment in rows)


@pytest.mark.parametrize("path", EXAMPLE_QUERIES, ids=lambda p: p.name)
def test_example_query_runs_on_the_demo_database(demo, path: Path):
    sql = path.read_text(encoding="utf-8")
    columns, rows = demo.query(sql)
    assert columns
    # The demo data fills every analyst view; other queries may rightly find nothing in it (stories "today",
    # boilerplate learned over many articles of one source).
    if any(view in sql.lower() for view in VIEWS) and "now()" not in sql.lower():
        assert rows, f"{path.name} returned nothing on the demo data"


def test_export_writes_parquet_partitioned_by_day_and_source_and_replaces_the_last_export(demo, tmp_path):
    for _ in range(2):  # a second export replaces the first rather than adding to it
        result = CliRunner().invoke(app, ["export", "--format", "parquet", "--out", str(tmp_path),
                                          "--db", str(demo.path)])
        assert result.exit_code == 0, result.output
    partitions = {p.relative_to(tmp_path / "articles").parts[:2] for p in (tmp_path / "articles").rglob("*.parquet")}
    assert ("day=2024-03-14", "source=harborcourier.example") in partitions
    con = duckdb.connect()
    exported = con.execute(f"select count(*), count(distinct id) from read_parquet("
                           f"'{tmp_path}/articles/**/*.parquet', hive_partitioning = true)").fetchone()
    rejections = con.execute(f"select count(*) from read_parquet('{tmp_path}/rejections/**/*.parquet')").fetchone()
    articles = scalar(demo, "select count(*) from articles")
    assert exported == (articles, articles)
    assert rejections[0] == scalar(demo, "select count(*) from rejections")


def test_export_as_csv_has_a_header_and_every_article(demo, tmp_path):
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--out", str(tmp_path), "--db", str(demo.path)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    count = con.execute(f"select count(*) from read_csv('{tmp_path}/articles/**/*.csv', hive_partitioning = true, "
                        f"union_by_name = true)").fetchone()[0]
    assert count == scalar(demo, "select count(*) from articles")


def test_search_finds_a_story_once_per_duplicate_cluster(demo):
    hits = SearchIndex(demo).search("dockworkers strike pay deal", limit=5)
    assert hits[0].title.startswith("Brennmouth dockworkers") and hits[0].copies >= 1
    clusters = [scalar(demo, f"select cluster_id from articles where id = '{h.id}'") for h in hits]
    assert len(clusters) == len(set(clusters))
    assert SearchIndex(demo).search("zyzzyva quantum marmalade") == []


def test_search_index_is_rebuilt_only_after_the_warehouse_changed(tmp_path):
    warehouse = Warehouse(tmp_path / "news.duckdb")
    ingest([ROOT / "samples" / "010_harborcourier_port_strike.html"], warehouse.path, batch_size=8)
    index = SearchIndex(warehouse)
    assert index.refresh() and not index.refresh()
    assert index.search("shipwreck") == []
    ingest([ROOT / "samples" / "030_heritagescience_shipwreck.html.gz"], warehouse.path, batch_size=8)
    assert index.search("shipwreck", refresh=False) == [], "--stale-ok searches the index as it was"
    assert index.search("shipwreck")[0].title.startswith("Divers find")


def test_search_from_the_command_line(demo):
    result = CliRunner().invoke(app, ["search", "shipwreck copper", "--format", "json", "--db", str(demo.path)])
    assert result.exit_code == 0, result.output
    assert "Cape Orvane" in result.output.splitlines()[0]
