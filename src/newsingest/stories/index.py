"""The story index: recent articles' term weights by day, corpus statistics, and the story each belongs to.

An article joins the story of its most similar article published within the time window (single link),
when the TF-IDF cosine reaches the threshold; otherwise it starts a story of its own, whose id is its own
id. Stories never merge and ids never change, so a story id seen in the warehouse stays valid.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import repeat

import numpy as np

from newsingest.arrays import spans
from newsingest.stories.features import FeatureSettings, TermWeights
from newsingest.records import day_number


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Chosen on tests/fixtures/stories with benchmarks/story_quality.py (README: Stories vs duplicates)."""

    # Reports of one event appear within days of each other; the window also keeps the cost per
    # article bounded by the news volume of a week, not by the size of the warehouse.
    window_days: float = 3.0
    # TF-IDF cosine to the closest article of a story at or above which an article joins that story: the
    # middle of the plateau 0.28-0.36 where both arrival orders of the labelled set score F1 0.985.
    threshold: float = 0.32
    # IDF counts the corpus as this many documents larger than it is: in a young warehouse every term is
    # "frequent" (two articles of one story make their shared names look common), so without a prior the
    # first reports of a story would be kept apart by the very names they share.
    prior_documents: int = 50
    # Candidates are the window's articles sharing one of a newcomer's this-many highest-weighted terms.
    candidate_terms: int = 10
    # On a heavy news day one name can head thousands of articles; only the candidates sharing the most of
    # the newcomer's top terms are scored, so a query costs the same on any day. 50, not 150: on the
    # benchmark corpus, where nearly every query reaches the cap, fewer candidates meant fewer chance matches
    # above the threshold and less CPU, recall unchanged (the table in README "Stories vs duplicates").
    max_candidates: int = 50
    # ... and a name heading thousands of a day's articles would make finding them cost more than scoring
    # them: of one term's articles on one day, only the latest this many are looked up. A big event's
    # reports are many and alike, so its latest ones are as good a match as any. (50 was cheaper still, but
    # less precise: the same table.)
    postings_per_day: int = 100
    # Cached TF-IDF vectors of indexed articles are recomputed when the corpus grew this much since: 5% more
    # documents move every IDF by log(1.05) = 0.05 (IDFs are 1 to ~12), while recomputing a day's vectors
    # every 1% was a third of the stage's cost.
    vector_refresh_growth: float = 0.05
    # Days of articles kept in memory; a long backfill forgets the least recently needed ones (they are
    # read again from the warehouse if a later batch needs them), so memory stays bounded: ~7 KB per
    # article (term columns and postings), so two weeks of 5,000 articles a day hold ~0.5 GB.
    memory_days: int = 14
    features: FeatureSettings = field(default_factory=FeatureSettings)


@dataclass(frozen=True, slots=True, eq=False)
class Member:
    """What the index remembers of an article: enough to compare a newcomer with it."""

    article_id: str
    story_id: str
    anchor: datetime  # published_at, or ingest time when the article has no date
    terms: np.ndarray  # term ids (CorpusStatistics.term_ids), each once
    weights: np.ndarray  # float32 term frequencies, aligned with terms (features.term_weights)


class CorpusStatistics:
    """Document frequencies of terms over every distinct article landed so far, for IDF.

    Terms are numbered as they are first seen, so vectors are arrays of term ids and weights: comparing
    an article with hundreds of candidates is then a few array operations, not a Python loop per term.
    """

    def __init__(self, documents: int = 0, frequencies: Iterable[tuple[str, int]] = (), prior_documents: int = 0):
        self.documents = documents
        self.prior_documents = prior_documents
        self.vocabulary: dict[str, int] = {}
        self._frequencies = np.zeros(1024, dtype=np.int64)  # by term id; grown as the vocabulary grows
        pairs = list(frequencies)
        ids = self.term_ids(term for term, _ in pairs)  # first: it grows the array
        self._frequencies[ids] = [count for _, count in pairs]

    def term_ids(self, terms: Iterable[str]) -> np.ndarray:
        vocabulary, terms = self.vocabulary, list(terms)
        ids = list(map(vocabulary.get, terms, repeat(-1)))  # a C loop: this runs for every article of a run
        for position in [i for i, known_id in enumerate(ids) if known_id < 0]:  # never seen: number in order
            ids[position] = vocabulary.setdefault(terms[position], len(vocabulary))
        ids = np.array(ids, dtype=np.int32)
        if len(vocabulary) > len(self._frequencies):
            grown = np.zeros(2 * len(vocabulary), dtype=np.int64)
            grown[:len(self._frequencies)] = self._frequencies
            self._frequencies = grown
        return ids

    def add(self, terms: np.ndarray) -> None:
        """One more document, having these (distinct) term ids."""
        self.documents += 1
        self._frequencies[terms] += 1

    def idf(self, terms: np.ndarray) -> np.ndarray:
        # Smoothed, so a term never seen before weighs like one seen once, and no weight is zero.
        total = 1 + self.prior_documents + self.documents
        return np.log(total / (1 + self._frequencies[terms])) + 1.0


def order_key(article_id: str) -> int:
    """A number that orders article ids the same way in every process (str hashes differ per process)."""
    return int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True, slots=True)
class Neighbour:
    """The indexed article closest to a newcomer, and their cosine."""

    article_id: str
    story_id: str
    similarity: float


class _Column:
    """A numpy array grown by doubling, so appending an article's terms costs their number, not the day's."""

    def __init__(self, dtype: type):
        self._data = np.empty(1024, dtype=dtype)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > len(self._data):
            grown = np.empty(max(end, 2 * len(self._data)), dtype=self._data.dtype)
            grown[:self.size] = self._data[:self.size]
            self._data = grown
        self._data[self.size:end] = values
        self.size = end

    @property
    def values(self) -> np.ndarray:
        return self._data[:self.size]


class DayMembers:
    """The indexed articles of one UTC day, column by column: a newcomer's candidates are found, filtered
    and scored with array operations, and forgetting a day is dropping this object.

    Article i of the day has the terms `terms[offsets[i]:offsets[i + 1]]` with their weights and TF-IDF
    unit-vector values alongside; `postings` maps a term id to the articles (positions) having it.
    """

    def __init__(self) -> None:
        self.article_ids: list[str] = []
        self.story_ids: list[str] = []
        self.anchors = _Column(np.float64)  # POSIX seconds
        self.order_keys = _Column(np.uint64)  # order_key of each article id
        self.offsets = _Column(np.int64)
        self.offsets.extend(np.zeros(1, dtype=np.int64))
        self.terms = _Column(np.int32)
        self.weights = _Column(np.float32)
        self.unit = _Column(np.float32)
        self.unit_at = -1  # corpus size the oldest unit vectors of the day were computed with
        # array('i'), not list: 4 bytes an entry instead of 8, and a day holds ~340 entries per article
        self.postings: dict[int, array[int]] = defaultdict(lambda: array("i"))

    def __len__(self) -> int:
        return len(self.article_ids)

    def add(self, member: Member, unit: np.ndarray, documents: int) -> None:
        position = len(self.article_ids)
        self.article_ids.append(member.article_id)
        self.story_ids.append(member.story_id)
        self.anchors.extend(np.array([member.anchor.timestamp()]))
        self.order_keys.extend(np.array([order_key(member.article_id)], dtype=np.uint64))
        self.terms.extend(member.terms)
        self.weights.extend(member.weights)
        self.unit.extend(unit)
        self.offsets.extend(np.array([self.terms.size]))
        if self.unit_at < 0:
            self.unit_at = documents
        postings = self.postings
        for term in member.terms.tolist():
            postings[term].append(position)

    def refresh(self, statistics: CorpusStatistics) -> None:
        """Every article's unit vector again, under the current IDF."""
        vector = self.weights.values * statistics.idf(self.terms.values).astype(np.float32)
        lengths = np.diff(self.offsets.values)
        # bincount, not reduceat: an article without terms is an empty segment, which reduceat mishandles.
        squares = np.bincount(np.repeat(np.arange(len(lengths)), lengths), weights=vector * vector,
                              minlength=len(lengths))
        norms = np.sqrt(squares, dtype=np.float32)
        self.unit.values[:] = vector / np.repeat(np.where(norms > 0, norms, 1.0), lengths)
        self.unit_at = statistics.documents

    def sharing(self, terms: list[int], anchor: float, window: float, latest: int) -> np.ndarray:
        """Positions of the day's articles within the window of `anchor` having one of `terms`, once per
        shared term; of each term's articles only the `latest` added."""
        postings = self.postings
        # Each slice is a copy (the postings themselves grow, so no numpy view may hold their buffers), read
        # whole by frombuffer: iterating them boxed every position.
        found = [np.frombuffer(postings[term][-latest:], dtype=np.int32) for term in terms if term in postings]
        found = np.concatenate(found) if found else np.zeros(0, dtype=np.int32)
        return found[np.abs(self.anchors.values[found] - anchor) <= window]

    def elements(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Indexes into the term columns of these articles, concatenated, and each article's length."""
        offsets = self.offsets.values
        starts, lengths = offsets[positions], offsets[positions + 1] - offsets[positions]
        return spans(starts, lengths), lengths


class StoryIndex:
    def __init__(self, settings: StorySettings = StorySettings(), statistics: CorpusStatistics | None = None):
        self.settings = settings
        self.statistics = statistics or CorpusStatistics(prior_documents=settings.prior_documents)
        self.window = timedelta(days=settings.window_days)
        self.days: dict[int, DayMembers] = {}  # candidates come from the window's days only
        self.members: dict[str, int] = {}  # indexed article id -> its day
        self.story_of: dict[str, str] = {}  # article id -> story id, also for articles not indexed
        self.loaded_days: set[int] = set()
        self._last_needed: dict[int, int] = {}  # day -> number of the latest batch that needed it
        self._batches = 0
        # scratch: the query's vector spread over the vocabulary, zero between queries
        self._query = np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.members)

    def term_vector(self, weights: TermWeights) -> tuple[np.ndarray, np.ndarray]:
        """Term ids and float32 weights of features.term_weights (the weights read in place, not copied)."""
        return self.statistics.term_ids(weights.term_list()), weights.array()

    def days_around(self, anchor: datetime) -> range:
        return range(day_number(anchor - self.window), day_number(anchor + self.window) + 1)

    def missing_days(self, anchors: Iterable[datetime]) -> list[date]:
        """Days within the window of a batch's anchors whose articles are not loaded (any more); makes room
        for them by forgetting the days needed longest ago."""
        needed = {day for anchor in anchors for day in self.days_around(anchor)}
        self._batches += 1
        self._last_needed.update(dict.fromkeys(needed, self._batches))
        self._forget(len(self.loaded_days | needed) - self.settings.memory_days, keep=needed)
        return [date.fromordinal(day) for day in sorted(needed - self.loaded_days)]

    def _forget(self, count: int, keep: set[int]) -> None:
        for day in sorted(self.loaded_days - keep, key=self._last_needed.__getitem__)[:max(0, count)]:
            self.loaded_days.discard(day)
            for article_id in self.days.pop(day, DayMembers()).article_ids:
                self.members.pop(article_id, None)
                self.story_of.pop(article_id, None)

    def load(self, days: Iterable[date], members: Iterable[Member]) -> None:
        """Members restored from the warehouse for these days; the days count as loaded from now on."""
        self.loaded_days.update(day.toordinal() for day in days)
        for member in members:
            self.add(member)

    def add(self, member: Member) -> None:
        self.story_of[member.article_id] = member.story_id
        if member.article_id in self.members:
            return
        day = day_number(member.anchor)
        self.members[member.article_id] = day
        if day not in self.days:
            self.days[day] = DayMembers()
        self.days[day].add(member, self._unit_vector(member.terms, member.weights).astype(np.float32),
                           self.statistics.documents)

    def _unit_vector(self, terms: np.ndarray, weights: np.ndarray) -> np.ndarray:
        vector = weights * self.statistics.idf(terms)
        norm = np.sqrt(vector @ vector)
        return vector / norm if norm else vector

    def _fresh(self, day: DayMembers) -> DayMembers:
        """The day with unit vectors recomputed when the corpus grew (or shrank) by the refresh share since:
        IDF moves slowly, and recomputing them for every new article made a day's cost quadratic."""
        documents = self.statistics.documents
        if documents < day.unit_at or documents > day.unit_at * (1 + self.settings.vector_refresh_growth):
            day.refresh(self.statistics)
        return day

    def _candidates(self, terms: np.ndarray, query: np.ndarray, anchor: datetime) -> list[tuple[DayMembers, np.ndarray]]:
        """Articles within the window sharing one of the query's most distinctive terms, by day.

        Reports of one event share its names, which are among each report's top terms; looking up only
        those keeps common words (long posting lists) out of the search.
        """
        top = terms[np.argsort(-query, kind="stable")[:self.settings.candidate_terms]].tolist()
        seconds, window = anchor.timestamp(), self.window.total_seconds()
        days = [self.days[day] for day in self.days_around(anchor) if day in self.days]
        if not days:
            return []
        latest = self.settings.postings_per_day
        # The window's days end to end (day k's positions from bases[k] on): one count of the shared terms
        # for all of them, not one per day.
        sizes = np.array([len(day) for day in days], dtype=np.int64)
        bases = np.cumsum(sizes) - sizes
        found, shared = np.unique(np.concatenate([day.sharing(top, seconds, window, latest) + base
                                                  for day, base in zip(days, bases)]), return_counts=True)
        if len(found) > self.settings.max_candidates:
            found = found[self._most_shared(days, bases, found, shared)]
        by_day = np.split(found, np.searchsorted(found, bases[1:]))
        return [(self._fresh(day), positions - base) for day, base, positions in zip(days, bases, by_day)
                if len(positions)]

    def _most_shared(self, days: list[DayMembers], bases: np.ndarray, found: np.ndarray, shared: np.ndarray
                     ) -> np.ndarray:
        """Of too many candidates (`found`, positions in the days end to end), those sharing the most top terms,
        as a mask. Ties go by a hash of the article id, so a replay, whose days hold their articles in another
        order, chooses the same."""
        by_day = np.split(found, np.searchsorted(found, bases[1:]))
        order = np.concatenate([day.order_keys.values[positions - base]
                                for day, base, positions in zip(days, bases, by_day)])
        chosen = np.zeros(len(shared), dtype=bool)
        chosen[np.lexsort((order, -shared))[:self.settings.max_candidates]] = True
        return chosen

    def _cosines(self, terms: np.ndarray, query: np.ndarray, candidates: list[tuple[DayMembers, np.ndarray]]
                 ) -> np.ndarray:
        """Cosine of the query with each candidate: the query is spread over a vocabulary-sized scratch
        array, so each candidate's dot product is a lookup of its own terms there, summed by segment.
        All float32: mixing in float64 made the products 5x slower. A candidate shares a term with the
        query (postings), so no segment is empty."""
        if len(self._query) < len(self.statistics.vocabulary):
            self._query = np.zeros(2 * len(self.statistics.vocabulary), dtype=np.float32)
        self._query[terms] = query
        products, lengths = [], []
        for day, positions in candidates:
            index, day_lengths = day.elements(positions)
            products.append(self._query[day.terms.values[index]] * day.unit.values[index])
            lengths.append(day_lengths)
        self._query[terms] = 0.0
        lengths = np.concatenate(lengths)
        return np.add.reduceat(np.concatenate(products), np.cumsum(lengths) - lengths)

    def closest(self, terms: np.ndarray, weights: np.ndarray, anchor: datetime) -> Neighbour | None:
        """The indexed article most similar to these term weights within the window, with its cosine."""
        query = self._unit_vector(terms, weights)
        candidates = self._candidates(terms, query, anchor)
        if not candidates:
            return None
        cosines = self._cosines(terms, query, candidates)
        best = cosines.max()
        # Ties go to the older article, then the smaller id, so replays decide the same way.
        members = [(day, position) for day, positions in candidates for position in positions.tolist()]
        tied = [members[i] for i in np.flatnonzero(cosines == best).tolist()]
        day, position = min(tied, key=lambda m: (m[0].anchors.values[m[1]], m[0].article_ids[m[1]]))
        return Neighbour(day.article_ids[position], day.story_ids[position], float(best))
