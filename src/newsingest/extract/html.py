"""HTML pages: trafilatura for the main text and metadata, and its readability port for a second opinion."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from html import unescape

import lxml.html
import trafilatura
import trafilatura.external
import trafilatura.utils
from htmldate import find_date
from lxml.etree import ElementDefaultClassLookup, ElementNamespaceClassLookup
from lxml.html import HtmlElement
from trafilatura.metadata import META_URL, examine_meta, extract_meta_json, extract_sitename, extract_title, extract_url
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import line_processing, load_html

from newsingest.extract.metadata import Fallback, page_metadata

EXTRACTOR_VERSION = trafilatura.__version__
# Share of the extracted characters in table rows above which the "table" is the page's layout grid.
LAYOUT_TABLE_SHARE = 0.5


def _html_class_lookup() -> ElementNamespaceClassLookup:
    """lxml.html's choice of Python class for each node (form elements their own classes, other elements
    HtmlElement, comments HtmlComment, ...) made in C. lxml.html makes it in a Python method
    (HtmlElementClassLookup.lookup) each time Python touches a node it has no object for: ~7,000 calls
    per page in trafilatura, readability and the metadata search, ~15% of a worker's CPU."""
    lookup = ElementNamespaceClassLookup(ElementDefaultClassLookup(
        element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity))
    lookup.get_namespace(None).update(lxml.html.HtmlElementClassLookup._default_element_classes)
    return lookup


# The parsers of every tree extraction reads: trafilatura's (its copies keep it) and lxml.html's default
# (metadata.py, readability's fragments). Same classes as before, so the same output.
for _parser in (trafilatura.utils.HTML_PARSER, lxml.html.html_parser):
    _parser.set_element_class_lookup(_html_class_lookup())


class _FallbackReadability(threading.local):
    """The text of the first readability run trafilatura's fallback comparison makes while this thread
    extracts a page (None if it makes none).

    The line model's vote is readability's text. In recall mode trafilatura compares its own text with
    readability's where its own is short (~60% of the development pages), on the page's tree less the comment
    sections and infinite-scroll containers it prunes. That run's text is the vote there; elsewhere readability
    runs on the whole tree. One run per page instead of two: ~2 ms of CPU per page, and the same held-out F1
    as votes from a run of our own everywhere (benchmarks/extraction_ablation.py)."""

    def __init__(self) -> None:
        self.recording = False
        self.text: str | None = None


_fallback = _FallbackReadability()
_trafilatura_readability = trafilatura.external.try_readability


def _recording_readability(tree: HtmlElement) -> HtmlElement:
    """trafilatura's try_readability, unchanged, keeping the first text it gives while a page is extracted."""
    found = _trafilatura_readability(tree)
    if _fallback.recording and _fallback.text is None:
        _fallback.text = " ".join(found.itertext())  # read now: trafilatura may clean it in place (sanitize_tree)
    return found


# compare_extraction looks try_readability up in its module at each call.
trafilatura.external.try_readability = _recording_readability


@contextmanager
def fallback_readability() -> Iterator[_FallbackReadability]:
    """Keep the text of the first readability run trafilatura's fallback comparison makes meanwhile."""
    _fallback.recording, _fallback.text = True, None
    try:
        yield _fallback
    finally:
        _fallback.recording = False


def readability_text(tree: HtmlElement) -> str:
    """What readability takes for the article, its paragraphs joined. It changes `tree`: call it last."""
    return " ".join(_trafilatura_readability(tree).itertext())


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
    readability_text: str  # what trafilatura's readability port takes for the article (_FallbackReadability)


@dataclass(slots=True)
class _FoundMetadata:
    """What trafilatura's `extract_metadata` finds, the same way, for the fields read here: the site name,
    and the title and date that page_metadata asks for only where the page's own markup has none."""

    tree: HtmlElement
    found: Document  # its metas and JSON-LD, and the page's address
    extensive_date_search: bool
    sitename: str | None

    def title(self) -> str | None:
        return _trimmed(self.found.title or extract_title(self.tree))

    def date(self) -> str | None:
        # Markup dates only (<time>, JSON-LD, meta, URL): the extensive search guesses from free text and
        # takes "(c) 2024" footers or dates in related-story boxes for the publication date.
        return _trimmed(find_date(self.tree, **set_date_params(extensive=self.extensive_date_search),
                                  url=self.found.url))


def _trimmed(value: str | None) -> str | None:
    """A field as trafilatura's Document.clean_and_trim leaves it."""
    if not isinstance(value, str):
        return value
    return line_processing(unescape(value if len(value) <= 10000 else value[:9999] + "…"))


def _found_metadata(tree: HtmlElement, url: str | None, options: HtmlOptions) -> _FoundMetadata:
    """trafilatura's metadata search without the fields it also searches that nothing here reads: its author
    search, categories, tags and licence took ~60% of its time (~20 ms of CPU per page, profiled), and
    `bare_extraction` ran all of it once more on a layout-table retry."""
    found = examine_meta(tree)
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # trafilatura's own guard: its JSON-LD reader has bugs on odd markup
        pass
    found.url = found.url or extract_url(tree, url)
    sitename = found.sitename or extract_sitename(tree)
    if sitename:
        # trafilatura's tidying: a Twitter handle loses its @, a bare name is capitalised
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    elif found.url and (match := META_URL.match(found.url)):
        sitename = match[1]
    return _FoundMetadata(tree, found, options.extensive_date_search, _trimmed(sitename))


def _bare_extraction(html: HtmlElement, url: str | None, options: HtmlOptions):
    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=False,  # _found_metadata reads the fields used
        # Reader comments are not the article; trafilatura keeps them unless told otherwise.
        include_comments=False,
        # deduplicate=True keeps a cache across calls, so a page's text would depend on pages seen before.
        deduplicate=False,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        no_fallback=options.no_fallback,
        include_tables=options.include_tables,
    )


def table_row_share(text: str) -> float:
    """Fraction of the characters of trafilatura's text that are in table rows ("| cell | cell |")."""
    rows = sum(len(line) for line in text.splitlines() if line.startswith("|"))
    return rows / len(text) if text else 0.0


def trafilatura_text(tree: HtmlElement, url: str | None, options: HtmlOptions) -> Document | None:
    """trafilatura's text of the page (its Document; `tree` is left as it was), or None."""
    document = _bare_extraction(tree, url, options)
    if options.include_tables and document is not None and table_row_share(document.text or "") > LAYOUT_TABLE_SHARE:
        # A page laid out with <table> (the pre-CSS way): trafilatura returns the whole layout grid as table
        # rows. Without tables, and without favor_precision (which then finds nothing), it finds the story.
        retry = _bare_extraction(tree, url, replace(options, include_tables=False, favor_precision=False))
        if retry is not None and (retry.text or "").strip():
            document = retry
    return document


def extract_html(html: str, url: str | None, options: HtmlOptions = HtmlOptions()) -> HtmlExtract | None:
    """Main text and metadata of a page, or None when trafilatura finds no article text in it."""
    # Parsed once: trafilatura extracts from copies of the tree, readability (which changes it) comes last.
    tree = load_html(html)
    if tree is None:
        return None
    with fallback_readability() as fallback:
        document = trafilatura_text(tree, url, options)
    if document is None or not (document.text or "").strip():
        return None
    found = _found_metadata(tree, url, options)
    metadata = page_metadata(html, url, Fallback(title=found.title, date=found.date))
    return HtmlExtract(
        text=document.text,
        title=metadata.title,
        author=metadata.author,
        date=metadata.published and metadata.published.isoformat(),
        language=document.language,
        sitename=found.sitename,
        canonical_url=metadata.canonical_url,
        readability_text=fallback.text if fallback.text is not None else readability_text(tree),
    )
