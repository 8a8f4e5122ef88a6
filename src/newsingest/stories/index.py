"""The story index: recent articles' term weights by day, corpus statistics, and the story each belongs to.

An article joins the story of its most similar article published within the time window (single link),
when the TF-IDF cosine reaches the threshold; otherwise it starts a story of its own, whose id is its own
id. Stories never merge and ids never change, so a story id seen in the warehouse stays valid.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import repeat

import numpy as np

from newsingest.stories.features import FeatureSettings, TermWeights


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
    # the newcomer's top terms are scored, so a query costs the same on any day.
    max_candidates: int = 300
    # Cached TF-IDF vectors of indexed articles are recomputed when the corpus grew this much since: IDF
    # moves slowly, and recomputing them for every new article made a day's cost quadratic.
    vector_refresh_growth: float = 0.01
    # Days of articles kept in memory; a long backfill forgets the least recently needed ones (they are
    # read again from the warehouse if a later batch needs them), so memory stays bounded.
    memory_days: int = 60
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
        if -1 in ids:  # terms never seen: number them in order
            ids = [vocabulary.setdefault(term, len(vocabulary)) for term in terms]
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


def day_of(moment: datetime) -> int:
    """The UTC day of a moment, as an ordinal: the unit the index loads and searches by."""
    return moment.astimezone(UTC).date().toordinal()


class StoryIndex:
    def __init__(self, settings: StorySettings = StorySettings(), statistics: CorpusStatistics | None = None):
        self.settings = settings
        self.statistics = statistics or CorpusStatistics(prior_documents=settings.prior_documents)
        self.window = timedelta(days=settings.window_days)
        self.members: dict[str, Member] = {}
        self.story_of: dict[str, str] = {}  # article id -> story id, also for articles not indexed
        # day -> term id -> members of that day having the term: candidates come from the window's days only.
        self.postings: dict[int, dict[int, list[Member]]] = defaultdict(lambda: defaultdict(list))
        self.loaded_days: set[int] = set()
        self._last_needed: dict[int, int] = {}  # day -> number of the latest batch that needed it
        self._batches = 0
        self._vectors: dict[str, np.ndarray] = {}  # article id -> TF-IDF unit vector (aligned with its terms)
        self._vectors_at = -1  # the corpus size the cached vectors were computed with
        # scratch: the query's vector spread over the vocabulary, zero between queries
        self._query = np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.members)

    def term_vector(self, weights: TermWeights) -> tuple[np.ndarray, np.ndarray]:
        """Term ids and float32 weights of features.term_weights (the weights read in place, not copied)."""
        return self.statistics.term_ids(weights.term_list()), weights.array()

    def days_around(self, anchor: datetime) -> range:
        return range(day_of(anchor - self.window), day_of(anchor + self.window) + 1)

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
            for members in self.postings.pop(day, {}).values():
                for member in members:
                    self.members.pop(member.article_id, None)
                    self.story_of.pop(member.article_id, None)
                    self._vectors.pop(member.article_id, None)

    def load(self, days: Iterable[date], members: Iterable[Member]) -> None:
        """Members restored from the warehouse for these days; the days count as loaded from now on."""
        self.loaded_days.update(day.toordinal() for day in days)
        for member in members:
            self.add(member)

    def add(self, member: Member) -> None:
        self.story_of[member.article_id] = member.story_id
        if member.article_id in self.members:
            return
        self.members[member.article_id] = member
        day = self.postings[day_of(member.anchor)]
        for term in member.terms.tolist():
            day[term].append(member)

    def _unit_vector(self, terms: np.ndarray, weights: np.ndarray) -> np.ndarray:
        vector = weights * self.statistics.idf(terms)
        norm = np.sqrt(vector @ vector)
        return vector / norm if norm else vector

    def _member_vector(self, member: Member) -> np.ndarray:
        """The member's TF-IDF unit vector under the current statistics, cached until they change."""
        documents = self.statistics.documents
        if documents < self._vectors_at or documents > self._vectors_at * (1 + self.settings.vector_refresh_growth):
            self._vectors.clear()
            self._vectors_at = documents
        vector = self._vectors.get(member.article_id)
        if vector is None:
            # float32, like the stored weights: the cache holds a vector per indexed article.
            vector = self._unit_vector(member.terms, member.weights).astype(np.float32)
            self._vectors[member.article_id] = vector
        return vector

    def _candidates(self, terms: np.ndarray, query: np.ndarray, anchor: datetime) -> list[Member]:
        """Articles within the window sharing one of the query's most distinctive terms.

        Reports of one event share its names, which are among each report's top terms; looking up only
        those keeps common words (long posting lists) out of the search.
        """
        top = terms[np.argsort(-query, kind="stable")[:self.settings.candidate_terms]].tolist()
        found: dict[str, Member] = {}
        shared: Counter[str] = Counter()
        for day in self.days_around(anchor):
            postings = self.postings.get(day)
            if not postings:
                continue
            for term in top:
                for member in postings.get(term, ()):
                    if abs(member.anchor - anchor) <= self.window:
                        found[member.article_id] = member
                        shared[member.article_id] += 1
        if len(found) <= self.settings.max_candidates:
            return list(found.values())
        ranked = sorted(found, key=lambda article_id: (-shared[article_id], article_id))
        return [found[article_id] for article_id in ranked[: self.settings.max_candidates]]

    def _cosines(self, terms: np.ndarray, query: np.ndarray, candidates: list[Member]) -> np.ndarray:
        """Cosine of the query with each candidate: the query is spread over a vocabulary-sized scratch
        array, so each candidate's dot product is a lookup of its own terms there, summed by segment.
        All float32: mixing in float64 made the products 5x slower. A candidate shares a term with the
        query (postings), so no segment is empty."""
        if len(self._query) < len(self.statistics.vocabulary):
            self._query = np.zeros(2 * len(self.statistics.vocabulary), dtype=np.float32)
        vectors = [self._member_vector(member) for member in candidates]
        starts = np.cumsum([0] + [len(vector) for vector in vectors[:-1]])
        self._query[terms] = query
        products = self._query[np.concatenate([member.terms for member in candidates])] * np.concatenate(vectors)
        self._query[terms] = 0.0
        return np.add.reduceat(products, starts)

    def closest(self, terms: np.ndarray, weights: np.ndarray, anchor: datetime) -> tuple[Member, float] | None:
        """The indexed article most similar to these term weights within the window, with its cosine."""
        query = self._unit_vector(terms, weights)
        candidates = self._candidates(terms, query, anchor)
        if not candidates:
            return None
        cosines = self._cosines(terms, query, candidates)
        best = cosines.max()
        # Ties go to the older article, then the smaller id, so replays decide the same way.
        tied = [member for member, cosine in zip(candidates, cosines.tolist()) if cosine == best]
        return min(tied, key=lambda member: (member.anchor, member.article_id)), float(best)
