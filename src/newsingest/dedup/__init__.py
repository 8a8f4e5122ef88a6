"""Dedup stage: Articles -> DedupDecisions, against everything remembered from this and earlier runs."""

from __future__ import annotations

from dataclasses import dataclass

from newsingest.dedup.clusters import Deduplicator, KnownArticle
from newsingest.dedup.index import LshSettings
from newsingest.dedup.signatures import StoredSignature, TextSignature, compute_signatures, from_stored, to_stored
from newsingest.records import Article, DedupDecision


@dataclass(slots=True)
class DedupResult:
    decisions: list[DedupDecision]
    signatures: list[StoredSignature]  # per article, in the same order, for the warehouse


def signature_scheme(settings: LshSettings) -> str:
    """Stored signatures are comparable only when computed the same way; this names the way."""
    s = settings.signature
    return f"{s.scheme}-w{s.shingle_size}-p{s.num_perm}-s{s.seed}"


def new_deduplicator(settings: LshSettings, redis_url: str | None = None) -> Deduplicator:
    """In this process, or sharing its index and memory with every process using the Redis at `redis_url`."""
    if redis_url is None:
        return Deduplicator(settings)
    from newsingest.dedup.redis_index import redis_deduplicator  # scale-out group: redis is optional

    lsh = f"t{settings.threshold}:l{settings.lead_threshold}:w{settings.signature.lead_words}"
    return redis_deduplicator(redis_url, settings, namespace=f"newsingest:{signature_scheme(settings)}:{lsh}")


def restore(rows: list[tuple], settings: LshSettings, redis_url: str | None = None) -> Deduplicator:
    """A Deduplicator that remembers the articles of earlier runs (rows from Warehouse.dedup_state:
    id, cluster_id, canonical_url, text_hash, minhash, lead_minhash, shingle_count)."""
    deduplicator = new_deduplicator(settings, redis_url)
    for article_id, cluster_id, canonical, text_hash, minhash, lead, shingle_count in rows:
        signature = from_stored(StoredSignature(minhash, lead, shingle_count), settings.signature)
        deduplicator.remember(KnownArticle(article_id, cluster_id, canonical, text_hash, signature))
    return deduplicator


def dedup_batch(articles: list[Article], deduplicator: Deduplicator,
                signatures: list[TextSignature] | None = None) -> DedupResult:
    """Signatures for the whole batch at once (unless computed already, e.g. on Dask workers beside the
    extraction), then one decision per article in input order."""
    if signatures is None:
        signatures = compute_signatures([a.text for a in articles], deduplicator.index.settings.signature)
    decisions = [deduplicator.decide(article, sig) for article, sig in zip(articles, signatures, strict=True)]
    return DedupResult(decisions=decisions, signatures=[to_stored(s) for s in signatures])
