"""HTML pages: trafilatura for the main text and metadata, and its readability port for a second opinion."""

from __future__ import annotations

from dataclasses import dataclass, replace

import trafilatura
from lxml.html import HtmlElement
from trafilatura.external import try_readability
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from newsingest.extract.metadata import page_metadata

EXTRACTOR_VERSION = trafilatura.__version__
# Share of the extracted characters in table rows above which the "table" is the page's layout grid.
LAYOUT_TABLE_SHARE = 0.5


@dataclass(slots=True, frozen=True)
class HtmlOptions:
    """trafilatura settings. Recall mode: its lines are the candidates the line model (selection.py) judges;
    on the development set that one run, with readability's votes, beats a precision run plus a recall run."""

    favor_precision: bool = False
    favor_recall: bool = True
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
    readability_text: str  # what trafilatura's readability port takes for the article, its paragraphs joined


def _bare_extraction(html: HtmlElement, url: str | None, options: HtmlOptions):
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
    # Parsed once: trafilatura extracts from copies of the tree, readability (which changes it) comes last.
    tree = load_html(html)
    if tree is None:
        return None
    document = _bare_extraction(tree, url, options)
    if options.include_tables and document is not None and table_row_share(document.text or "") > LAYOUT_TABLE_SHARE:
        # A page laid out with <table> (the pre-CSS way): trafilatura returns the whole layout grid as table
        # rows. Without tables, and without favor_precision (which then finds nothing), it finds the story.
        retry = _bare_extraction(tree, url, replace(options, include_tables=False, favor_precision=False))
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
        readability_text=" ".join(try_readability(tree).itertext()),
    )
