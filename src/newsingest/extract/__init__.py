"""Extraction stage: RawDocument -> Article (clean text + metadata) or Rejection (with a reason)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from newsingest.extract.decode import Undecodable, decode
from newsingest.extract.flattened import BetweenCruftSettings, judge_flattened
from newsingest.extract.html import EXTRACTOR_VERSION, HtmlOptions, extract_html
from newsingest.extract.language import count_words, detect_language, primary_language
from newsingest.extract.metadata import Published, parse_published
from newsingest.extract.selection import candidate_lines, judge_lines
from newsingest.extract.text import clean_lines, split_title
from newsingest.fingerprint import text_hash
from newsingest.records import Article, RawDocument, Rejection
from newsingest.urls import link_url, source_host

TEXT_CLEANER_VERSION = "4"
HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
EARLIEST_PLAUSIBLE_DATE = datetime(1990, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    html: HtmlOptions = field(default_factory=HtmlOptions)
    min_words: int = 20  # fewer words than this after cleaning is not an article (nav-only pages, stubs)
    # source -> line keys of its learned boilerplate (Warehouse.source_boilerplate, read at a run's start)
    source_boilerplate: Mapping[str, frozenset[str]] = field(default_factory=dict)


def looks_like_html(raw: RawDocument) -> bool:
    if raw.content_type:
        return "html" in raw.content_type
    return HTML_SNIFF.match(raw.body[:1024]) is not None


def plausible_date(value: Published | None, now: datetime | None = None) -> Published | None:
    """A publication date, or None when it is missing or absurd (before 1990, in the future)."""
    if value is None:
        return None
    now = now or datetime.now(UTC)
    return value if EARLIEST_PLAUSIBLE_DATE <= value.at <= now + timedelta(days=1) else None


def _reject(raw: RawDocument, reason: str, message: str) -> Rejection:
    return Rejection(doc_id=raw.doc_id, origin=raw.origin, stage="extract", reason=reason, message=message,
                     raw_hash=raw.raw_hash)


@dataclass(slots=True)
class _Extracted:
    """Body lines before cleaning: the cleaning needs the source, known only with the page's metadata."""

    title: str | None
    lines: list[str]
    start: int  # position of lines[0] in the text they came from
    extractor: str
    version: str
    author: str | None = None
    date: str | None = None
    language: str | None = None
    sitename: str | None = None
    declared_url: str | None = None
    detected_language: str | None = None
    judged: dict[int, str] = field(default_factory=dict)  # line position -> why it is not article text
    between_cruft: BetweenCruftSettings | None = None  # text that arrived flattened: short lines between cruft go


def _from_html(text: str, raw: RawDocument, settings: ExtractSettings) -> _Extracted | None:
    page = extract_html(text, raw.url, settings.html)
    if page is None:
        return None
    lines = candidate_lines(page.text.splitlines())
    language = primary_language(page.language) or detect_language("\n".join(lines))
    return _Extracted(title=page.title, lines=lines, start=0, extractor="trafilatura",
                      version=EXTRACTOR_VERSION, author=page.author, date=page.date, language=page.language,
                      sitename=page.sitename, declared_url=page.canonical_url, detected_language=language,
                      judged=judge_lines(lines, page.readability_text, page.title, language, settings.min_words))


def _from_text(text: str, raw: RawDocument) -> _Extracted:
    if raw.title_given:
        title, lines, start = raw.title_hint, text.splitlines(), 0
    else:
        title, lines, start = split_title(text, raw.title_hint)
    return _Extracted(title=title, lines=lines, start=start, extractor="text-cleaner",
                      version=TEXT_CLEANER_VERSION, judged=judge_flattened(lines, start),
                      between_cruft=BetweenCruftSettings())


def extract_document(raw: RawDocument, settings: ExtractSettings = ExtractSettings()) -> Article | Rejection:
    """Clean one document. Metadata found in the page wins over what the source said (hints)."""
    try:
        decoded = decode(raw.body, raw.encoding)
    except Undecodable as exc:
        return _reject(raw, exc.reason, str(exc))
    # One form for each accented letter, whichever the page used ("e" + U+0301 becomes "é"): the text is
    # compared, hashed and searched as words.
    text = unicodedata.normalize("NFC", decoded.text)
    if looks_like_html(raw):
        extracted = _from_html(text, raw, settings)
        if extracted is None:
            return _reject(raw, "no_article_text", "trafilatura found no main text in the page")
    else:
        extracted = _from_text(text, raw)
    declared = extracted.declared_url or raw.url
    canonical = link_url(declared) if declared else None
    source = source_host(raw.url or canonical) or (extracted.sitename or "").lower() or None
    language = (extracted.detected_language or primary_language(extracted.language)
                or detect_language("\n".join(extracted.lines)))
    cleaned = clean_lines(extracted.lines, title=extracted.title, start=extracted.start,
                          learned=settings.source_boilerplate.get(source or "", frozenset()), language=language,
                          judged=extracted.judged, between_cruft=extracted.between_cruft)
    body = cleaned.text
    word_count = count_words(body)
    if word_count < settings.min_words:
        return _reject(raw, "too_short",
                       f"{word_count} words after cleaning; an article needs at least {settings.min_words}")
    published = (plausible_date(parse_published(extracted.date))
                 or plausible_date(cleaned.published_at and Published.from_datetime(cleaned.published_at))
                 or plausible_date(parse_published(raw.published_hint)))
    return Article(
        id=raw.doc_id,
        origin=raw.origin,
        raw_hash=raw.raw_hash,
        url=raw.url,
        canonical_url=canonical,
        source=source,
        title=cleaned.title or raw.title_hint,
        author=extracted.author or cleaned.author or raw.author_hint,
        published_at=published and published.at,
        published_date_only=published and published.date_only,
        published_utc_offset=published and published.utc_offset,
        language=extracted.language or language,
        text=body,
        text_hash=text_hash(body),
        word_count=word_count,
        extractor=extracted.extractor,
        extractor_version=extracted.version,
        sitename=extracted.sitename,
        removed=cleaned.removed,
    )
