"""A text's words, sentences and facts as 64-bit hashes; sentences and facts as sorted distinct arrays.

- Words (`word_hashes`): a polynomial over each word's bytes, all words of a text at once in numpy; the
  word shingles of the MinHash signatures (signatures.py) are made of them.

- Sentences (normalised, MIN_SENTENCE_WORDS words or more): a copy that reorders sentences, drops some and
  rewrites a few keeps most of the others word for word; so does an excerpt from anywhere in the story.
  Short lines (bylines, "Advertisement", "Share") are left out: they are shared by unrelated articles.
- Facts: the figures and the capitalised words that do not start a sentence (names of people, places,
  companies). Two short items in the same template differ exactly there.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata

import numpy as np

from newsingest.fingerprint import WORD

MIN_SENTENCE_WORDS = 5
# A sentence ends at . ! ? before white space (closing quotes or brackets between), or at a line break;
# these are never word characters, so splitting there leaves every word whole.
# It and FACT open with one character set, then branch: the regex engine then skips ahead to the next of
# those characters instead of starting a match at every position (an alternation of two patterns at the
# start took 2-3x as long on the development set, with the same matches).
SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)|[.!?]*(?=[\"'”’)\]]*(?:\s|$)))")
# Figures, and capitalised words after a lower-case word or a comma (so not at a sentence start).
# (The capital is matched before the look-behind: looking behind at every position cost twice as much.)
FACT = re.compile(r"[\dA-Z](?:(?<=\d)\d*(?:[.,]\d+)*|(?<=[a-z,;:] [A-Z])[\w'’-]+)")
EMPTY = np.empty(0, dtype=np.uint64)
BYTE_BASE = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime: odd, so no byte's term can vanish


def _hashes(units: list[str]) -> np.ndarray:
    """Sorted distinct 64-bit BLAKE2b hashes (stable across processes, unlike hash())."""
    if not units:
        return EMPTY
    digests = b"".join(hashlib.blake2b(u.encode("utf-8"), digest_size=8).digest() for u in set(units))
    return sorted_distinct(np.frombuffer(digests, dtype="<u8"))


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values), by sorting: numpy 2's unique hashes integers first, 3-4x slower on a text's few
    hundred values."""
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def normalise_with_sentences(text: str) -> tuple[str, np.ndarray]:
    """fingerprint.normalise(text) and the hashes of its sentences, from one normalisation of the text: normalising
    each sentence again cost a third of a signature."""
    sentences = [WORD.findall(s) for s in SENTENCE_END.split(unicodedata.normalize("NFKC", text).casefold())]
    return (" ".join(itertools.chain.from_iterable(sentences)),
            _hashes([" ".join(words) for words in sentences if len(words) >= MIN_SENTENCE_WORDS]))


def fact_hashes(text: str) -> np.ndarray:
    return _hashes([fact.replace(",", "").casefold() for fact in FACT.findall(text)])


def shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many hashes two sorted distinct arrays have in common."""
    return int(np.intersect1d(a, b, assume_unique=True).size)


@functools.cache
def _byte_powers(length: int) -> np.ndarray:
    """BYTE_BASE**k mod 2**64 for k < length (uint64 products wrap)."""
    powers = np.full(length, BYTE_BASE, dtype=np.uint64)
    powers[0] = 1
    return np.cumprod(powers, dtype=np.uint64)


def _bucket(length: int) -> int:
    """The power of two at or above `length`, so that few power tables are ever made."""
    return 1 << max(0, length - 1).bit_length()


def word_hashes(words: bytes) -> np.ndarray:
    """The 64-bit hash of each word of `words` (single-space separated), in order: the sum of
    (byte + 1) * BYTE_BASE**k over its bytes (k: the byte's place in the word), mixed."""
    data = np.frombuffer(words, dtype=np.uint8)
    if not len(data):
        return np.empty(0, dtype=np.uint64)
    spaces = np.flatnonzero(data == ord(" "))
    starts = np.concatenate(([0], spaces + 1))
    # Each byte's place in its word: its position less its word's start (the last start at or before it).
    first = np.zeros(len(data), dtype=np.int64)
    first[starts] = starts
    place = np.arange(len(data)) - np.maximum.accumulate(first)
    with np.errstate(over="ignore"):
        terms = (data + np.uint64(1)) * _byte_powers(_bucket(int(place.max()) + 1))[place]
    terms[spaces] = 0
    return splitmix64(np.add.reduceat(terms, starts))


def splitmix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer: every output bit depends on every input bit."""
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps around by design
        mixed = values ^ (values >> np.uint64(30))
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(27)
        mixed *= np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
    return mixed
