"""HTML pages: trafilatura for the main text and metadata, then the same line rules as plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import unescape
from urllib.parse import urljoin

import trafilatura
from trafilatura.settings import set_date_params

EXTRACTOR_VERSION = trafilatura.__version__
# Share of the extracted characters in table rows above which the "table" is the page's layout grid.
LAYOUT_TABLE_SHARE = 0.5
# trafilatura joins every byline-like string it finds with "; ": "Carla Jennings; Gazette Staff Writer".
JOB_TITLE = re.compile(r"\b(?:staff|writer|reporter|correspondent|editor|columnist|contributor|desk|newsroom)\b",
                       re.IGNORECASE)
CANONICAL_LINK = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.IGNORECASE)
HREF = re.compile(r"\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)


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


def author_names(author: str | None) -> str | None:
    """trafilatura's author field without job titles and repeats: "A; Gazette Staff Writer" -> "A"."""
    if not author:
        return None
    names = []
    for part in (part.strip() for part in author.split(";")):
        if part and not JOB_TITLE.search(part) and part not in names:
            names.append(part)
    return "; ".join(names) or author


def declared_canonical(html: str, page_url: str | None, found: str | None) -> str | None:
    """The canonical URL the page declares, when it is not the page's own URL. trafilatura (`found`) gives
    up on a relative `<link rel=canonical>` unless an og: tag names the host, and then answers with the
    page URL; such a link is resolved here against the page URL, as a browser would."""
    if found and found != page_url:
        return found
    if not page_url:
        return None
    head_end = html.find("</head>")
    link = CANONICAL_LINK.search(html, 0, head_end if head_end >= 0 else len(html))
    href = HREF.search(link.group(0)) if link else None
    if href is None:
        return None
    declared = urljoin(page_url, unescape(next(value for value in href.groups() if value is not None)).strip())
    return declared if declared != page_url else None


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
    return HtmlExtract(
        text=document.text,
        title=document.title,
        author=author_names(document.author),
        date=document.date,
        language=document.language,
        sitename=document.sitename,
        canonical_url=declared_canonical(html, url, document.url),
    )
