"""Dedup stage: Articles -> DedupDecisions, against everything remembered from this and earlier runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsingest.dedup.clusters import Deduplicator, KnownArticle
from newsingest.dedup.index import LshSettings
from newsingest.dedup.signatures import SHINGLE_HASH, TextSignature, compute_signatures, from_stored, to_stored
from newsingest.records import Article, DedupDecision, RememberedArticle, StoredSignature


@dataclass(slots=True)
class DedupResult:
    decisions: list[DedupDecision]
    signatures: list[StoredSignature]  # per article, in the same order, for the warehouse


def signature_scheme(settings: LshSettings) -> str:
    """Stored signatures are comparable only when computed the same way; this names the way."""
    s = settings.signature
    return f"{s.scheme}-{SHINGLE_HASH}-w{s.shingle_size}-p{s.num_perm}-s{s.seed}"


def new_deduplicator(settings: LshSettings, redis_url: str | None = None) -> Deduplicator:
    """In this process, or sharing its index and memory with every process using the Redis at `redis_url`."""
    if redis_url is None:
        return Deduplicator(settings)
    from newsingest.dedup.redis_index import redis_deduplicator  # scale-out group: redis is optional

    # d2: days stored as date ordinals (records.day_number); entries written as days since 1970 stay apart.
    lsh = f"t{settings.threshold}:l{settings.lead_threshold}:w{settings.signature.lead_words}:d2"
    return redis_deduplicator(redis_url, settings, namespace=f"newsingest:{signature_scheme(settings)}:{lsh}")


def restore(deduplicator: Deduplicator, remembered: list[RememberedArticle]) -> None:
    """Remember articles of earlier runs (Warehouse.dedup_state). One without a signature of the current
    scheme (stored before an upgrade) comes with its text and is signed here, all such at once."""
    settings = deduplicator.index.settings.signature
    computed = iter(compute_signatures([a.text for a in remembered if a.signature is None], settings))
    for article in remembered:
        signature = next(computed) if article.signature is None else from_stored(article.signature, settings)
        deduplicator.remember(KnownArticle(article.id, article.cluster_id, article.canonical_url, article.text_hash,
                                           signature, article.day))


@dataclass(slots=True)
class RememberedDays:
    """Which days of stored articles a run's deduplicator remembers, counted from the articles' own dates:
    a batch of articles dated D needs those dated D ± window_days, in a live run or an archive's backfill."""

    window_days: int | None  # None: every stored article, restored once
    days: tuple[int, int] | None = field(default=None)  # first and last day restored
    everything: bool = False

    def missing(self, batch_days: list[int]) -> list[tuple[int, int] | None]:
        """Day ranges (None: all) to restore before deciding articles of these days; then remembered."""
        if self.everything or not batch_days:
            return []
        if self.window_days is None:
            self.everything = True
            return [None]
        first, last = min(batch_days) - self.window_days, max(batch_days) + self.window_days
        if self.days is None:
            self.days = (first, last)
            return [(first, last)]
        ranges = [(first, self.days[0] - 1)] if first < self.days[0] else []
        if last > self.days[1]:
            ranges.append((self.days[1] + 1, last))
        self.days = (min(first, self.days[0]), max(last, self.days[1]))  # the gap between is restored too
        return ranges


def dedup_batch(articles: list[Article], deduplicator: Deduplicator,
                signatures: list[TextSignature] | None = None) -> DedupResult:
    """Signatures for the whole batch at once (unless computed already, e.g. on Dask workers beside the
    extraction), then one decision per article in input order."""
    if signatures is None:
        signatures = compute_signatures([a.text for a in articles], deduplicator.index.settings.signature)
    decisions = [deduplicator.decide(article, sig) for article, sig in zip(articles, signatures, strict=True)]
    return DedupResult(decisions=decisions, signatures=[to_stored(s) for s in signatures])
