"""Fetch state in the warehouse: validators of feeds/sitemaps and the links they led to, per source.

Links are recorded in the same transaction as the validators of the listing that named them, so a run
that dies after a feed answered 200 still fetches that feed's articles next time, when it answers 304.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsingest.records import document_id
from newsingest.sources.feeds import Link
from newsingest.warehouse import Warehouse, load_sql


@dataclass(frozen=True, slots=True)
class PendingLink:
    """A listed article link still to fetch (warehouse/pending_links.sql), with the listing's hints."""

    doc_id: str
    url: str
    source: str
    found_in: str
    link: Link


@dataclass(frozen=True, slots=True)
class LinkAttempt:
    """One fetch of a listed link, recorded so later runs know whether to ask for it again."""

    doc_id: str
    attempted_at: datetime
    landed_id: str | None  # the id of the document fetched, when a body came back
    refused_reason: str | None  # a lasting refusal; None when fetched or worth retrying


@dataclass(frozen=True, slots=True)
class ListingCheck:
    """One answer of a feed, sitemap or input URL: its validators for the next conditional GET, and the
    article links it named when it changed."""

    url: str
    source: str
    parent: str | None  # the sitemap index that listed it
    outcome: str  # "changed", "unchanged" or a rejection reason
    checked_at: datetime
    http_status: int | None = None
    kind: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    links: list[Link] | None = None  # listed article links, when it changed


def link_id(url: str) -> str:
    return document_id(url, b"")


class FetchState:
    """The web sources' memory across runs, in the warehouse's fetch_listings and fetch_links tables. A link
    that has not landed after `max_attempts` fetches is not asked for again."""

    def __init__(self, warehouse: Warehouse, max_attempts: int = 5):
        self.warehouse = warehouse
        self.max_attempts = max_attempts

    def validators(self, urls: list[str]) -> dict[str, tuple[str | None, str | None]]:
        if not urls:
            return {}
        with self.warehouse.transaction() as con:
            rows = con.execute(load_sql("fetch_listing_validators"), {"urls": urls}).fetchall()
        return {url: (etag, last_modified) for url, etag, last_modified in rows}

    def children(self, index_url: str) -> list[str]:
        with self.warehouse.transaction() as con:
            return [row[0] for row in con.execute(load_sql("fetch_listing_children"), {"url": index_url}).fetchall()]

    def record_listing(self, check: ListingCheck) -> None:
        """A listing's answer, and the links it named, in one transaction."""
        links = check.links or []
        with self.warehouse.transaction() as con:
            con.execute(load_sql("upsert_fetch_listing"), {
                "url": check.url, "source": check.source, "parent": check.parent, "kind": check.kind, "etag": check.etag,
                "last_modified": check.last_modified, "http_status": check.http_status, "outcome": check.outcome,
                "links": None if check.links is None else len(links), "checked_at": check.checked_at,
                "changed_at": check.checked_at if check.outcome == "changed" else None})
            if links:
                con.execute(load_sql("insert_fetch_links"), {
                    "doc_id": [link_id(l.url) for l in links], "url": [l.url for l in links],
                    "source": [check.source] * len(links), "found_in": [check.url] * len(links),
                    "title_hint": [l.title for l in links], "author_hint": [l.author for l in links],
                    "published_hint": [l.published for l in links], "discovered_at": [check.checked_at] * len(links)})

    def settled(self, ids: list[str]) -> set[str]:
        """Ids of links that need no request (landed, or refused for good)."""
        if not ids:
            return set()
        with self.warehouse.transaction() as con:
            return {row[0] for row in con.execute(load_sql("settled_links"), {"ids": ids}).fetchall()}

    def pending(self, sources: list[str]) -> list[PendingLink]:
        with self.warehouse.transaction() as con:
            rows = con.execute(load_sql("pending_links"),
                               {"sources": sources, "max_attempts": self.max_attempts}).fetchall()
        return [PendingLink(doc_id, url, source, found_in, Link(url, title, author, published))
                for doc_id, url, source, found_in, title, author, published in rows]

    def record_attempts(self, attempts: list[LinkAttempt]) -> None:
        if not attempts:
            return
        with self.warehouse.transaction() as con:
            con.execute(load_sql("record_link_attempts"), {
                "doc_id": [a.doc_id for a in attempts], "attempted_at": [a.attempted_at for a in attempts],
                "landed_id": [a.landed_id for a in attempts], "refused_reason": [a.refused_reason for a in attempts]})

    def summary(self, source: str | None = None) -> tuple[list[str], list[tuple]]:
        return self.warehouse.query(load_sql("fetch_state_sources"), {"source": source})

    def listings(self, source: str | None = None) -> tuple[list[str], list[tuple]]:
        return self.warehouse.query(load_sql("fetch_state_listings"), {"source": source})

    def reset(self, source: str | None = None) -> tuple[int, int]:
        """Forget validators and links (of one source, or all): the next run fetches listings in full and
        retries refused links. Landed articles stay, and stay "already seen". Returns (listings, links)."""
        with self.warehouse.transaction() as con:
            listings = con.execute(load_sql("reset_fetch_listings"), {"source": source}).fetchone()[0]
            links = con.execute(load_sql("reset_fetch_links"), {"source": source}).fetchone()[0]
        return listings, links
