"""The typed records that travel between stages: RawDocument -> Article -> DedupDecision, StoryDecision
and TextReuse (with ReusedPassages), and the named rows stages read back from the warehouse (StoredSignature,
RememberedArticle, StoryMember, DatedText, ...).

Every input ends as an Article (possibly flagged as a duplicate) or as a Rejection; nothing is dropped
without one of these records saying why.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple


def utc_date(moment: datetime) -> date:
    """The UTC calendar date of a moment; a naive time is taken as UTC, as the warehouse stores it."""
    return (moment.astimezone(UTC) if moment.tzinfo is not None else moment).date()


def day_number(moment: datetime) -> int:
    """The UTC calendar date of a moment as an ordinal (date.toordinal): the day unit every stage's window
    and the warehouse's day columns count in."""
    return utc_date(moment).toordinal()


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def document_id(url: str | None, body: bytes) -> str:
    """Deterministic id of one input document: its normalised URL when it has one, else its bytes.

    The id names the *input*, so the same URL (or the same bytes) arriving again is recognised as already
    seen, while a copy of the story under another URL gets a row of its own and is flagged as a duplicate.
    """
    key = f"url:{url}" if url else f"raw:{sha256_hex(body)}"
    return sha256_hex(key)[:16]


@dataclass(slots=True, frozen=True)
class WarcPointer:
    """Where a record sits in a WARC file: the raw archive keeps this instead of a copy of the bytes."""

    path: str  # absolute path of the WARC file
    offset: int  # byte offset of the record (of its gzip member, in a .warc.gz)


@dataclass(slots=True, frozen=True)
class WarcProgress:
    """How far ingest got in one WARC file; lands in the same transaction as the records it covers."""

    path: str
    size_bytes: int  # a file whose size changed is read again from the start
    last_offset: int | None  # the last record whose outcome is committed; None when none is yet
    complete: bool  # read to the end: skipped by later runs unless forced


@dataclass(slots=True)
class RawDocument:
    """Bytes as they arrived from a file or the network, before any interpretation."""

    origin: str  # path (with :line for JSONL records) or URL the bytes came from
    body: bytes
    url: str | None = None
    content_type: str | None = None  # "text/html" or "text/plain" when the source knows it
    fetched_at: datetime | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None  # declared or detected charset, if known at the source
    # Metadata the source already knows (JSONL fields, feed entries); extraction prefers what the page says.
    title_hint: str | None = None
    author_hint: str | None = None
    published_hint: str | None = None
    # The source says what the title is, if any (a JSONL record's `title`): none is taken from the body.
    title_given: bool = False
    warc: WarcPointer | None = None  # set for records read from a WARC file: the bytes stay there

    @property
    def doc_id(self) -> str:
        return document_id(self.url, self.body)

    @property
    def raw_hash(self) -> str:
        return sha256_hex(self.body)

    def archived(self) -> ArchivedRaw:
        """This document as the raw archive keeps it. The extraction workers make it, so the run's own process
        neither compresses the bytes nor holds them once a batch is extracted."""
        return ArchivedRaw(raw_hash=self.raw_hash, origin=self.origin, url=self.url,
                           content_type=self.content_type, encoding=self.encoding, status=self.status,
                           headers=self.headers, fetched_at=self.fetched_at, size_bytes=len(self.body),
                           body_zlib=None if self.warc else zlib.compress(self.body, ARCHIVE_ZLIB_LEVEL),
                           warc=self.warc)


# raw_documents.body_zlib has always been zlib at level 6; reprocess reads the bytes back with zlib.decompress.
ARCHIVE_ZLIB_LEVEL = 6


@dataclass(slots=True, frozen=True)
class ArchivedRaw:
    """A RawDocument as raw_documents stores it: what the source said of it, and its bytes zlib-compressed or,
    for a WARC record, a pointer to them (`body_zlib` None)."""

    raw_hash: str
    origin: str
    url: str | None
    content_type: str | None
    encoding: str | None
    status: int | None
    headers: dict[str, str]
    fetched_at: datetime | None
    size_bytes: int  # of the bytes as they arrived
    body_zlib: bytes | None
    warc: WarcPointer | None


@dataclass(slots=True, frozen=True)
class RemovedLine:
    line: str
    rule: str  # name of the cleaning rule that removed it (see extract/rules.py)
    position: int = 0  # index of the line in the text it was removed from


@dataclass(slots=True)
class Article:
    id: str
    origin: str
    raw_hash: str
    url: str | None
    canonical_url: str | None
    source: str | None  # outlet host, e.g. "www.example.com"
    title: str | None
    author: str | None
    published_at: datetime | None
    language: str | None
    text: str  # cleaned body: one paragraph per line
    text_hash: str  # hash of the normalised text (see dedup/signatures.py)
    word_count: int
    extractor: str  # "trafilatura" or "text-cleaner"
    extractor_version: str
    sitename: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    # How much of published_at the source stated: only the day (published_at is then midnight UTC), and the
    # UTC offset given with the time (None when there was no time or no zone: published_at is then the
    # source's own clock, stored as UTC).
    published_date_only: bool | None = None
    published_utc_offset: timedelta | None = None


class DedupStatus(StrEnum):
    NEW = "new"
    EXACT_DUPLICATE = "exact_duplicate"
    URL_DUPLICATE = "url_duplicate"
    NEAR_DUPLICATE = "near_duplicate"


@dataclass(slots=True, frozen=True)
class DedupDecision:
    article_id: str
    status: DedupStatus
    cluster_id: str  # id of the cluster's first member; a unique article is a cluster of one
    duplicate_of: str | None = None
    similarity: float | None = None  # estimated Jaccard similarity to the article it matched
    containment: float | None = None  # estimated share of the shorter text found in the longer


@dataclass(slots=True, frozen=True)
class StoryDecision:
    """Which story (same event, any outlet) an article reports; near-duplicates share their original's."""

    article_id: str
    story_id: str  # id of the story's first article; an article matching no story starts its own
    matched: str | None = None  # the article it was found similar to, None when it starts a story
    similarity: float | None = None  # TF-IDF cosine to `matched`; None for duplicates and new stories


@dataclass(slots=True, frozen=True)
class ReusedPassage:
    """Characters [start, end) of the article equal (as words, case aside) [source_start, source_end) of the source."""

    start: int
    end: int
    source_start: int
    source_end: int


class Derivation(StrEnum):
    WHOLLY = "wholly"  # (nearly) all of the article's words come from earlier articles
    PARTIALLY = "partially"  # a real part of it does; the rest is the newsroom's own


@dataclass(slots=True, frozen=True)
class TextReuse:
    """An article draws text from one earlier article (wire copy rewritten, cut, combined); one per source."""

    article_id: str
    source_id: str
    share: float  # of the article's words, the share inside passages shared with this source
    derivation: Derivation  # of the article from all its sources together (see reuse/__init__.py)
    passages: list[ReusedPassage] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class Rejection:
    """An input that did not become an article, and why. `reason` is a stable code for SQL."""

    doc_id: str
    origin: str
    stage: str  # "source", "extract" or "dedup"
    reason: str
    message: str
    raw_hash: str | None = None  # pointer into raw_documents, when bytes were read
    warc: WarcPointer | None = None  # the refused record, for inputs read from a WARC file


@dataclass(frozen=True, slots=True)
class StoredSignature:
    """An article's dedup signature as the warehouse stores it (dedup/signatures.py makes and reads it)."""

    minhash: bytes
    lead: bytes | None
    shingle_count: int | None
    chars: bytes | None = None  # None in rows written before migration 012
    char_count: int | None = None
    sentences: bytes | None = None  # uint64 hashes
    facts: bytes | None = None


@dataclass(frozen=True, slots=True)
class SourceLines:
    """The short lines of one new article, counted toward its source's learned boilerplate (extract/boilerplate.py)."""

    source: str
    lines: dict[str, str]  # line key -> line


# Rows the stages read back from the warehouse (warehouse/sql/*.sql, one record per statement).

class RememberedArticle(NamedTuple):
    """What dedup remembers of a stored article (dedup_state.sql)."""

    id: str
    cluster_id: str
    canonical_url: str | None
    text_hash: str
    day: int  # day_number of its date (published, else ingested)
    signature: StoredSignature | None  # None: none of the current scheme; then its text is given
    text: str | None = None


class RededupInput(NamedTuple):
    """A stored article and its current decision, for `newsingest rededup` (rededup_inputs.sql)."""

    id: str
    canonical_url: str | None
    text_hash: str
    dated: datetime  # published, else ingested
    dedup_status: str
    cluster_id: str
    text: str | None  # only where the stored signature must be computed again
    signature: StoredSignature


class StoryMember(NamedTuple):
    """A stored article the stories stage compares newcomers with (story_members.sql)."""

    id: str
    story_id: str
    anchor: datetime  # published, else ingested
    terms: str  # as TermWeights keeps them (stories/features.py)
    weights: bytes  # float32 per term


class DatedText(NamedTuple):
    """A stored article's text and date, for the reuse stage (reuse_sources.sql, reuse_replay.sql)."""

    id: str
    anchor: datetime  # published, else ingested
    text: str
    new: bool = True  # new to dedup: only those are sources
