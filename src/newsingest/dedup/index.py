"""The near-duplicate index: datasketch MinHashLSH for candidates, stored signatures to verify them."""

from __future__ import annotations

from dataclasses import dataclass

from datasketch import LeanMinHash, MinHashLSH

from newsingest.dedup.signatures import SignatureSettings


@dataclass(frozen=True, slots=True)
class LshSettings:
    # Estimated Jaccard similarity of word shingles above which two texts are near duplicates.
    threshold: float = 0.5
    signature: SignatureSettings = SignatureSettings()


class NearDuplicateIndex:
    """LSH finds candidates sharing a band; the signature estimate decides, so LSH false positives
    (pairs below the threshold that collide in a band) never become duplicates."""

    def __init__(self, settings: LshSettings = LshSettings()):
        self.settings = settings
        self.lsh = MinHashLSH(threshold=settings.threshold, num_perm=settings.signature.num_perm)
        self.signatures: dict[str, LeanMinHash] = {}

    def __len__(self) -> int:
        return len(self.signatures)

    def add(self, article_id: str, signature: LeanMinHash) -> None:
        if article_id in self.signatures:
            return
        self.lsh.insert(article_id, signature, check_duplication=False)
        self.signatures[article_id] = signature

    def best_match(self, signature: LeanMinHash) -> tuple[str, float] | None:
        """The most similar indexed article at or above the threshold, ties broken by id for determinism."""
        scored = [(signature.jaccard(self.signatures[key]), key) for key in self.lsh.query(signature)]
        scored = [(similarity, key) for similarity, key in scored if similarity >= self.settings.threshold]
        if not scored:
            return None
        similarity, key = min(scored, key=lambda pair: (-pair[0], pair[1]))
        return key, similarity
