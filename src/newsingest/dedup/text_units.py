"""A text's sentences and facts, each as a sorted array of distinct 64-bit hashes.

- Sentences (normalised, MIN_SENTENCE_WORDS words or more): a copy that reorders sentences, drops some and
  rewrites a few keeps most of the others word for word; so does an excerpt from anywhere in the story.
  Short lines (bylines, "Advertisement", "Share") are left out: they are shared by unrelated articles.
- Facts: the figures and the capitalised words that do not start a sentence (names of people, places,
  companies). Two short items in the same template differ exactly there.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata

import numpy as np

from newsingest.fingerprint import WORD

MIN_SENTENCE_WORDS = 5
# A sentence ends at . ! ? before white space (closing quotes or brackets between), or at a line break;
# these are never word characters, so splitting there leaves every word whole.
SENTENCE_END = re.compile(r"[.!?]+(?=[\"'”’)\]]*(?:\s|$))|\n")
# Figures, and capitalised words after a lower-case word or a comma (so not at a sentence start).
# (The capital is matched before the look-behind: looking behind at every position cost twice as much.)
FACT = re.compile(r"\d+(?:[.,]\d+)*|[A-Z](?<=[a-z,;:] [A-Z])[\w'’-]+")
EMPTY = np.empty(0, dtype=np.uint64)


def _hashes(units: list[str]) -> np.ndarray:
    """Sorted distinct 64-bit BLAKE2b hashes (stable across processes, unlike hash())."""
    if not units:
        return EMPTY
    digests = b"".join(hashlib.blake2b(u.encode("utf-8"), digest_size=8).digest() for u in set(units))
    return np.unique(np.frombuffer(digests, dtype="<u8"))


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
