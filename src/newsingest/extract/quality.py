"""Token-level extraction quality, as the article-extraction-benchmark measures it.

Tokens are whitespace-separated words; the overlap of a prediction with the truth is a multiset
intersection (a word found twice counts twice only if the truth has it twice). Scores are per document,
then averaged over documents, so a long page weighs no more than a short one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat


@dataclass(frozen=True, slots=True)
class TokenScores:
    precision: float
    recall: float
    f1: float


def token_scores(predicted: str, truth: str) -> TokenScores:
    """Precision, recall and F1 of `predicted` against `truth`.

    An empty prediction of a non-empty truth scores 0 on all three (nothing extracted is a failure, not a
    perfectly precise answer); two empty texts agree perfectly.
    """
    predicted_tokens, true_tokens = Counter(predicted.split()), Counter(truth.split())
    if not predicted_tokens or not true_tokens:
        same = not predicted_tokens and not true_tokens
        return TokenScores(float(same), float(same), float(same))
    overlap = sum((predicted_tokens & true_tokens).values())
    precision = overlap / sum(predicted_tokens.values())
    recall = overlap / sum(true_tokens.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return TokenScores(precision, recall, f1)


def mean_scores(scores: Iterable[TokenScores]) -> TokenScores:
    scores = list(scores)
    if not scores:
        raise ValueError("no documents to average")
    return TokenScores(*(sum(getattr(s, name) for s in scores) / len(scores)
                         for name in ("precision", "recall", "f1")))


# The article-extraction-benchmark's metric (and ../shared/checks/real_pages.py's): word tokens in 4-token
# shingles, precision and recall per page, averaged over pages, and the F1 of the two means.
SHINGLE_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    return _token_shingles(SHINGLE_TOKEN.findall(text or ""))


def _token_shingles(tokens: list[str]) -> Counter[tuple[str, ...]]:
    """Each run of SHINGLE_SIZE tokens; fewer tokens than that are one shingle, no tokens none."""
    if len(tokens) < SHINGLE_SIZE:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(zip(*(tokens[start:] for start in range(SHINGLE_SIZE))))


def shingle_precision_recall(predicted: str, truth: str) -> tuple[float, float]:
    """Two empty texts agree perfectly; an empty prediction of a non-empty truth scores 0."""
    true, found = shingles(truth), shingles(predicted)
    hits = sum((true & found).values())
    extra, missed = sum((found - true).values()), sum((true - found).values())
    if extra == missed == 0:
        return 1.0, 1.0
    return (hits / (hits + extra) if hits + extra else 0.0), (hits / (hits + missed) if hits + missed else 0.0)


def f1_of_means(pairs: Iterable[tuple[float, float]]) -> TokenScores:
    """Mean precision, mean recall and the F1 of the two means."""
    pairs = list(pairs)
    if not pairs:
        raise ValueError("no documents to average")
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    return TokenScores(precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0)


@dataclass(frozen=True, slots=True)
class ShingledText:
    """A text as shingles and as one string of its tokens, to ask whether a line is part of it."""

    shingles: Counter[tuple[str, ...]]
    tokens: str

    @classmethod
    def of(cls, text: str) -> ShingledText:
        tokens = SHINGLE_TOKEN.findall(text)
        return cls(_token_shingles(tokens), " ".join(tokens))

    def contains(self, line: str) -> bool:
        """Half the line's shingles are in the text (a line of fewer than four words: it occurs in it, word
        for word): paragraphs split or joined differently, or trimmed at an edge, still count."""
        tokens = SHINGLE_TOKEN.findall(line)
        if len(tokens) < SHINGLE_SIZE:
            return bool(tokens) and f" {' '.join(tokens)} " in f" {self.tokens} "
        own = _token_shingles(tokens)
        # the size of the multiset intersection, as (own & self.shingles) counts it
        shared = sum(map(min, own.values(), map(self.shingles.get, own, repeat(0))))
        return shared * 2 >= len(tokens) - SHINGLE_SIZE + 1
