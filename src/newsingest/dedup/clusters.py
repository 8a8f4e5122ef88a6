"""Dedup decisions, cheapest level first: canonical URL, exact normalised text, then MinHash + LSH.

A duplicate joins the cluster of the article it matched; cluster ids are the id of the cluster's first
member, so they never change when later members arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

from datasketch import LeanMinHash

from newsingest.dedup.index import LshSettings, NearDuplicateIndex
from newsingest.records import Article, DedupDecision, DedupStatus


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """What dedup needs to remember of an article already decided (this run or an earlier one)."""

    id: str
    cluster_id: str
    canonical_url: str | None
    text_hash: str
    signature: LeanMinHash


class Deduplicator:
    def __init__(self, settings: LshSettings = LshSettings()):
        self.index = NearDuplicateIndex(settings)
        self.cluster_of: dict[str, str] = {}
        self.by_url: dict[str, str] = {}
        self.by_text_hash: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.cluster_of)

    def remember(self, known: KnownArticle) -> None:
        self.cluster_of[known.id] = known.cluster_id
        if known.canonical_url:
            self.by_url.setdefault(known.canonical_url, known.id)
        self.by_text_hash.setdefault(known.text_hash, known.id)
        self.index.add(known.id, known.signature)

    def _match(self, article: Article, signature: LeanMinHash) -> tuple[DedupStatus, str, float] | None:
        if article.canonical_url and (original := self.by_url.get(article.canonical_url)):
            return DedupStatus.URL_DUPLICATE, original, signature.jaccard(self.index.signatures[original])
        if original := self.by_text_hash.get(article.text_hash):
            return DedupStatus.EXACT_DUPLICATE, original, 1.0
        if match := self.index.best_match(signature):
            return DedupStatus.NEAR_DUPLICATE, match[0], match[1]
        return None

    def decide(self, article: Article, signature: LeanMinHash) -> DedupDecision:
        """Decide one article against everything remembered so far, then remember it."""
        match = self._match(article, signature)
        if match is None:
            decision = DedupDecision(article_id=article.id, status=DedupStatus.NEW, cluster_id=article.id)
        else:
            status, original, similarity = match
            cluster_id = self.cluster_of[original]
            decision = DedupDecision(article_id=article.id, status=status, cluster_id=cluster_id,
                                     duplicate_of=cluster_id, similarity=round(similarity, 4))
        self.remember(KnownArticle(article.id, decision.cluster_id, article.canonical_url, article.text_hash,
                                   signature))
        return decision
