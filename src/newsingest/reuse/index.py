"""The earlier articles an article may draw text from, found through an index of word n-grams.

Each indexed article contributes a sample of its word n-grams (those whose hash falls in one slot of
`sample`, so two texts sample the same n-grams of the text they share). Articles are filed by UTC day
(published, else ingested); a day's n-grams sit in one sorted numpy array (each batch's merged in by one
linear pass), and a batch asks each day of its windows at once.
Days of earlier runs are read from the warehouse when a batch first needs them, like the stories stage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from newsingest.arrays import counted
from newsingest.records import DatedText, day_number
from newsingest.reuse.align import sorted_matches
from newsingest.reuse.words import Words, gram_hashes, words

RESTORED = -1  # arrival number of articles read from the warehouse: they arrived before this run's


@dataclass(frozen=True, slots=True)
class ReuseSettings:
    seed_words: int = 4  # n-gram size of the index and of alignment seeds
    sample: int = 4  # index one n-gram in `sample` (by hash)
    min_shared: int = 3  # sampled n-grams a candidate must share with the article, and at least
    min_shared_share: float = 0.12  # this share of them (unrelated texts share a few stock phrases)
    max_candidates: int = 20  # candidates aligned per article, those sharing the most n-grams
    max_postings: int = 100  # an n-gram in more of a day's articles than this (a stock phrase) finds none of them
    min_words: int = 6  # shortest passage that counts as taken (cross-validated: benchmarks/reuse_quality.py)
    min_added_share: float = 0.1  # a source counts when its passages add this share of the article's words
    partially: float = 0.2  # the article's words from all its sources: from this share on, partially derived
    wholly: float = 0.65  # and from this share on, wholly derived (both cross-validated likewise)
    window_days: int = 3  # sources published up to this many days before the article
    # Days of articles held in memory at most (the longest unused leave first; read again when needed): a
    # batch's windows span window_days + 1 days and a few more for copies dated later. ~12 KB an article
    # (its words' hashes and spans, sampled n-grams): 14 days of the 100k benchmark corpus held ~1 GB.
    memory_days: int = 7


@dataclass(frozen=True, slots=True)
class Indexed:
    """An article that may be a source: its words, when it is dated, and its arrival number."""

    id: str
    anchor: datetime
    arrival: int
    words: Words

    def before(self, anchor: datetime, arrival: int) -> bool:
        return self.anchor < anchor or (self.anchor == anchor and self.arrival < arrival)


def sampled_grams(article_words: Words, settings: ReuseSettings) -> np.ndarray:
    grams = gram_hashes(article_words.hashes, settings.seed_words)
    return np.unique(grams[(grams >> np.uint64(56)) % np.uint64(settings.sample) == 0])


@dataclass(slots=True)
class _Day:
    articles: list[Indexed] = field(default_factory=list)
    grams: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))  # its articles' sampled n-grams, sorted
    owners: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # the article of each n-gram

    def add(self, added: list[Indexed], settings: ReuseSettings) -> None:
        first = len(self.articles)
        self.articles.extend(added)
        grams = [sampled_grams(a.words, settings) for a in added]
        owners = np.repeat(np.arange(first, first + len(added), dtype=np.int32), [len(g) for g in grams])
        grams = np.concatenate(grams) if grams else np.zeros(0, np.uint64)
        order = np.argsort(grams, kind="stable")
        # Merged in one linear pass, after equal n-grams (earlier articles stay first): one array a day, not a
        # segment per batch, so a batch's queries search each day once (with full windows, searching a day's
        # several segments was most of the stage), and no merge re-sorts the day.
        at = np.searchsorted(self.grams, grams[order], side="right")
        self.grams, self.owners = np.insert(self.grams, at, grams[order]), np.insert(self.owners, at, owners[order])

    def shared(self, grams: np.ndarray, askers: np.ndarray, needed: np.ndarray, max_postings: int
               ) -> tuple[np.ndarray, ...]:
        """(asker, article of the day, n-grams they share) for every pair sharing at least `needed[asker]` of
        `grams` (sorted: queries in order run faster), whose askers are given in `askers`."""
        size = len(self.articles)
        asked, positions = sorted_matches(self.grams, grams, max_postings)
        pairs = askers[asked].astype(np.int64) * size + self.owners[positions]
        keys, counts = counted(pairs, len(needed) * size, at_least=int(needed.min()))
        who, owner = np.divmod(keys, size)
        enough = counts >= needed[who]
        return who[enough], owner[enough], counts[enough]


class ReuseIndex:
    """Earlier articles by day, and which days were read from the warehouse."""

    def __init__(self, settings: ReuseSettings = ReuseSettings(), complete: bool = False):
        self.settings = settings
        self.complete = complete  # every article is added here (rededup's replay): nothing to read
        self._days: dict[int, _Day] = {}
        self._loaded: set[int] = set()
        self._dropped: set[int] = set()  # days evicted: what this run added of them is in the warehouse only
        self._last_used: dict[int, int] = {}
        # The version of each article held: this run's replaces one read from the warehouse (a reprocessed
        # text), whose entry then stays in its segment but is no longer a candidate.
        self._current: dict[str, Indexed] = {}
        self._wanted: set[int] = set()  # the days the last batch asked about: never evicted while it is decided
        self._arrivals = 0
        self._uses = 0

    def window(self, anchor: datetime) -> range:
        day = day_number(anchor)
        return range(day - self.settings.window_days, day + 1)

    def missing_days(self, anchors: Iterable[datetime]) -> list[date]:
        """Days within the anchors' windows never read from the warehouse."""
        if self.complete:
            return []
        self._wanted = {day for anchor in anchors for day in self.window(anchor)}
        return [date.fromordinal(day) for day in sorted(self._wanted - self._loaded)]

    def dropped(self, days: list[date]) -> list[date]:
        """Of these days, those this index held and evicted."""
        return [day for day in days if day.toordinal() in self._dropped]

    def load(self, days: list[date], stored: Iterable[DatedText]) -> None:
        """Articles of these days, from the warehouse; those held already are kept."""
        self._loaded.update(day.toordinal() for day in days)
        self._file([Indexed(article.id, article.anchor, RESTORED, words(article.text)) for article in stored
                    if article.id not in self._current])
        self._evict()

    def arrival(self) -> int:
        """The next arrival number of this run."""
        self._arrivals += 1
        return self._arrivals

    def add(self, articles: list[Indexed]) -> None:
        self._file(articles)

    def _file(self, articles: list[Indexed]) -> None:
        by_day: dict[int, list[Indexed]] = {}
        for article in articles:
            by_day.setdefault(day_number(article.anchor), []).append(article)
            self._current[article.id] = article
        for day, added in by_day.items():
            self._days.setdefault(day, _Day()).add(added, self.settings)

    def candidates(self, batch: list[Indexed]) -> list[list[Indexed]]:
        """For each article, the earlier articles (other than itself) in its window sharing the most sampled
        n-grams with it. The whole batch asks each segment at once: one searchsorted per segment and day."""
        settings = self.settings
        grams = [sampled_grams(article.words, settings) for article in batch]
        needed = np.array([max(settings.min_shared, math.ceil(settings.min_shared_share * len(g))) for g in grams])
        queries = np.concatenate(grams) if grams else np.zeros(0, np.uint64)
        order = np.argsort(queries, kind="stable")
        askers = np.repeat(np.arange(len(batch)), [len(g) for g in grams])[order]
        days = {article.id: self.window(article.anchor) for article in batch}
        self._uses += 1
        found: list[list[tuple[int, Indexed]]] = [[] for _ in batch]
        for day in sorted({day for window in days.values() for day in window}):
            held = self._days.get(day)
            if held is None:
                continue
            self._last_used[day] = self._uses
            who, owner, counts = held.shared(queries[order], askers, needed, settings.max_postings)
            for asker, position, count in zip(who.tolist(), owner.tolist(), counts.tolist()):
                article, source = batch[asker], held.articles[position]
                if day in days[article.id] and source.id != article.id and self._current.get(source.id) is source \
                        and source.before(article.anchor, article.arrival):
                    found[asker].append((count, source))
        for pairs in found:
            pairs.sort(key=lambda pair: (-pair[0], pair[1].anchor, pair[1].arrival))
        return [[source for _, source in pairs[:settings.max_candidates]] for pairs in found]

    def forget_before(self, day: int) -> None:
        """Drop the days before `day` (rededup's replay moves forward in time)."""
        for old in [d for d in self._days if d < day]:
            self._drop(old)

    def _evict(self) -> None:
        held = sorted((d for d in self._days if d not in self._wanted), key=lambda d: self._last_used.get(d, 0))
        while len(self._days) > self.settings.memory_days and held:
            self._drop(held.pop(0))

    def _drop(self, day: int) -> None:
        for article in self._days.pop(day).articles:
            if self._current.get(article.id) is article:
                del self._current[article.id]
        self._loaded.discard(day)
        self._dropped.add(day)
        self._last_used.pop(day, None)
