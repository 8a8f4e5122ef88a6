"""URL normalisation: the canonical form of a URL drives article ids and URL-level deduplication."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

AMP_PATH = re.compile(r"/amp/?$|/amp(?=/)|\.amp(?=\.html?$|$)", re.IGNORECASE)
AMP_QUERY = re.compile(r"(^|&)(amp|outputType=amp)(=[^&]*)?(?=&|$)", re.IGNORECASE)
# www., mobile and AMP hosts serve the same article as the bare domain.
VARIANT_HOST = re.compile(r"^(?:www|m|mobile|amp)\.", re.IGNORECASE)


def canonical_url(url: str | None) -> str | None:
    """Lower-cased host, no default port, fragment or tracking parameters (courlan), no www/AMP/mobile
    variant and no trailing slash: a key that equal articles share, not always a URL to click.

    Returns None for anything that is not an absolute http(s) URL.
    """
    if not url:
        return None
    try:
        normalised = normalize_url(url.strip(), strict=True)
    except ValueError:
        return None
    parts = urlsplit(normalised)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = VARIANT_HOST.sub("", parts.netloc)
    path = AMP_PATH.sub("", parts.path).rstrip("/") or "/"
    query = AMP_QUERY.sub("", parts.query).lstrip("&")
    return urlunsplit(("https" if parts.scheme == "https" else "http", host, path, query, ""))


def source_host(url: str | None) -> str | None:
    """The outlet a URL belongs to: its host without a leading "www."."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def link_url(url: str) -> str | None:
    """The URL to request for a discovered link: courlan-normalised (lower-case scheme and host, no
    default port, sorted query without tracking parameters) and without fragment. Two links that differ
    only in those ways are one page, fetched once and given one id; None if not absolute http(s)."""
    try:
        normalised = normalize_url(url.strip())
    except ValueError:
        return None
    parts = urlsplit(normalised)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
