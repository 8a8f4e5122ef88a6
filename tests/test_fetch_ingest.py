"""Feeds, sitemaps and URLs through the whole pipeline into DuckDB, against a real local HTTP server."""

from dataclasses import replace

import pytest

from newsingest.sources.sources_file import SourcesFileError, load_sources, parse_sources
from newsingest.sources.state import FetchState
from newsingest.sources.web import WebCrawl
from newsingest.warehouse import Warehouse

from conftest import ROOT
from site_server import SiteServer, SiteState
from helpers import FAST, newsingest, rows, web_ingest

# For tests that count requests: FAST's 0.3 s read timeout (there for the timeout tests) can expire on a
# loaded machine before the server thread answers, and the retry that follows is a second request.
PATIENT = replace(FAST, read_timeout=5)


def article_hits(server, since=0):
    return [hit.path for hit in server.state.hits[since:]
            if not hit.path.endswith((".xml", "robots.txt"))]


@pytest.fixture
def site():
    with SiteServer() as server:
        yield server


@pytest.mark.slow
def test_feed_and_sitemaps_land_articles_and_every_refusal(site, db_path):
    summary, stats = web_ingest([site.url("/feed.xml"), site.url("/sitemap_index.xml")], db_path)
    assert (summary.new, summary.url_duplicates, summary.rejected) == (6, 1, 4)
    assert stats.links_listed == 12 and stats.articles_requested == 11  # harbour-bridge listed twice
    assert sorted(r[0] for r in rows(db_path, "select reason from rejections")) == [
        "bot_challenge", "paywall", "robots_disallowed", "unsupported_content_type"]
    # The tracking-parameter copy in the sitemap is the feed's page: requested once, without parameters.
    assert sorted(h for h in article_hits(site) if "harbour-bridge" in h) == [
        "/articles/harbour-bridge.html", "/print/harbour-bridge.html"]
    assert not site.hits_to("/private/")
    # The print copy declares the article as canonical: one of the two is the other's URL duplicate.
    assert rows(db_path, "select dedup_status from articles where url like '%harbour-bridge%' order by 1") == [
        ("new",), ("url_duplicate",)]
    # Metadata from the pages (and the feed's hints), the wrongly labelled page decoded right.
    assert rows(db_path, "select author, published_at::date::varchar from articles "
                         "where url like '%rail-fares.html'") == [("Tom Becker", "2026-11-17")]
    cafe = rows(db_path, "select title, text from articles where url like '%cafe-arcade%'")[0]
    assert "Königsplatz" in cafe[0] and "Jürgen Weiß" in cafe[1]
    # Raw bodies archived with final URL, status and headers.
    assert rows(db_path, "select count(*), min(http_status), max(http_status), count(headers['etag']) "
                         "from raw_documents") == [(7, 200, 200, 7)]
    assert rows(db_path, "select encoding from raw_documents where url like '%cafe-arcade%'") != [("utf-8",)]


@pytest.mark.slow
def test_second_run_asks_only_if_listings_changed_and_fetches_only_the_new(site, db_path):
    inputs = [site.url("/feed.xml"), site.url("/sitemap_index.xml")]
    web_ingest(inputs, db_path, PATIENT)
    before = len(site.state.hits)
    summary, stats = web_ingest(inputs, db_path, PATIENT)
    second = site.state.hits[before:]
    assert sorted(h.path for h in second) == ["/feed.xml", "/news_sitemap.xml", "/robots.txt", "/sitemap_index.xml"]
    assert all("if-none-match" in h.headers for h in second if h.path.endswith(".xml"))
    assert (stats.listings_unchanged, stats.articles_requested, summary.documents_seen) == (3, 0, 0)

    site.state.feed_extra = True  # the feed gains one story
    before = len(site.state.hits)
    summary, stats = web_ingest(inputs, db_path, PATIENT)
    assert article_hits(site, before) == ["/articles/flaky.html"]
    assert (summary.new, stats.listings_changed, stats.links_already_landed) == (1, 1, 4)


def test_a_run_that_died_after_the_feed_still_fetches_its_articles(site, db_path):
    warehouse = Warehouse(db_path, lock_timeout=5)
    warehouse.migrate()
    web = WebCrawl.from_inputs([site.url("/feed.xml")], FAST, FetchState(warehouse))
    items = web.items()
    next(items)  # the first article: the feed's validators and links are stored by now
    items.close()  # ...and the run dies before anything lands
    summary, stats = web_ingest([site.url("/feed.xml")], db_path)
    assert stats.listings_unchanged == 1 and summary.new == 4


def test_transient_failures_are_retried_next_run(db_path):
    with SiteServer(SiteState(slow_seconds=0.6)) as server:
        summary, _ = web_ingest([server.url("/slow.html")], db_path)
        assert summary.rejections_by_reason == {"timeout": 1}
        summary, _ = web_ingest([server.url("/slow.html")], db_path, replace(FAST, read_timeout=3))
        assert summary.new == 1
    assert sorted(r[0] for r in rows(db_path, "select reason from rejections")) == ["timeout"]


@pytest.mark.slow
def test_sources_file_with_per_source_settings(site, db_path, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[sources.bayside]\nfeeds = ["{site.url("/feed.xml")}"]\nmax_articles = 2\nmin_delay = 0.3\n')
    summary, stats = web_ingest([str(sources)], db_path)
    assert (summary.new, stats.links_deferred) == (2, 2)
    starts = [hit.at for hit in site.state.hits]
    # The server stamps a request when its thread gets the CPU, so one gap can look short on a loaded
    # machine; the span of all requests cannot (without the delay it is a few milliseconds).
    assert starts[-1] - starts[0] >= 0.29 * (len(starts) - 1) * 0.9
    assert rows(db_path, "select distinct source from fetch_links") == [("bayside",)]
    summary, _ = web_ingest([str(sources)], db_path)  # the deferred two come next time
    assert summary.new == 2


def test_bad_sources_files_are_rejected_loudly(tmp_path, db_path):
    with pytest.raises(SourcesFileError, match="unknown keys"):
        parse_sources('[sources.a]\nfeeds = ["https://a.example/rss"]\nmin_dealy = 2\n')
    with pytest.raises(SourcesFileError, match="no feeds"):
        parse_sources("[sources.a]\nmax_articles = 3\n")
    broken = tmp_path / "broken.toml"
    broken.write_text("[sources.a\n")
    summary, _ = web_ingest([str(broken)], db_path)
    assert summary.rejections_by_reason == {"invalid_sources_file": 1}


def test_the_sample_sources_file_parses():
    sources = load_sources(ROOT / "samples" / "sources.toml")
    assert sources and all(source.seeds for source in sources)


@pytest.mark.slow
def test_cli_ingests_a_feed_then_only_revalidates_it(site, db_path):
    feed = site.url("/feed.xml")
    refused = newsingest("ingest", "--db", str(db_path), "--workers", "1", feed)
    assert refused.returncode == 1, refused.stderr  # nothing landed and an input failed
    assert rows(db_path, "select reason from rejections") == [("blocked_address",)]
    assert site.state.hits == []

    first = newsingest("ingest", "--allow-private-network", "--db", str(db_path), "--workers", "1", feed)
    assert first.returncode == 0, first.stderr
    assert rows(db_path, "select count(*), count(author), count(published_at) from articles") == [(4, 4, 4)]
    before = len(site.state.hits)
    second = newsingest("ingest", "--allow-private-network", "--db", str(db_path), "--workers", "1", feed)
    assert second.returncode == 0, second.stderr
    assert [(h.path, "if-none-match" in h.headers) for h in site.state.hits[before:]] == [
        ("/robots.txt", False), ("/feed.xml", True)]
    assert "1 unchanged (304)" in " ".join(second.stdout.split())

    shown = newsingest("state", "show", "--db", str(db_path), "--source", "127.0.0.1")
    assert shown.returncode == 0 and "feed" in shown.stdout
    reset = newsingest("state", "reset", "--db", str(db_path), "--source", "127.0.0.1")
    assert "forgot 1 listings and 4 links" in reset.stdout
    before = len(site.state.hits)
    newsingest("ingest", "--allow-private-network", "--db", str(db_path), "--workers", "1", feed)
    # After a reset the feed is read in full, but landed articles are still not fetched again.
    assert [h.path for h in site.state.hits[before:]] == ["/robots.txt", "/feed.xml"]
