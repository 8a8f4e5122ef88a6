"""The near-duplicate index: datasketch MinHashLSH finds candidates, stored signatures verify them.

Two ways to be a near duplicate:
- similar: estimated Jaccard similarity of the shingle sets at or above `threshold`;
- contained: the shorter text is (almost) inside the longer one, as a teaser or a truncated copy is.
  Candidates come from a second LSH over the texts' *leads* (their first words), which such copies keep;
  two different articles that merely share a long quote have different leads and are never candidates.
  The candidate is accepted when the estimated containment of the shorter text in the longer is at or
  above `containment_threshold`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from datasketch import MinHashLSH

from newsingest.dedup.signatures import SignatureSettings, TextSignature


@dataclass(frozen=True, slots=True)
class LshSettings:
    """Chosen on tests/fixtures/dedup with benchmarks/dedup_quality.py (see the README's Deduplication)."""

    threshold: float = 0.33
    lead_threshold: float = 0.5
    containment_threshold: float = 0.7
    signature: SignatureSettings = field(default_factory=SignatureSettings)


@dataclass(frozen=True, slots=True)
class Match:
    article_id: str
    similarity: float  # estimated Jaccard similarity of the two texts
    containment: float  # estimated share of the shorter text's shingles found in the longer one


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Estimated |A∩B| / min(|A|,|B|) from the Jaccard estimate J: |A∩B| = J(|A|+|B|)/(1+J)."""
    smaller = min(size_a, size_b)
    if smaller == 0:
        return 0.0
    return min(1.0, jaccard * (size_a + size_b) / ((1 + jaccard) * smaller))


class NearDuplicateIndex:
    def __init__(self, settings: LshSettings = LshSettings()):
        self.settings = settings
        num_perm = settings.signature.num_perm
        self.lsh = MinHashLSH(threshold=settings.threshold, num_perm=num_perm)
        self.lead_lsh = MinHashLSH(threshold=settings.lead_threshold, num_perm=num_perm)
        self.signatures: dict[str, TextSignature] = {}

    def __len__(self) -> int:
        return len(self.signatures)

    def add(self, article_id: str, signature: TextSignature) -> None:
        if article_id in self.signatures:
            return
        self.lsh.insert(article_id, signature.minhash, check_duplication=False)
        self.lead_lsh.insert(article_id, signature.lead, check_duplication=False)
        self.signatures[article_id] = signature

    def measure(self, signature: TextSignature, key: str) -> Match:
        other = self.signatures[key]
        jaccard = signature.minhash.jaccard(other.minhash)
        return Match(key, jaccard, containment(jaccard, signature.shingle_count, other.shingle_count))

    def _accepted(self, signature: TextSignature, match: Match) -> bool:
        if match.similarity >= self.settings.threshold:
            return True
        lead_similarity = signature.lead.jaccard(self.signatures[match.article_id].lead)
        return (lead_similarity >= self.settings.lead_threshold
                and match.containment >= self.settings.containment_threshold)

    def best_match(self, signature: TextSignature) -> Match | None:
        """The most similar indexed article that is similar enough or contains/is contained; ties by id."""
        candidates = set(self.lsh.query(signature.minhash)) | set(self.lead_lsh.query(signature.lead))
        matches = [self.measure(signature, key) for key in candidates]
        accepted = [m for m in matches if self._accepted(signature, m)]
        if not accepted:
            return None
        return min(accepted, key=lambda m: (-m.similarity, -m.containment, m.article_id))
