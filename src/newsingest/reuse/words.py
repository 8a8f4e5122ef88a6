"""Words of a text as numbers: a 32-bit hash per word (case-folded) with its character span, and the
hashes of word n-grams, all computed over the whole text at once in numpy.

The hashes are a fixed polynomial over code points, so they are the same in every process and run (a
stored text gives the same words when it is read back), and no shingle is hashed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

BMP = 0x10000
MAX_WORD_CHARS = 32  # characters past this many in one word add nothing to its hash (URLs, runs of digits)
CHAR_BASE = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime
MIX = np.uint64(0x9E3779B97F4A7C15)  # odd constant of Fibonacci hashing: spreads the bits before the shift
GRAM_BASE = np.uint64(0xC2B2AE3D27D4EB4F)


@dataclass(frozen=True, slots=True)
class Words:
    """A text's words in order: `hashes` (uint32, case-folded) and their spans in the text (`starts`,
    `ends`: int32 character offsets into the Python string, end exclusive; a text is at most a batch's
    bytes, pipeline.DEFAULT_BATCH_BYTES). The reuse index holds these of a week of articles: 12 bytes a
    word, not the 20 of int64 spans."""

    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


@cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point of the Basic Multilingual Plane: whether it is part of a word (what `\\w` matches)
    and its lower-case form when that is one code point (else itself). Built once, ~60 ms."""
    chars = [chr(c) for c in range(BMP)]
    is_word = np.fromiter(((ch.isalnum() or ch == "_") for ch in chars), dtype=bool, count=BMP)
    lower = np.fromiter(((ord(low) if len(low := ch.lower()) == 1 else ord(ch)) for ch in chars),
                        dtype=np.uint32, count=BMP)
    return is_word, lower


@cache
def _powers() -> np.ndarray:
    return np.array([pow(int(CHAR_BASE), i, 2**64) for i in range(MAX_WORD_CHARS)], dtype=np.uint64)


def words(text: str) -> Words:
    """The words of `text` (runs of word characters; code points past the BMP count as word characters)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    is_word_table, lower_table = _tables()
    inside = codes >= BMP
    small = ~inside
    inside[small] = is_word_table[codes[small]]
    folded = codes.astype(np.uint64)
    folded[small] = lower_table[codes[small]]
    edges = np.diff(np.concatenate(([False], inside, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if not len(starts):
        empty = np.zeros(0, dtype=np.uint32)
        return Words(empty, empty.astype(np.int32), empty.astype(np.int32))
    positions = np.flatnonzero(inside)
    # Offset of each word character within its word, for its power of the base.
    lengths = ends - starts
    offset = np.arange(len(positions)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    terms = (folded[positions] + np.uint64(1)) * _powers()[np.minimum(offset, MAX_WORD_CHARS - 1)]
    hashes = np.add.reduceat(terms, np.cumsum(lengths) - lengths) * MIX
    return Words((hashes >> np.uint64(32)).astype(np.uint32), starts.astype(np.int32), ends.astype(np.int32))


def gram_hashes(hashes: np.ndarray, size: int) -> np.ndarray:
    """uint64 hash of every run of `size` consecutive words (position i: words i .. i+size-1); none when
    the text is shorter."""
    count = len(hashes) - size + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    wide = hashes.astype(np.uint64)
    grams = wide[:count].copy()
    for k in range(1, size):
        grams = grams * GRAM_BASE + wide[k:k + count]
    return grams * MIX
