"""Dedup decisions, cheapest level first: canonical URL, exact normalised text, then MinHash + LSH.

A duplicate joins the cluster of the article it matched; cluster ids are the id of the cluster's first
member, so they never change when later members arrive.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from newsingest.dedup.index import LshSettings, Match, NearDuplicateIndex, best
from newsingest.dedup.signatures import TextSignature
from newsingest.records import DedupDecision, DedupStatus, day_number
from newsingest.urls import canonical_url


class Decidable(Protocol):
    """What a decision looks at besides the signature: an Article, or a stored one being re-decided."""

    id: str
    canonical_url: str | None
    text_hash: str
    published_at: datetime | None


def day_of(published_at: datetime | None) -> int:
    """An article's own day_number (undated: today, as it is ingested now), the day the warehouse gives it
    (dedup_state.sql)."""
    return day_number(published_at or datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """What dedup needs to remember of an article already decided (this run or an earlier one)."""

    id: str
    cluster_id: str
    canonical_url: str | None
    text_hash: str
    signature: TextSignature
    day: int  # day_of its date


class IdsByKey(Protocol):
    """Article ids per key (canonical URL, text hash) in arrival order, as one string of space-separated
    ids (ids hold no space): one string per key in a dict, or a field of a Redis hash."""

    def get(self, key: str, default: str | None = None) -> str | None: ...

    def append(self, key: str, article_id: str) -> None: ...


class InProcessIds(dict[str, str]):
    def append(self, key: str, article_id: str) -> None:
        ids = self.get(key)
        if ids is None:
            self[key] = article_id
        elif article_id not in ids.split(" "):
            self[key] = f"{ids} {article_id}"


@dataclass(frozen=True, slots=True)
class ArticleMemory:
    """What dedup remembers besides signatures: each article's cluster, and the articles seen per
    canonical URL and per normalised-text hash. Dicts in one process; Redis hashes when shared."""

    cluster_of: MutableMapping[str, str] = field(default_factory=dict)
    by_url: IdsByKey = field(default_factory=InProcessIds)
    by_text_hash: IdsByKey = field(default_factory=InProcessIds)


class Deduplicator:
    def __init__(self, settings: LshSettings = LshSettings(), index: NearDuplicateIndex | None = None,
                 memory: ArticleMemory | None = None):
        """In-process index and memory by default; pass shared ones (dedup/redis_index.py) to decide against
        articles that other processes remembered. A shared index alone would not do: a match found there
        needs the cluster of an article this process never saw."""
        self.index = NearDuplicateIndex(settings) if index is None else index  # an empty index is falsy
        memory = memory or ArticleMemory()
        self.cluster_of = memory.cluster_of
        self.by_url = memory.by_url
        self.by_text_hash = memory.by_text_hash
        # Over a shared index, articles decided here wait in this process until their batch has landed
        # (publish): the shared memory must never hold an article a crash kept out of the warehouse, or the
        # rerun would meet it there (the article itself, or a later copy of it, as its original).
        self.unpublished = Deduplicator(settings) if index is not None else None
        self._held: list[KnownArticle] = []

    def __len__(self) -> int:
        return len(self.cluster_of) + (len(self.unpublished) if self.unpublished is not None else 0)

    def publish(self) -> None:
        """Share the articles decided since the last call (call it once their batch has landed)."""
        if self.unpublished is None:
            return
        for known in self._held:
            self.remember(known)
        self.unpublished = Deduplicator(self.index.settings)
        self._held = []

    def _layers(self) -> tuple[Deduplicator, ...]:
        """Where decided articles are remembered, earliest arrivals first."""
        return (self,) if self.unpublished is None else (self, self.unpublished)

    def remember(self, known: KnownArticle) -> None:
        self.cluster_of[known.id] = known.cluster_id
        self.index.add(known.id, known.signature, known.day)  # first: the others are read with its day
        if key := canonical_url(known.canonical_url):
            self.by_url.append(key, known.id)
        self.by_text_hash.append(known.text_hash, known.id)

    def _first_in_window(self, ids: str | None, day: int) -> str | None:
        """The earliest arrival of `ids` dated within the window of `day`: URL and exact-text matches
        follow the near-duplicates' window, so an archive split over runs decides as in one run."""
        window = self.index.settings.window_days
        for article_id in ids.split(" ") if ids else ():
            if window is None or abs(self.index.day_of(article_id) - day) <= window:
                return article_id
        return None

    def _match(self, article: Decidable, signature: TextSignature, day: int) -> tuple[DedupStatus, Match] | None:
        # The key, not the URL stored: www., mobile and AMP hosts and tracking parameters do not count.
        key = canonical_url(article.canonical_url)
        layers = self._layers()
        for layer in layers if key else ():
            if original := layer._first_in_window(layer.by_url.get(key), day):
                return DedupStatus.URL_DUPLICATE, layer.index.measure(signature, original)
        for layer in layers:
            if original := layer._first_in_window(layer.by_text_hash.get(article.text_hash), day):
                return DedupStatus.EXACT_DUPLICATE, Match(original, 1.0, 1.0)
        if match := best([found for layer in layers if (found := layer.index.best_match(signature, day))]):
            return DedupStatus.NEAR_DUPLICATE, match
        return None

    def _cluster_of(self, article_id: str) -> str:
        if self.unpublished is not None and article_id in self.unpublished.cluster_of:
            return self.unpublished.cluster_of[article_id]
        return self.cluster_of[article_id]

    def decide(self, article: Decidable, signature: TextSignature) -> DedupDecision:
        """Decide one article against everything remembered so far, then remember it.

        `duplicate_of` names the cluster's first member here; the warehouse re-points it at the cluster's
        canonical member (earliest published, then longest) when the batch lands.
        """
        day = day_of(article.published_at)
        found = self._match(article, signature, day)
        if found is None:
            decision = DedupDecision(article_id=article.id, status=DedupStatus.NEW, cluster_id=article.id)
        else:
            status, match = found
            cluster_id = self._cluster_of(match.article_id)
            decision = DedupDecision(article_id=article.id, status=status, cluster_id=cluster_id,
                                     duplicate_of=cluster_id, similarity=round(match.similarity, 4),
                                     containment=round(match.containment, 4))
        known = KnownArticle(article.id, decision.cluster_id, article.canonical_url, article.text_hash, signature, day)
        if self.unpublished is None:
            self.remember(known)
        else:
            self.unpublished.remember(known)
            self._held.append(known)
        return decision
