"""XML sitemaps, sitemap indexes and Google News sitemaps, parsed with a hardened lxml parser."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from newsingest.sources.feeds import SNIFF_BYTES, Link

SITEMAP_ROOT = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(urlset|sitemapindex)\b")
GZIP_MAGIC = b"\x1f\x8b"


class SitemapError(ValueError):
    pass


@dataclass(slots=True)
class Sitemap:
    links: list[Link] = field(default_factory=list)  # <urlset> entries
    children: list[str] = field(default_factory=list)  # <sitemapindex> entries: more sitemaps


def _parser() -> etree.XMLParser:
    # No entities, DTDs or network: a sitemap is data from strangers (XXE, billion laughs).
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def gunzip_limited(body: bytes, max_bytes: int) -> bytes:
    """`.xml.gz` sitemaps arrive gzipped in the body; the size limit holds for the decompressed bytes."""
    if not body.startswith(GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise SitemapError(f"cannot gunzip: {exc}") from exc
    if len(data) > max_bytes:
        raise SitemapError(f"larger than the {max_bytes:,}-byte limit once decompressed")
    return data


def sitemap_kind(body: bytes) -> str | None:
    """"urlset", "sitemapindex" or None."""
    found = SITEMAP_ROOT.search(body[:SNIFF_BYTES])
    return found.group(1).decode() if found else None


def _text(element: etree._Element, path: str) -> str | None:
    found = element.find(path)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def parse_sitemap(body: bytes, base_url: str) -> Sitemap:
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not well-formed XML: {exc}") from exc
    sitemap = Sitemap()
    if etree.QName(root).localname == "sitemapindex":
        sitemap.children = [urljoin(base_url, loc) for node in root.iterfind("{*}sitemap")
                            if (loc := _text(node, "{*}loc"))]
        return sitemap
    for node in root.iterfind("{*}url"):
        loc = _text(node, "{*}loc")
        if not loc:
            continue
        # Google News sitemaps carry title and publication date; plain ones only lastmod (not a pub date).
        news = node.find("{*}news")
        sitemap.links.append(Link(
            url=urljoin(base_url, loc),
            title=_text(news, "{*}title") if news is not None else None,
            published=_text(news, "{*}publication_date") if news is not None else None))
    return sitemap
