"""HTML pages: trafilatura for the main text and metadata, then the same line rules as plain text."""

from __future__ import annotations

from dataclasses import dataclass, replace

import trafilatura
from trafilatura.settings import set_date_params

from newsingest.extract.metadata import page_metadata

EXTRACTOR_VERSION = trafilatura.__version__
# Share of the extracted characters in table rows above which the "table" is the page's layout grid.
LAYOUT_TABLE_SHARE = 0.5


@dataclass(slots=True, frozen=True)
class HtmlOptions:
    """trafilatura settings; the defaults are the ones measured best on tests/fixtures/extraction."""

    favor_precision: bool = True
    favor_recall: bool = False
    no_fallback: bool = False
    include_tables: bool = True
    extensive_date_search: bool = False


@dataclass(slots=True)
class HtmlExtract:
    text: str
    title: str | None
    author: str | None
    date: str | None
    language: str | None
    sitename: str | None
    canonical_url: str | None


def _bare_extraction(html: str, url: str | None, options: HtmlOptions):
    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        # Reader comments are not the article; trafilatura keeps them unless told otherwise.
        include_comments=False,
        # deduplicate=True keeps a cache across calls, so a page's text would depend on pages seen before.
        deduplicate=False,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        no_fallback=options.no_fallback,
        include_tables=options.include_tables,
        # Markup dates only (<time>, JSON-LD, meta, URL): the extensive search guesses from free text and
        # takes "(c) 2024" footers or dates in related-story boxes for the publication date.
        date_extraction_params=set_date_params(extensive=options.extensive_date_search),
    )


def table_row_share(text: str) -> float:
    """Fraction of the characters of trafilatura's text that are in table rows ("| cell | cell |")."""
    rows = sum(len(line) for line in text.splitlines() if line.startswith("|"))
    return rows / len(text) if text else 0.0


def extract_html(html: str, url: str | None, options: HtmlOptions = HtmlOptions()) -> HtmlExtract | None:
    """Main text and metadata of a page, or None when trafilatura finds no article text in it."""
    document = _bare_extraction(html, url, options)
    if options.include_tables and document is not None and table_row_share(document.text or "") > LAYOUT_TABLE_SHARE:
        # A page laid out with <table> (the pre-CSS way): trafilatura returns the whole layout grid as table
        # rows. Without tables, and without favor_precision (which then finds nothing), it finds the story.
        retry = _bare_extraction(html, url, replace(options, include_tables=False, favor_precision=False))
        if retry is not None and (retry.text or "").strip():
            document = retry
    if document is None or not (document.text or "").strip():
        return None
    metadata = page_metadata(html, url, found_title=document.title, found_date=document.date)
    return HtmlExtract(
        text=document.text,
        title=metadata.title,
        author=metadata.author,
        date=metadata.published and metadata.published.isoformat(),
        language=document.language,
        sitename=document.sitename,
        canonical_url=metadata.canonical_url,
    )
