"""The near-duplicate index: LSH over MinHash bands finds candidates, stored signatures verify them.

Two ways to be a near duplicate:
- similar: estimated Jaccard similarity of the shingle sets at or above `threshold`;
- contained: the shorter text is (almost) inside the longer one, as a teaser or a truncated copy is.
  Candidates come from a second LSH over the texts' *leads* (their first words), which such copies keep;
  two different articles that merely share a long quote have different leads and are never candidates.
  The candidate is accepted when the estimated containment of the shorter text in the longer is at or
  above `containment_threshold`.

Band layouts are datasketch's own choice for a threshold (`_optimal_param`, equal weight on false
positives and negatives). The bands are kept in sorted numpy arrays rather than datasketch's in-memory
MinHashLSH, which measured ~20 KB per article (a bytes key and a set per band): 2 GB per 100k articles,
too much for a 30-day window. Here a band entry is 12 bytes and a signature pair 1 KB.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from newsingest.dedup.signatures import SignatureSettings, TextSignature

# Recently inserted band keys wait in a dict; they are merged into the sorted arrays when the dict holds
# more than this many entries or an eighth of the sorted ones (amortised O(n log n) for any n).
MIN_PENDING_MERGE = 200_000
BAND_SALT = np.uint64(0x9E3779B97F4A7C15)
MIX = np.uint64(0xBF58476D1CE4E5B9)


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


class BandIndex:
    """Banded LSH: rows sharing all values of any band are candidates. One 64-bit key per band."""

    def __init__(self, threshold: float, num_perm: int, merge_at: int = MIN_PENDING_MERGE):
        from datasketch.lsh import _optimal_param  # datasketch imports scipy: only when an index is built

        self.bands, self.rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
        self.merge_at = merge_at
        self.keys = np.empty(0, dtype=np.uint64)  # sorted
        self.members = np.empty(0, dtype=np.int32)  # signature row of each key, same order
        self.pending: dict[int, list[int]] = {}
        self.pending_entries = 0
        with np.errstate(over="ignore"):
            self.salts = np.arange(self.bands, dtype=np.uint64) * BAND_SALT
            # odd 64-bit multipliers, one per row of a band: the key is a wrapped weighted sum of its values
            self.weights = (np.arange(1, self.rows + 1, dtype=np.uint64) * MIX) | np.uint64(1)

    def band_keys(self, hashvalues: np.ndarray) -> np.ndarray:
        values = hashvalues[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        with np.errstate(over="ignore"):  # uint64 arithmetic wraps around by design: it is a hash
            keys = (values * self.weights).sum(axis=1, dtype=np.uint64) ^ self.salts
            keys *= MIX
            keys ^= keys >> np.uint64(31)
        return keys

    def insert(self, row: int, hashvalues: np.ndarray) -> None:
        for key in self.band_keys(hashvalues).tolist():
            self.pending.setdefault(key, []).append(row)
        self.pending_entries += self.bands
        if self.pending_entries > max(self.merge_at, len(self.keys) // 8):
            self._merge()

    def _merge(self) -> None:
        keys = np.fromiter((k for k, rows in self.pending.items() for _ in rows), dtype=np.uint64,
                           count=self.pending_entries)
        members = np.fromiter((r for rows in self.pending.values() for r in rows), dtype=np.int32,
                              count=self.pending_entries)
        # Sort only the pending entries, then merge them in one linear pass (np.insert): re-sorting the
        # whole index made each merge O(N log N), and the last tenth of 100k inserts 0.72x the first.
        order = np.argsort(keys, kind="stable")
        keys, members = keys[order], members[order]
        at = np.searchsorted(self.keys, keys, side="right")  # after equal keys: older rows stay first
        self.keys, self.members = np.insert(self.keys, at, keys), np.insert(self.members, at, members)
        self.pending, self.pending_entries = {}, 0

    def query(self, hashvalues: np.ndarray) -> set[int]:
        keys = self.band_keys(hashvalues)
        found: set[int] = set()
        for key in keys.tolist():
            found.update(self.pending.get(key, ()))
        starts = np.searchsorted(self.keys, keys, side="left")
        ends = np.searchsorted(self.keys, keys, side="right")
        for start, end in zip(starts.tolist(), ends.tolist()):
            if end > start:
                found.update(self.members[start:end].tolist())
        return found


class SignatureStore:
    """Every indexed article's signatures as rows of growing uint32 matrices (no object per article)."""

    def __init__(self, num_perm: int, capacity: int = 1024):
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.full = np.empty((capacity, num_perm), dtype=np.uint32)
        self.lead = np.empty((capacity, num_perm), dtype=np.uint32)
        self.sizes = np.empty(capacity, dtype=np.int32)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self.row_of

    def append(self, article_id: str, signature: TextSignature) -> int:
        row = len(self.ids)
        if row == len(self.sizes):
            self.full, self.lead = np.resize(self.full, (2 * row, self.full.shape[1])), np.resize(
                self.lead, (2 * row, self.lead.shape[1]))
            self.sizes = np.resize(self.sizes, 2 * row)
        self.full[row], self.lead[row] = signature.minhash.hashvalues, signature.lead.hashvalues
        self.sizes[row] = signature.shingle_count
        self.ids.append(article_id)
        self.row_of[article_id] = row
        return row


class NearDuplicateIndex:
    def __init__(self, settings: LshSettings = LshSettings()):
        self.settings = settings
        num_perm = settings.signature.num_perm
        self.similar = BandIndex(settings.threshold, num_perm)
        self.leads = BandIndex(settings.lead_threshold, num_perm)
        self.store = SignatureStore(num_perm)

    def __len__(self) -> int:
        return len(self.store)

    def add(self, article_id: str, signature: TextSignature) -> None:
        if article_id in self.store:
            return
        row = self.store.append(article_id, signature)
        self.similar.insert(row, signature.minhash.hashvalues)
        self.leads.insert(row, signature.lead.hashvalues)

    def _measure_row(self, signature: TextSignature, row: int) -> tuple[Match, float]:
        store = self.store
        return measure_stored(signature, store.ids[row], store.full[row], store.lead[row], int(store.sizes[row]))

    def measure(self, signature: TextSignature, article_id: str) -> Match:
        return self._measure_row(signature, self.store.row_of[article_id])[0]

    def best_match(self, signature: TextSignature) -> Match | None:
        """The most similar indexed article that is similar enough or contains/is contained; ties by id."""
        rows = self.similar.query(signature.minhash.hashvalues) | self.leads.query(signature.lead.hashvalues)
        return best_accepted(self.settings, (self._measure_row(signature, row) for row in rows))


# Shared with the Redis index (dedup/redis_index.py), so both decide the same way on the same candidates.
def measure_stored(signature: TextSignature, article_id: str, full: np.ndarray, lead: np.ndarray,
                   shingle_count: int) -> tuple[Match, float]:
    """The match with an indexed article (its stored hash values), and the Jaccard estimate of the two leads."""
    jaccard = float(np.count_nonzero(full == signature.minhash.hashvalues)) / len(full)
    lead_similarity = float(np.count_nonzero(lead == signature.lead.hashvalues)) / len(lead)
    return Match(article_id, jaccard, containment(jaccard, signature.shingle_count, shingle_count)), lead_similarity


def accepted(settings: LshSettings, match: Match, lead_similarity: float) -> bool:
    if match.similarity >= settings.threshold:
        return True
    return lead_similarity >= settings.lead_threshold and match.containment >= settings.containment_threshold


def best_accepted(settings: LshSettings, measured: Iterable[tuple[Match, float]]) -> Match | None:
    """The most similar accepted candidate (then the most contained, then the smallest id), or None."""
    matches = [match for match, lead in measured if accepted(settings, match, lead)]
    if not matches:
        return None
    return min(matches, key=lambda m: (-m.similarity, -m.containment, m.article_id))
