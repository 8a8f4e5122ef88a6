"""RSS and Atom feeds (feedparser): the article links they list, with the metadata they give."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser

FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
SNIFF_BYTES = 2048


@dataclass(frozen=True, slots=True)
class Link:
    """An article URL found in a feed or sitemap, with what the listing says about it (hints)."""

    url: str
    title: str | None = None
    author: str | None = None
    published: str | None = None


def looks_like_feed(body: bytes) -> bool:
    return FEED_ROOT.search(body[:SNIFF_BYTES]) is not None


def feed_links(body: bytes, base_url: str) -> list[Link]:
    """Entries of an RSS/Atom feed in feed order. feedparser gets bytes, never a URL, so it cannot fetch."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    links = []
    for entry in parsed.entries:
        href = entry.get("link") or next((l.get("href") for l in entry.get("links", []) if l.get("href")), None)
        if not href:
            continue
        links.append(Link(url=urljoin(base_url, href), title=entry.get("title") or None,
                          author=entry.get("author") or None,
                          published=entry.get("published") or entry.get("updated") or None))
    return links
