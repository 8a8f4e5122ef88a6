"""Pulling sources from the web: first their listings (feeds, sitemaps; conditional GET), then the article
links those name that have not landed yet. Yields RawDocument for every body, Rejection for every refusal.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from newsingest.extract.decode import Undecodable, decode
from newsingest.records import RawDocument, Rejection, document_id
from newsingest.sources.base import SourceProgress
from newsingest.sources.feeds import Link, feed_links, looks_like_feed
from newsingest.sources.fetch import (LISTING_TYPES, PAGE_TYPES, Fetched, Fetcher, FetchRequest, FetchSettings,
                                      HostPolicy, Refused, host_key)
from newsingest.sources.sitemaps import SitemapError, gunzip_limited, parse_sitemap, sitemap_kind
from newsingest.sources.sources_file import Outlet, SourcesFileError, load_sources, source_for_url
from newsingest.sources.state import FetchState, LinkAttempt, ListingCheck, PendingLink, link_id
from newsingest.urls import link_url

if TYPE_CHECKING:
    from newsingest.sources.registry import SourceOptions

MAX_SITEMAP_DEPTH = 3  # index -> index -> sitemap is the deepest nesting seen in the wild
ATTEMPTS_PER_WRITE = 64
DEFAULT_MAX_ARTICLES = 1000  # article fetches per source and run unless the source says otherwise
SOURCES_FILE_SUFFIX = ".toml"
# A listing to request: its URL, the outlet it belongs to, and the sitemap index that listed it (None: a seed).
ListingUrl = tuple[str, Outlet, str | None]


def is_web_input(value: str) -> bool:
    """URLs and sources files go to the web crawl; everything else is a local file or folder."""
    return value.startswith(("http://", "https://")) or value.lower().endswith(SOURCES_FILE_SUFFIX)


@dataclass(slots=True)
class CrawlStats:
    """What the web part of a run did, so "0 new articles" always has an explanation."""

    listings_changed: int = 0
    listings_unchanged: int = 0  # answered 304 Not Modified: nothing to parse
    links_listed: int = 0
    links_already_landed: int = 0  # listed but landed (or refused for good) in an earlier run: not requested
    links_deferred: int = 0  # over a source's max_articles: left for the next run
    articles_requested: int = 0
    articles_fetched: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        refused = ", ".join(f"{reason} {n}" for reason, n in self.refused.most_common()) or "none"
        return (f"listings: {self.listings_changed} changed, {self.listings_unchanged} unchanged (304); "
                f"links: {self.links_listed} listed, {self.links_already_landed} already landed, "
                f"{self.links_deferred} deferred; articles: {self.articles_requested} requested, "
                f"{self.articles_fetched} fetched; refused: {refused}")


def fetch_rejection(outcome: Refused) -> Rejection:
    # Each refusal is its own row (keyed by time), so a URL refused today can still land tomorrow.
    key = f"fetch:{outcome.reason}:{outcome.fetched_at.isoformat()}:{outcome.request.url}"
    return Rejection(doc_id=document_id(key, b""), origin=outcome.request.url, stage="fetch",
                     reason=outcome.reason, message=f"{outcome.message} ({outcome.url})")


def effective_charset(body: bytes, declared: str | None) -> str | None:
    """The charset the body really decodes with (a wrong label falls back to UTF-8, meta or detection)."""
    try:
        return decode(body, declared).encoding
    except Undecodable:
        return declared


def raw_document(fetched: Fetched, link: Link) -> RawDocument:
    return RawDocument(
        origin=fetched.request.url, body=fetched.body, url=fetched.url, content_type=fetched.content_type,
        fetched_at=fetched.fetched_at, status=fetched.status, headers=fetched.headers,
        encoding=effective_charset(fetched.body, fetched.charset),
        title_hint=link.title, author_hint=link.author, published_hint=link.published)


def listed_links(listed: list[Link], listing_url: str) -> tuple[list[Link], list[Rejection]]:
    """A listing's article links in link form (urls.link_url), each URL once: with its first entry's hints,
    at the place of its last entry. A link that is not absolute http(s) is rejected (unsupported_scheme)."""
    links = []
    unsupported = []
    for link in listed:
        url = link_url(link.url)
        if url is None:
            unsupported.append(Rejection(doc_id=document_id(f"link:{link.url}", b""), origin=link.url, stage="fetch",
                                         reason="unsupported_scheme", message=f"listed in {listing_url}"))
            continue
        links.append(replace(link, url=url))
    return list({link.url: link for link in reversed(links)}.values())[::-1], unsupported


@dataclass(frozen=True, slots=True)
class _Listing:
    """What a listing request carries back with its outcome (FetchRequest.context)."""

    source: Outlet
    depth: int
    parent: str | None = None  # the sitemap index that listed it


class WebCrawl:
    """The web part of a run, a Source (sources/base.py): its outlets' listings are fetched first (feeds,
    sitemaps, input URLs), then the article links they name that have not landed yet. Fetch state, when
    given, makes it incremental (conditional GETs, links remembered across runs)."""

    def __init__(self, sources: list[Outlet], settings: FetchSettings = FetchSettings(),
                 state: FetchState | None = None, input_rejections: list[Rejection] | None = None,
                 stop: threading.Event | None = None):
        self.sources = sources
        self.settings = settings
        self.stop = stop  # when set, fetching ends within a fraction of a second (StopOnSignal)
        self.state = state
        self.input_rejections = input_rejections or []  # sources files that could not be read
        self.stats = CrawlStats()
        self._yielded: set[str] = set()  # link ids handled this run
        self._found: dict[str, PendingLink] = {}  # links found this run (used when there is no state)

    @classmethod
    def from_inputs(cls, inputs: list[str], settings: FetchSettings = FetchSettings(),
                    state: FetchState | None = None, stop: threading.Event | None = None) -> WebCrawl:
        """The web part of a run's inputs: URLs (each its own source, named by host) and sources files."""
        sources: list[Outlet] = []
        rejections = []
        for value in filter(is_web_input, inputs):
            if value.startswith(("http://", "https://")):
                sources.append(source_for_url(value))
                continue
            try:
                sources += load_sources(Path(value))
            except SourcesFileError as exc:
                rejections.append(Rejection(doc_id=document_id(f"input:{value}", b""), origin=value, stage="source",
                                            reason="invalid_sources_file", message=str(exc)))
        return cls(sources, settings, state, rejections, stop)

    def host_policies(self) -> dict[str, HostPolicy]:
        return {host_key(seed): HostPolicy(source.min_delay, source.concurrency)
                for source in self.sources if source.min_delay is not None or source.concurrency
                for seed in source.seeds}

    def progress(self, batch: Sequence[RawDocument | Rejection]) -> SourceProgress:
        """Nothing to land with a batch: what was fetched is kept in the fetch state as it happens."""
        return SourceProgress()

    def items(self) -> Iterator[RawDocument | Rejection]:
        yield from self.input_rejections
        if not self.sources:
            return
        with Fetcher(self.settings, self.host_policies(), self.stop) as fetcher:
            yield from self._listings(fetcher)
            yield from self._articles(fetcher)

    # -- listings ---------------------------------------------------------------------------------

    def _requests(self, urls: list[ListingUrl], depth: int) -> list[FetchRequest]:
        validators = self.state.validators([url for url, _, _ in urls]) if self.state else {}
        return [FetchRequest(url, LISTING_TYPES, *validators.get(url, (None, None)),
                             context=_Listing(source, depth, parent)) for url, source, parent in urls]

    def _listings(self, fetcher: Fetcher) -> Iterator[RawDocument | Rejection]:
        seeds = [(link_url(seed) or seed, source) for source in self.sources for seed in source.seeds]
        settled = self.state.settled([link_id(url) for url, _ in seeds]) if self.state else set()
        # An input URL that is an article already landed costs no request; feeds never land, so they pass.
        requests = self._requests([(url, s, None) for url, s in seeds if link_id(url) not in settled], 0)
        self.stats.links_already_landed += len(seeds) - len(requests)
        depth = 0
        while requests:
            children: list[ListingUrl] = []
            for outcome in fetcher.fetch_all(requests):
                listing: _Listing = outcome.request.context
                if isinstance(outcome, Refused):
                    self.stats.refused[outcome.reason] += 1
                    self._record(ListingCheck(outcome.request.url, listing.source.name, listing.parent,
                                              outcome.reason, outcome.fetched_at, outcome.status))
                    yield fetch_rejection(outcome)
                elif outcome.status == 304:
                    self.stats.listings_unchanged += 1
                    self._record(self._check(outcome, listing, "unchanged"))
                    if self.state and depth < MAX_SITEMAP_DEPTH:  # an unchanged index: its sitemaps may have changed
                        url = outcome.request.url
                        children += [(child, listing.source, url) for child in self.state.children(url)]
                else:
                    yield from self._read_listing(outcome, listing, children)
            depth += 1
            requests = self._requests(children, depth)

    def _check(self, fetched: Fetched, listing: _Listing, outcome: str, kind: str | None = None,
               links: list[Link] | None = None) -> ListingCheck:
        return ListingCheck(fetched.request.url, listing.source.name, listing.parent, outcome, fetched.fetched_at,
                            fetched.status,
                            kind, fetched.headers.get("etag"), fetched.headers.get("last-modified"), links)

    def _record(self, check: ListingCheck) -> None:
        if self.state:
            self.state.record_listing(check)

    def _read_listing(self, fetched: Fetched, listing: _Listing,
                      children: list[ListingUrl]) -> Iterator[RawDocument | Rejection]:
        """A 2xx answer to a listing or input URL: a feed, a sitemap (index), or an article page."""
        source = listing.source
        try:
            body = gunzip_limited(fetched.body, self.settings.max_bytes)
        except SitemapError as exc:
            yield self._refuse(fetched, listing, "invalid_sitemap", str(exc))
            return
        kind = "feed" if looks_like_feed(body) else sitemap_kind(body)
        if kind is None:
            if fetched.content_type not in (None, *PAGE_TYPES):
                yield self._refuse(fetched, listing, "unrecognised_listing",
                                   f"{fetched.content_type} that is neither an RSS/Atom feed nor a sitemap")
                return
            yield from self._input_page(fetched, listing)
            return
        if kind == "feed":
            listed = feed_links(body, fetched.url)
        else:
            try:
                sitemap = parse_sitemap(body, fetched.url)
            except SitemapError as exc:
                yield self._refuse(fetched, listing, "invalid_sitemap", str(exc))
                return
            listed = sitemap.links
            if listing.depth < MAX_SITEMAP_DEPTH:
                children += [(link_url(child) or child, source, fetched.request.url) for child in sitemap.children]
            else:
                yield self._refuse(fetched, listing, "sitemap_too_deep",
                                   f"sitemap indexes nested more than {MAX_SITEMAP_DEPTH} deep")
                return
        links, unsupported = listed_links(listed, fetched.request.url)
        yield from unsupported
        self.stats.listings_changed += 1
        self.stats.links_listed += len(links)
        self._record(self._check(fetched, listing, "changed", kind, links))
        for link in links:
            self._found.setdefault(link_id(link.url), PendingLink(link_id(link.url), link.url, source.name,
                                                                   fetched.request.url, link))

    def _refuse(self, fetched: Fetched, listing: _Listing, reason: str, message: str) -> Rejection:
        refused = Refused(fetched.request, fetched.url, reason, message, fetched.status, fetched.fetched_at)
        self.stats.refused[reason] += 1
        self._record(ListingCheck(fetched.request.url, listing.source.name, listing.parent, reason,
                                  fetched.fetched_at, fetched.status))
        return fetch_rejection(refused)

    def _input_page(self, fetched: Fetched, listing: _Listing) -> Iterator[RawDocument]:
        """An input URL that is an article: it lands like any fetched link (and is not fetched again)."""
        url = fetched.request.url
        link = Link(url)
        self._record(self._check(fetched, listing, "changed", "page", [link]))
        raw = raw_document(fetched, link)
        if self.state:
            self.state.record_attempts([LinkAttempt(link_id(url), fetched.fetched_at, raw.doc_id, None)])
        self._yielded.add(link_id(url))
        self.stats.articles_fetched += 1
        yield raw

    # -- articles ---------------------------------------------------------------------------------

    def _pending(self) -> list[PendingLink]:
        if self.state:
            links = self.state.pending([source.name for source in self.sources])
            listed = [doc_id for doc_id in self._found if doc_id not in self._yielded]
            self.stats.links_already_landed += len(set(listed) - {p.doc_id for p in links})
        else:
            links = list(self._found.values())
        limits = {s.name: DEFAULT_MAX_ARTICLES if s.max_articles is None else s.max_articles for s in self.sources}
        taken: Counter[str] = Counter()
        chosen = []
        for link in links:
            if link.doc_id in self._yielded:
                continue
            if taken[link.source] >= limits.get(link.source, DEFAULT_MAX_ARTICLES):
                self.stats.links_deferred += 1
                continue
            taken[link.source] += 1
            chosen.append(link)
        return chosen

    def _articles(self, fetcher: Fetcher) -> Iterator[RawDocument | Rejection]:
        pending = self._pending()
        self.stats.articles_requested += len(pending)
        attempts: list[LinkAttempt] = []
        try:
            for outcome in fetcher.fetch_all(FetchRequest(p.url, PAGE_TYPES, context=p) for p in pending):
                link: PendingLink = outcome.request.context
                self._yielded.add(link.doc_id)
                if isinstance(outcome, Refused):
                    self.stats.refused[outcome.reason] += 1
                    attempts.append(LinkAttempt(link.doc_id, outcome.fetched_at, None,
                                                None if outcome.retryable else outcome.reason))
                    yield fetch_rejection(outcome)
                else:
                    raw = raw_document(outcome, link.link)
                    self.stats.articles_fetched += 1
                    attempts.append(LinkAttempt(link.doc_id, outcome.fetched_at, raw.doc_id, None))
                    yield raw
                if len(attempts) >= ATTEMPTS_PER_WRITE:
                    self._write_attempts(attempts)
        finally:
            self._write_attempts(attempts)

    def _write_attempts(self, attempts: list[LinkAttempt]) -> None:
        if self.state:
            self.state.record_attempts(attempts)
        attempts.clear()


class WebKind:
    """Registered in sources/registry.py: URLs (feeds, sitemaps, article pages) and sources files."""

    name = "web"
    suffixes: frozenset[str] = frozenset()  # a sources file in a folder is not read: it is named as an input

    def claims(self, value: str) -> bool:
        return is_web_input(value)

    def open(self, inputs: list[str], options: SourceOptions) -> WebCrawl:
        """The caller's crawl when given (with its fetch settings, state and stop), else a stateless one."""
        return options.web or WebCrawl.from_inputs(inputs)


WEB = WebKind()
