"""HTML pages: trafilatura for the main text and metadata, then the same line rules as plain text."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura
from trafilatura.settings import set_date_params

EXTRACTOR_VERSION = trafilatura.__version__


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


def extract_html(html: str, url: str | None, options: HtmlOptions = HtmlOptions()) -> HtmlExtract | None:
    """Main text and metadata of a page, or None when trafilatura finds no article text in it."""
    document = trafilatura.bare_extraction(
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
    if document is None or not (document.text or "").strip():
        return None
    return HtmlExtract(
        text=document.text,
        title=document.title,
        author=document.author,
        date=document.date,
        language=document.language,
        sitename=document.sitename,
        canonical_url=document.url if document.url and document.url != url else None,
    )
