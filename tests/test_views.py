"""The analyst views and the example queries, against a warehouse built from the demo samples."""

from pathlib import Path

import pytest

from newsingest.pipeline import IngestRun, PipelineSettings, batches, iter_source_items
from newsingest.warehouse import SQL_ROOT, Warehouse

from conftest import ROOT

VIEWS = ["unique_articles", "duplicate_pairs", "clusters", "daily_source_counts", "rejections_by_reason"]
EXAMPLE_QUERIES = sorted((SQL_ROOT / "queries").glob("*.sql"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Warehouse:
    """What `make demo` builds: the samples ingested once."""
    warehouse = Warehouse(tmp_path_factory.mktemp("demo") / "news.duckdb")
    settings = PipelineSettings(batch_size=8)
    items, _ = iter_source_items([str(ROOT / "samples")])
    with IngestRun(warehouse, settings) as run:
        for batch in batches(items, settings.batch_size):
            run.process(batch)
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
    columns, rows = demo.query(path.read_text(encoding="utf-8"))
    assert columns and rows, f"{path.name} returned nothing on the demo data"
