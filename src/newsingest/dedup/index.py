"""The near-duplicate index: three LSH routes find candidates, stored signatures verify them.

Candidates come from LSH bands laid out so that a pair exactly at the route's threshold becomes a
candidate with probability >= `recall` (band_layout):
- `similar`: over the word-5-gram MinHash (64 bands of 2 rows at 0.33: 0.9994; an excerpt of a quarter
  of a story, Jaccard ~0.25, 0.98);
- `leads`: over the MinHash of each text's first words (teasers, truncated copies keep them);
- `chars`: over the character-n-gram MinHash (copies damaged by scanning or retyping); a candidate must
  share two of its 32 bands (`char_key_hits`; 0.9988 at 0.5), as unrelated texts share common character
  n-grams and one band of two rows made ~1 in 8 of them candidates on the benchmark corpus.
(A fourth route, texts sharing two or more whole sentences, found no copy on the development set that
these three miss; it cost ~20 index entries an article.)
Every candidate from any route is verified the same way on the stored signatures (`verify`), accepted when
- its word Jaccard estimate is at or above `threshold` (similar), or
- its character Jaccard estimate is at or above `char_threshold` (a damaged copy), or
- the shorter text is contained in the longer: estimated word containment at or above
  `containment_threshold` with the two leads alike (a teaser), or, from anywhere in the story, word or
  sentence containment at or above `containment_threshold` when the shorter is at least `min_excerpt`
  of the longer (an excerpt; a long quote is a smaller part and is not a copy); sentence containment
  (the share of the shorter's sentences found word for word in the longer) links copies whose sentences
  were reordered, dropped and partly rewritten,
and then only when the facts agree (`facts_agree`): the figures and names of the text with fewer of them
are mostly in the other's; a templated brief with another company, score or place is another story.
A candidate dated more than `window_days` from the article is never a match, so a backfill of an old
archive decides as a live run did (the window is counted from each article's date, not from today).

The bands are kept in sorted numpy arrays rather than datasketch's in-memory
MinHashLSH, which measured ~20 KB per article (a bytes key and a set per band): 2 GB per 100k articles,
too much for a 30-day window. Here a key entry is 12 bytes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newsingest.arrays import spans
from newsingest.dedup.signatures import SignatureSettings, TextSignature
from newsingest.dedup.text_units import EMPTY, shared

# Recently inserted band keys wait in a dict; they are merged into the sorted arrays when the dict holds
# more than this many entries or an eighth of the sorted ones (amortised O(n log n) for any n).
MIN_PENDING_MERGE = 200_000
BAND_SALT = np.uint64(0x9E3779B97F4A7C15)
MIX = np.uint64(0xBF58476D1CE4E5B9)


@dataclass(frozen=True, slots=True)
class LshSettings:
    """Chosen on held-out folds of the development set (benchmarks/dedup_quality.py, README Deduplication)."""

    threshold: float = 0.33
    lead_threshold: float = 0.5
    containment_threshold: float = 0.7
    char_threshold: float = 0.5
    min_excerpt: float = 0.2  # share of the longer text an excerpt must be (a quarter, less estimate noise)
    fact_agreement: float = 0.5  # share of the fewer facts found in the other text
    min_facts: int = 3  # fewer facts than this on either side: nothing to compare
    recall: float = 0.99  # probability that a pair at a threshold becomes a candidate
    # A band key shared by more articles than this finds only the latest this many. Copies of one text share
    # most of their band keys, so a key that many articles share is either a much-copied story (whose
    # latest copies are in its cluster too) or a stock one: templated first lines ("By ...", a date) or
    # common character n-grams, which made every article a candidate of thousands of unrelated ones and the
    # cost of a decision grow with the window (docs/performance.md: the 100k text run).
    max_key_rows: int | None = 100
    # Character band keys an indexed article must share with the text to be a candidate through that route
    # (any one word or lead key suffices). Unrelated texts share common character n-grams (~6% of them on the
    # benchmark corpus): one 2-row band of such a pair matches with probability ~J^2, so with one key enough
    # ~1 in 8 of the window's articles was a candidate of every query, a cost growing with the window; 98.7%
    # of those shared one key, while a pair at char_threshold shares two or more with probability 0.9988
    # (band_layout counts the hits asked for; docs/performance.md: the 100k text run).
    char_key_hits: int = 2
    window_days: int | None = 30  # a candidate more days apart from the article is never a match
    signature: SignatureSettings = field(default_factory=SignatureSettings)


@dataclass(frozen=True, slots=True)
class Match:
    article_id: str
    similarity: float  # estimated Jaccard similarity of the two texts
    containment: float  # estimated share of the shorter text's shingles found in the longer one


def band_layout(threshold: float, num_perm: int, recall: float, hits: int = 1) -> tuple[int, int]:
    """Bands and rows per band: the most rows (fewest chance candidates) for which a pair at `threshold`
    becomes a candidate (shares `hits` or more whole bands) with probability >= recall."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if candidate_probability(threshold, bands, rows, hits) >= recall:
            return bands, rows
    return num_perm, 1


def candidate_probability(jaccard: float, bands: int, rows: int, hits: int = 1) -> float:
    """The LSH S-curve: the chance that two texts of this Jaccard similarity share `hits` or more whole
    bands (for one band: 1 - (1 - J^rows)^bands)."""
    band = jaccard**rows
    return 1 - sum(math.comb(bands, k) * band**k * (1 - band) ** (bands - k) for k in range(hits))


def containment(jaccard: float | np.ndarray, size_a: int, size_b: int | np.ndarray) -> np.ndarray:
    """Estimated |A∩B| / min(|A|,|B|) from the Jaccard estimate J: |A∩B| = J(|A|+|B|)/(1+J)."""
    smaller = np.minimum(size_a, size_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = np.asarray(jaccard) * (size_a + np.asarray(size_b)) / ((1 + np.asarray(jaccard)) * smaller)
    return np.where(smaller > 0, np.minimum(1.0, estimate), 0.0)


class KeyIndex:
    """64-bit keys -> signature rows, kept in sorted numpy arrays: 12 bytes an entry, no object per key."""

    def __init__(self, merge_at: int = MIN_PENDING_MERGE, latest: int | None = None):
        self.merge_at = merge_at
        self.latest = latest  # rows a key finds at most: its latest (LshSettings.max_key_rows); None: all
        self.keys = np.empty(0, dtype=np.uint64)  # sorted
        self.members = np.empty(0, dtype=np.int32)  # signature row of each key, same order
        # Keys inserted since the last merge -> their first row, and the few keys of more than one row -> the
        # later rows: set operations and dict updates run in C, and a merge reads the first dict's keys and
        # values in C, where a Python loop over every key of every insert and query cost ~1 us a key.
        self.pending: dict[int, int] = {}
        self.pending_later: dict[int, list[int]] = {}
        self.pending_entries = 0

    def insert(self, row: int, keys: np.ndarray) -> None:
        fresh = dict.fromkeys(keys.tolist(), row)
        self.pending_entries += len(fresh)
        for key in self.pending.keys() & fresh.keys():
            self.pending_later.setdefault(key, []).append(fresh.pop(key))
        self.pending.update(fresh)
        if self.pending_entries > max(self.merge_at, len(self.keys) // 8):
            self._merge()

    def _merge(self) -> None:
        later = [(key, row) for key, rows in self.pending_later.items() for row in rows]
        keys = np.fromiter(itertools.chain(self.pending.keys(), (key for key, _ in later)), dtype=np.uint64,
                           count=self.pending_entries)
        members = np.fromiter(itertools.chain(self.pending.values(), (row for _, row in later)), dtype=np.int32,
                              count=self.pending_entries)
        # Sort only the pending entries, then merge them in one linear pass (np.insert): re-sorting the
        # whole index made each merge O(N log N), and the last tenth of 100k inserts 0.72x the first.
        order = np.argsort(keys, kind="stable")  # a key's first row before its later ones
        keys, members = keys[order], members[order]
        at = np.searchsorted(self.keys, keys, side="right")  # after equal keys: older rows stay first
        self.keys, self.members = np.insert(self.keys, at, keys), np.insert(self.members, at, members)
        self.pending, self.pending_later, self.pending_entries = {}, {}, 0

    def query(self, keys: np.ndarray, min_hits: int = 1) -> np.ndarray:
        """Rows holding `min_hits` or more of the keys, sorted, each once; of a key's rows only its `latest`
        (the highest rows, wherever they are held: a key's pending rows are newer than its merged ones). A
        frequent key holds thousands of rows (unrelated texts share stock character n-grams): they are
        gathered in numpy, not a row at a time."""
        latest = self.latest
        found = {key: (self.pending[key], *self.pending_later.get(key, ()))
                 for key in self.pending.keys() & keys.tolist()}
        pending = [row for rows in found.values() for row in (rows if latest is None else rows[-latest:])]
        starts, ends = np.searchsorted(self.keys, keys, side="left"), np.searchsorted(self.keys, keys, side="right")
        if latest is not None:  # a key's merged rows ascend with their row: its latest are the last
            newer = np.fromiter((len(found.get(key, ())) for key in keys.tolist()), dtype=np.int64, count=len(keys))
            starts = np.maximum(starts, ends - np.maximum(0, latest - newer))
        positions = spans(starts, ends - starts)
        found_rows = np.concatenate((self.members[positions], np.array(pending, dtype=np.int32)))
        if min_hits <= 1:
            return np.unique(found_rows)
        rows, hits = np.unique(found_rows, return_counts=True)
        return rows[hits >= min_hits]


@dataclass(frozen=True, slots=True)
class Ragged:
    """Arrays of varying length (each text's sentence hashes) end to end: verification reads those of
    thousands of candidates with a few numpy operations, not a Python call per candidate."""

    values: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, arrays: Sequence[np.ndarray]) -> Ragged:
        return cls(np.concatenate([*arrays, EMPTY]), np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays)))

    def take(self, picked: np.ndarray) -> Ragged:
        starts = np.cumsum(self.lengths) - self.lengths
        return Ragged(self.values[spans(starts[picked], self.lengths[picked])], self.lengths[picked])


class Bands:
    """One route's banded LSH: rows sharing all values of `hits` or more bands are candidates. A 64-bit key
    per band, salted by route so that the routes can share one KeyIndex."""

    def __init__(self, threshold: float, num_perm: int, recall: float, route: int = 0, hits: int = 1):
        self.hits = hits
        self.bands, self.rows = band_layout(threshold, num_perm, recall, hits)
        with np.errstate(over="ignore"):
            self.salts = (np.arange(self.bands, dtype=np.uint64) + np.uint64(route << 32)) * BAND_SALT
            # odd 64-bit multipliers, one per row of a band: the key is a wrapped weighted sum of its values
            self.weights = (np.arange(1, self.rows + 1, dtype=np.uint64) * MIX) | np.uint64(1)

    def keys(self, hashvalues: np.ndarray) -> np.ndarray:
        values = hashvalues[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        with np.errstate(over="ignore"):  # uint64 arithmetic wraps around by design: it is a hash
            keys = (values * self.weights).sum(axis=1, dtype=np.uint64) ^ self.salts
            keys *= MIX
            keys ^= keys >> np.uint64(31)
        return keys


@dataclass(frozen=True, slots=True)
class Candidates:
    """Stored signatures of candidate articles, a row each: what verification reads."""

    ids: Sequence[str]
    full: np.ndarray  # (n, num_perm) uint32
    lead: np.ndarray
    sizes: np.ndarray  # word shingle counts
    chars: np.ndarray  # (n, char_perm) uint32
    char_counts: np.ndarray
    days: np.ndarray  # the articles' own dates (records.day_number)
    sentences: Ragged
    facts: Sequence[np.ndarray]


class SignatureStore:
    """Every indexed article's signatures as rows of growing numpy arrays; its sentence hashes (a few dozen
    of varying number) end to end in one growing array, its fact hashes as one small array each (verify
    reads them only for the few candidates it accepts)."""

    def __init__(self, settings: SignatureSettings, capacity: int = 1024):
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.full = np.empty((capacity, settings.num_perm), dtype=np.uint32)
        self.lead = np.empty((capacity, settings.num_perm), dtype=np.uint32)
        self.chars = np.empty((capacity, settings.char_perm), dtype=np.uint32)
        self.sizes = np.empty(capacity, dtype=np.int32)
        self.char_counts = np.empty(capacity, dtype=np.int32)
        self.days = np.empty(capacity, dtype=np.int32)
        self.sentence_starts = np.empty(capacity, dtype=np.int64)
        self.sentence_counts = np.empty(capacity, dtype=np.int64)
        self.sentence_hashes = np.empty(32 * capacity, dtype=np.uint64)
        self.sentences_held = 0
        self.facts: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self.row_of

    def _grow(self) -> None:
        rows = 2 * len(self.ids)
        for name in ("full", "lead", "chars", "sizes", "char_counts", "days", "sentence_starts", "sentence_counts"):
            array = getattr(self, name)
            setattr(self, name, np.resize(array, (rows, *array.shape[1:])))

    def _append_sentences(self, row: int, hashes: np.ndarray) -> None:
        start, end = self.sentences_held, self.sentences_held + len(hashes)
        if end > len(self.sentence_hashes):
            self.sentence_hashes = np.resize(self.sentence_hashes, max(end, 2 * len(self.sentence_hashes)))
        self.sentence_hashes[start:end] = hashes
        self.sentence_starts[row], self.sentence_counts[row] = start, len(hashes)
        self.sentences_held = end

    def append(self, article_id: str, signature: TextSignature, day: int) -> int:
        row = len(self.ids)
        if row == len(self.sizes):
            self._grow()
        self.full[row], self.lead[row] = signature.minhash.hashvalues, signature.lead.hashvalues
        self.chars[row] = signature.chars.hashvalues
        self.sizes[row], self.char_counts[row], self.days[row] = signature.shingle_count, signature.char_count, day
        self._append_sentences(row, signature.sentences)
        self.facts.append(signature.facts)
        self.ids.append(article_id)
        self.row_of[article_id] = row
        return row

    def candidates(self, rows: np.ndarray) -> Candidates:
        """The signatures of these rows; ids and facts are read only for the few rows verify accepts."""
        counts = self.sentence_counts[rows]
        sentences = Ragged(self.sentence_hashes[spans(self.sentence_starts[rows], counts)], counts)
        return Candidates(Picked(self.ids, rows), self.full[rows], self.lead[rows], self.sizes[rows],
                          self.chars[rows], self.char_counts[rows], self.days[rows], sentences, Picked(self.facts, rows))


class Picked(Sequence):
    """`items[rows[i]]` as item i, without building the list: of a query's candidates (thousands in a
    full window) verify reads the ids and facts of a few."""

    def __init__(self, items: list, rows: np.ndarray):
        self._items, self._rows = items, rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: int):
        return self._items[self._rows[i]]


class NearDuplicateIndex:
    def __init__(self, settings: LshSettings = LshSettings()):
        self.settings = settings
        signature = settings.signature
        self.similar = Bands(settings.threshold, signature.num_perm, settings.recall, route=0)
        self.leads = Bands(settings.lead_threshold, signature.num_perm, settings.recall, route=1)
        self.chars = Bands(settings.char_threshold, signature.char_perm, settings.recall, route=2,
                           hits=settings.char_key_hits)
        # The three routes' keys in one index: one set operation per query and insert, not three.
        self.entries = KeyIndex(latest=settings.max_key_rows)
        self.store = SignatureStore(signature)
        # The keys of the signature last asked about: an article is added right after it was decided.
        self._last_keys: tuple[TextSignature | None, np.ndarray] = (None, np.empty(0, dtype=np.uint64))

    def __len__(self) -> int:
        return len(self.store)

    def _keys(self, signature: TextSignature) -> np.ndarray:
        last, keys = self._last_keys
        if last is not signature:
            keys = np.concatenate((self.similar.keys(signature.minhash.hashvalues),
                                   self.leads.keys(signature.lead.hashvalues),
                                   self.chars.keys(signature.chars.hashvalues)))
            self._last_keys = (signature, keys)
        return keys

    def add(self, article_id: str, signature: TextSignature, day: int) -> None:
        if article_id in self.store:
            return
        self.entries.insert(self.store.append(article_id, signature, day), self._keys(signature))

    def measure(self, signature: TextSignature, article_id: str) -> Match:
        return measure_one(signature, self.store.candidates(np.array([self.store.row_of[article_id]])))

    def day_of(self, article_id: str) -> int:
        return int(self.store.days[self.store.row_of[article_id]])

    def candidate_rows(self, signature: TextSignature) -> np.ndarray:
        """Rows sharing a word or lead band key with the signature, or `chars.hits` character ones."""
        keys = self._keys(signature)
        split = self.similar.bands + self.leads.bands  # _keys: the character route's keys come last
        return np.union1d(self.entries.query(keys[:split]), self.entries.query(keys[split:], self.chars.hits))

    def best_match(self, signature: TextSignature, day: int) -> Match | None:
        """The most similar indexed article that verify accepts; ties by id."""
        return verify(self.settings, signature, day, self.store.candidates(self.candidate_rows(signature)))


# Shared with the Redis index (dedup/redis_index.py), so both decide the same way on the same candidates.
def jaccard(stored: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.count_nonzero(stored == values.astype(np.uint32), axis=1) / stored.shape[1]


def measure_one(signature: TextSignature, found: Candidates) -> Match:
    """The similarity and containment of the one candidate in `found` (an URL duplicate's)."""
    similarity = jaccard(found.full, signature.minhash.hashvalues)
    return Match(found.ids[0], float(similarity[0]), float(containment(similarity, signature.shingle_count,
                                                                       found.sizes)[0]))


def facts_agree(settings: LshSettings, a: np.ndarray, b: np.ndarray) -> bool:
    fewer = min(len(a), len(b))
    return fewer < settings.min_facts or shared(a, b) >= settings.fact_agreement * fewer


def _sentence_containment(signature: TextSignature, stored: Ragged) -> np.ndarray:
    """For each stored text, the share of the shorter's sentences in both: `shared` of the two sorted distinct
    hash arrays, for all at once (one searchsorted over every stored hash; a Python call per candidate was
    half the run's own process once the window held ~20k articles)."""
    own, lengths, values = signature.sentences, stored.lengths, stored.values
    found = np.zeros(len(lengths))
    if len(own) and len(values):
        hits = own[np.minimum(np.searchsorted(own, values), len(own) - 1)] == values
        found = np.bincount(np.repeat(np.arange(len(lengths)), lengths), weights=hits, minlength=len(lengths))
    return found / np.maximum(1, np.minimum(len(own), lengths))


def verify(settings: LshSettings, signature: TextSignature, day: int, found: Candidates) -> Match | None:
    """The most similar accepted candidate (then the most contained, then the smallest id), or None."""
    if not found.ids:
        return None
    similarity = jaccard(found.full, signature.minhash.hashvalues)
    contained = containment(similarity, signature.shingle_count, found.sizes)
    leads_alike = jaccard(found.lead, signature.lead.hashvalues) >= settings.lead_threshold
    excerpt = (np.minimum(signature.shingle_count, found.sizes)
               >= settings.min_excerpt * np.maximum(signature.shingle_count, found.sizes))
    damaged_copy = (jaccard(found.chars, signature.chars.hashvalues) >= settings.char_threshold) & (
        found.char_counts > 0) & (signature.char_count > 0)
    accepted = ((similarity >= settings.threshold) | damaged_copy
                | ((contained >= settings.containment_threshold) & (leads_alike | excerpt)))
    in_window = (np.abs(found.days - day) <= settings.window_days if settings.window_days is not None
                 else np.ones(len(found.ids), dtype=bool))
    # Sentences are compared a candidate at a time, so only where they decide: excerpts in the window that
    # nothing above accepted.
    undecided = np.flatnonzero(~accepted & excerpt & in_window)
    accepted[undecided] = _sentence_containment(signature, found.sentences.take(undecided)) >= (
        settings.containment_threshold)
    accepted &= in_window
    matches = [Match(found.ids[i], float(similarity[i]), float(contained[i])) for i in np.flatnonzero(accepted)
               if facts_agree(settings, signature.facts, found.facts[i])]
    return best(matches)


def best(matches: list[Match]) -> Match | None:
    """The most similar match, then the most contained, then the smallest id; None for none."""
    return min(matches, key=lambda m: (-m.similarity, -m.containment, m.article_id), default=None)
