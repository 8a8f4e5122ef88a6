"""A text's sentences and facts, each as a sorted array of distinct 64-bit hashes.

- Sentences (normalised, MIN_SENTENCE_WORDS words or more): a copy that reorders sentences, drops some and
  rewrites a few keeps most of the others word for word; so does an excerpt from anywhere in the story.
  Short lines (bylines, "Advertisement", "Share") are left out: they are shared by unrelated articles.
- Facts: the figures and the capitalised words that do not start a sentence (names of people, places,
  companies). Two short items in the same template differ exactly there.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

MIN_SENTENCE_WORDS = 5
# A sentence ends at . ! ? (closing quotes or brackets may follow) before a space and a capital or digit,
# or at a line break.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
# A capitalised word after a lower-case word (so not at a sentence start).
NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][\w'’-]+")
EMPTY = np.empty(0, dtype=np.uint64)
WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, case-folded, punctuation dropped, whitespace collapsed: equal for copies differing only there."""
    # Punctuation and whitespace are all that is not a word character, so joining the runs of word
    # characters drops the one and collapses the other in one pass (measured ~1.7x faster than two subs).
    return " ".join(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _hashes(units: list[str]) -> np.ndarray:
    """Sorted distinct 64-bit BLAKE2b hashes (stable across processes, unlike hash())."""
    if not units:
        return EMPTY
    digests = b"".join(hashlib.blake2b(u.encode("utf-8"), digest_size=8).digest() for u in set(units))
    return np.unique(np.frombuffer(digests, dtype="<u8"))


def sentence_hashes(text: str) -> np.ndarray:
    sentences = (normalise(s) for s in SENTENCE_END.split(text))
    return _hashes([s for s in sentences if s.count(" ") + 1 >= MIN_SENTENCE_WORDS])


def fact_hashes(text: str) -> np.ndarray:
    return _hashes([f.replace(",", "") for f in FIGURE.findall(text)] + [n.casefold() for n in NAME.findall(text)])


def shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many hashes two sorted distinct arrays have in common."""
    return int(np.intersect1d(a, b, assume_unique=True).size)
