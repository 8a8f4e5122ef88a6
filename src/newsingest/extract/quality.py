"""Token-level extraction quality, as the article-extraction-benchmark measures it.

Tokens are whitespace-separated words; the overlap of a prediction with the truth is a multiset
intersection (a word found twice counts twice only if the truth has it twice). Scores are per document,
then averaged over documents, so a long page weighs no more than a short one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


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
