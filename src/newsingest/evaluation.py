"""Clustering quality against labelled data: pairwise precision/recall/F1 and the Adjusted Rand Index.

Used by the quality benchmarks and by the tests that assert a floor on the labelled sets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from math import comb


@dataclass(frozen=True, slots=True)
class PairwiseScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def _pairs_within(groups: Counter) -> int:
    return sum(comb(size, 2) for size in groups.values())


def pairwise_scores(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> PairwiseScores:
    """Pairs of items put together: how many of the predicted pairs are right, how many true pairs found.

    With no predicted pairs precision is 1.0 (nothing claimed wrongly); with no true pairs recall is 1.0.
    """
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted labels must have the same length")
    true_pairs = _pairs_within(Counter(truth))
    predicted_pairs = _pairs_within(Counter(predicted))
    correct = _pairs_within(Counter(zip(truth, predicted)))
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScores(precision, recall, f1, true_pairs, predicted_pairs, correct)


def adjusted_rand_index(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Hubert & Arabie's ARI: 1 for identical clusterings, about 0 for chance agreement."""
    n = len(truth)
    if n < 2:
        return 1.0
    index = _pairs_within(Counter(zip(truth, predicted)))
    sum_true = _pairs_within(Counter(truth))
    sum_pred = _pairs_within(Counter(predicted))
    expected = sum_true * sum_pred / comb(n, 2)
    maximum = (sum_true + sum_pred) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)
