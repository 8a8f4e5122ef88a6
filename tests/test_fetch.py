"""The polite fetcher against a real local HTTP server: limits, retries, refusals, pacing, SSRF guard."""

import time
from dataclasses import replace
from email.utils import formatdate

import pytest

from newsingest.sources.fetch import PAGE_TYPES, Fetched, Fetcher, FetchRequest, FetchSettings, retry_after_seconds
from newsingest.sources.guard import is_public_address

from site_server import SiteServer, SiteState
from helpers import FAST, fetch


@pytest.fixture
def site():
    with SiteServer() as server:
        yield server


def test_refusals_carry_their_reason(site):
    outcomes = fetch(site, ["/private/members.html", "/challenge.html", "/paywalled.html", "/report.pdf",
                            "/auth.html", "/legal.html", "/nope.html", "/loop/a", "/slow.html"])
    reasons = {path: o.reason for path, o in outcomes.items()}
    assert reasons == {"/private/members.html": "robots_disallowed", "/challenge.html": "bot_challenge",
                       "/paywalled.html": "paywall", "/report.pdf": "unsupported_content_type",
                       "/auth.html": "auth_required", "/legal.html": "unavailable_for_legal_reasons",
                       "/nope.html": "not_found", "/loop/a": "too_many_redirects", "/slow.html": "timeout"}
    assert not site.hits_to("/private/")  # robots.txt said no: never requested
    assert len(site.hits_to("/slow.html")) == 1 + FAST.retries
    assert len(site.hits_to("/loop/")) == 1 + FAST.max_redirects


def test_bodies_over_the_limit_are_cut_off_while_streaming(site):
    patient = replace(FAST, read_timeout=10, total_timeout=20)  # building the 50 MB bomb takes a moment
    outcomes = fetch(site, ["/huge.html", "/bomb.html"], patient)  # 50 MB plain; ~50 KB gzip of 50 MB
    assert {o.reason for o in outcomes.values()} == {"too_large"}
    assert "10,485,760" in outcomes["/huge.html"].message


def test_compressed_redirected_and_retried_pages_arrive_whole(site):
    outcomes = fetch(site, ["/brotli.html", "/moved.html", "/flaky-503.html", "/flaky-429.html"])
    assert all(isinstance(o, Fetched) and o.status == 200 for o in outcomes.values())
    assert b"Ferry timetable" in outcomes["/brotli.html"].body
    assert outcomes["/moved.html"].url == site.url("/articles/wind-farm.html")
    assert len(site.hits_to("/flaky-503.html")) == 2
    first, second = site.hits_to("/flaky-429.html")
    assert second.at - first.at >= 0.95  # Retry-After: 1


def test_retry_after_beyond_the_cap_is_left_for_a_later_run():
    with SiteServer(SiteState(retry_after="3600")) as server:
        outcome = fetch(server, ["/flaky-429.html"])["/flaky-429.html"]
    assert outcome.reason == "rate_limited" and outcome.retryable
    assert "3600s" in outcome.message


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds("7") == 7.0
    assert 58 <= retry_after_seconds(formatdate(time.time() + 60, usegmt=True)) <= 60
    assert retry_after_seconds(formatdate(time.time() - 60, usegmt=True)) == 0.0
    assert retry_after_seconds("soon") is None


def test_user_agent_names_a_contact(site):
    fetch(site, ["/articles/rail-fares.html"], replace(FAST, contact="ops@example.org"))
    assert all("ops@example.org" in hit.headers["user-agent"] for hit in site.state.hits)
    assert all(hit.headers["user-agent"].startswith("newsingest/") for hit in site.state.hits)


def test_crawl_delay_spaces_requests_and_a_slow_host_does_not_hold_up_another():
    with SiteServer(SiteState(crawl_delay=1)) as slow, SiteServer() as fast:
        paths = ["/articles/harbour-bridge.html", "/articles/rail-fares.html", "/articles/wind-farm.html"]
        order = []
        with Fetcher(FAST) as fetcher:
            requests = [FetchRequest(slow.url(p), PAGE_TYPES) for p in paths]
            requests += [FetchRequest(fast.url(p), PAGE_TYPES) for p in paths]
            for outcome in fetcher.fetch_all(requests):
                order.append(outcome.request.url.startswith(fast.base_url))
        starts = [hit.at for hit in slow.state.hits]  # robots.txt, then the three pages
        assert len(starts) == 4
        assert all(later - earlier >= 0.95 for earlier, later in zip(starts, starts[1:]))
        assert order[:3] == [True, True, True]  # the fast host finished while the slow one waited


def test_per_host_concurrency_is_capped():
    with SiteServer(SiteState(slow_seconds=0.3)) as server:
        settings = FetchSettings(allow_private_network=True, min_delay=0, read_timeout=5, per_host_concurrency=2)
        outcomes = fetch(server, ["/slow.html"] * 1 + [f"/slow.html?n={n}" for n in range(5)], settings)
        assert all(isinstance(o, Fetched) for o in outcomes.values())
        assert server.state.max_active == 2


def test_private_addresses_are_refused_without_a_request(site):
    outcomes = fetch(site, ["/articles/rail-fares.html"], FetchSettings())
    outcome = outcomes["/articles/rail-fares.html"]
    assert outcome.reason == "blocked_address" and "--allow-private-network" in outcome.message
    assert site.state.hits == []


@pytest.mark.parametrize("address,public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.10", False), ("172.16.5.4", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("::1", False), ("fd00:ec2::254", False),
    ("::ffff:127.0.0.1", False), ("fe80::1%eth0", False), ("224.0.0.1", False), ("0.0.0.0", False),
    ("93.184.216.34", True), ("2606:4700::1111", True)])
def test_address_classification(address, public):
    assert is_public_address(address) is public


def test_a_fetcher_stopped_early_starts_clean_next_time(site):
    paths = ["/articles/harbour-bridge.html", "/articles/rail-fares.html", "/articles/wind-farm.html"]
    with Fetcher(FAST) as fetcher:
        first = fetcher.fetch_all(FetchRequest(site.url(p), PAGE_TYPES) for p in paths)
        next(first)
        first.close()  # two requests never finished or never started
        again = list(fetcher.fetch_all([FetchRequest(site.url("/articles/library-reopens.html"), PAGE_TYPES)]))
    assert [o.request.url for o in again] == [site.url("/articles/library-reopens.html")]
