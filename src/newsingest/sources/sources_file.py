"""Sources files (TOML): the outlets to pull, each with its feeds, sitemaps and article URLs and its own
politeness settings. See samples/sources.toml and the README's "Fetching from the web" ("Sources files")."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from newsingest.urls import source_host

SOURCE_KEYS = {"feeds", "sitemaps", "urls", "min_delay", "concurrency", "max_articles"}


class SourcesFileError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet: a `[sources.NAME]` table, or a URL input (source_for_url). Its state (validators,
    discovered links) is kept under its name, the `source` column of the fetch tables."""

    name: str
    seeds: tuple[str, ...]  # feed, sitemap or article URLs; which one each is, its response tells
    min_delay: float | None = None  # seconds between requests to this outlet's hosts
    concurrency: int | None = None  # parallel requests per host
    max_articles: int | None = None  # article fetches per run; the rest wait for the next run


def source_for_url(url: str) -> Outlet:
    """A URL given on the command line is a source of its own, named after its host."""
    return Outlet(name=source_host(url) or url, seeds=(url,))


def _number(name: str, key: str, value, kind: type, minimum: float):
    if value is None:
        return None
    # nan slipped past `< minimum` (and hung the fetcher), inf overflowed deep inside it.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)) \
            or not math.isfinite(value) or value < minimum:
        raise SourcesFileError(f"source '{name}': {key} must be a finite {kind.__name__} >= {minimum}, got {value!r}")
    return kind(value)


def _urls(name: str, key: str, value) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.startswith(("http://", "https://"))
                                              for v in value):
        raise SourcesFileError(f"source '{name}': {key} must be a list of http(s) URLs")
    return tuple(value)


def parse_sources(text: str) -> list[Outlet]:
    """`[sources.NAME]` tables with feeds/sitemaps/urls lists and optional settings. Unknown keys and
    sources without any URL are errors: a typo must not silently turn a source off."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesFileError(f"not valid TOML: {exc}") from exc
    tables = document.get("sources")
    if not isinstance(tables, dict) or not tables or set(document) - {"sources"}:
        raise SourcesFileError("expected only [sources.NAME] tables, at least one")
    sources = []
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise SourcesFileError(f"source '{name}' must be a table")
        unknown = set(table) - SOURCE_KEYS
        if unknown:
            raise SourcesFileError(f"source '{name}': unknown keys {sorted(unknown)}; known: {sorted(SOURCE_KEYS)}")
        seeds = tuple(dict.fromkeys(_urls(name, "feeds", table.get("feeds")) + _urls(name, "sitemaps", table.get("sitemaps"))
                                    + _urls(name, "urls", table.get("urls"))))
        if not seeds:
            raise SourcesFileError(f"source '{name}' lists no feeds, sitemaps or urls")
        sources.append(Outlet(
            name=name, seeds=seeds,
            min_delay=_number(name, "min_delay", table.get("min_delay"), float, 0),
            concurrency=_number(name, "concurrency", table.get("concurrency"), int, 1),
            max_articles=_number(name, "max_articles", table.get("max_articles"), int, 0)))
    return sources


def load_sources(path: Path) -> list[Outlet]:
    try:
        return parse_sources(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"cannot read {path}: {exc}") from exc
