"""Which passages of an article are taken from one source: seed-and-extend on shared word n-grams, then
greedy tiling (longest passage first) over the article's words.

A seed is a word n-gram both texts contain; seeds on one diagonal (the same shift between the texts) at
consecutive positions extend each other into one passage, so a sentence copied whole is one passage and a
sentence the sub-editor cut in two, merged or moved is two or three, each found where it now stands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from newsingest.arrays import spans
from newsingest.reuse.words import gram_hashes


@dataclass(frozen=True, slots=True)
class WordPassage:
    """Words [start, end) of the article equal words [source_start, source_end) of the source."""

    start: int
    end: int
    source_start: int
    source_end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def sorted_matches(ordered: np.ndarray, grams: np.ndarray, max_repeats: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i in `grams`, p in `ordered`, a sorted array) of equal values; a value `ordered` holds more
    than `max_repeats` times (a list's formula, a repeated sign-off, a stock phrase) matches nothing."""
    low = np.searchsorted(ordered, grams, side="left")
    counts = np.searchsorted(ordered, grams, side="right") - low
    counts[counts > max_repeats] = 0
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.repeat(np.arange(len(grams)), counts), spans(low, counts)


@dataclass(frozen=True, slots=True)
class Seeds:
    """An article's seed n-grams, sorted once for aligning it with each of its candidates."""

    sorted: np.ndarray
    positions: np.ndarray  # of each sorted n-gram in the article
    words: int
    seed_words: int

    @classmethod
    def of(cls, hashes: np.ndarray, seed_words: int) -> Seeds:
        grams = gram_hashes(hashes, seed_words)
        order = np.argsort(grams, kind="stable")
        return cls(grams[order], order, len(hashes), seed_words)


def passages(seeds: Seeds, source_hashes: np.ndarray, min_words: int, max_repeats: int = 4) -> list[WordPassage]:
    """Non-overlapping passages of at least `min_words` words shared with the source, in article order; an
    n-gram the article repeats more than `max_repeats` times seeds nothing."""
    if not len(seeds.sorted) or len(source_hashes) < seeds.seed_words:
        return []
    j, found = sorted_matches(seeds.sorted, gram_hashes(source_hashes, seeds.seed_words), max_repeats)
    i = seeds.positions[found]
    if not len(i):
        return []
    diagonal = i - j
    order = np.lexsort((i, diagonal))
    i, diagonal = i[order], diagonal[order]
    # A run ends where the diagonal changes or the next seed is not the next position.
    breaks = np.flatnonzero((np.diff(diagonal) != 0) | (np.diff(i) != 1)) + 1
    first = np.concatenate(([0], breaks))
    last = np.concatenate((breaks, [len(i)])) - 1
    starts, ends = i[first], i[last] + seeds.seed_words
    keep = ends - starts >= min_words
    return _tiles(starts[keep], ends[keep], diagonal[first][keep], seeds.words, min_words)


def _tiles(starts: np.ndarray, ends: np.ndarray, shifts: np.ndarray, words: int, min_words: int) -> list[WordPassage]:
    """Greedy tiling: longest runs first; a run overlapping words already tiled keeps its longest untiled
    stretch, if that is still long enough."""
    covered = np.zeros(words, dtype=bool)
    tiles = []
    for k in np.argsort(starts - ends, kind="stable"):
        start, end, shift = int(starts[k]), int(ends[k]), int(shifts[k])
        free = ~covered[start:end]
        if not free.all():
            start, end = _longest_stretch(free, start)
            if end - start < min_words:
                continue
        covered[start:end] = True
        tiles.append(WordPassage(start, end, start - shift, end - shift))
    return sorted(tiles, key=lambda p: p.start)


def _longest_stretch(free: np.ndarray, offset: int) -> tuple[int, int]:
    edges = np.diff(np.concatenate(([False], free, [False])).astype(np.int8))
    run_starts, run_ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(run_starts):
        return offset, offset
    best = int(np.argmax(run_ends - run_starts))
    return offset + int(run_starts[best]), offset + int(run_ends[best])


def coverage(passages_found: list[WordPassage], words: int) -> np.ndarray:
    """Which of the article's words lie in the passages."""
    covered = np.zeros(words, dtype=bool)
    for passage in passages_found:
        covered[passage.start:passage.end] = True
    return covered
