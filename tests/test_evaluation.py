import pytest

from newsingest.evaluation import adjusted_rand_index, pairwise_scores


def test_perfect_and_partial_pairwise_scores():
    truth = ["a", "a", "a", "b", "b", "c"]
    assert pairwise_scores(truth, [1, 1, 1, 2, 2, 3]).f1 == 1.0
    # predicted merges b into a: 4 true pairs found of 4, 10 predicted pairs of which 4 right
    merged = pairwise_scores(truth, [1, 1, 1, 1, 1, 3])
    assert (merged.precision, merged.recall) == (pytest.approx(0.4), 1.0)
    split = pairwise_scores(truth, [1, 1, 2, 3, 3, 4])
    assert (split.precision, split.recall) == (1.0, pytest.approx(0.5))


def test_ari_is_one_for_identical_and_near_zero_for_unrelated():
    truth = [0, 0, 1, 1, 2, 2]
    assert adjusted_rand_index(truth, ["x", "x", "y", "y", "z", "z"]) == pytest.approx(1.0)
    assert adjusted_rand_index(truth, [0, 1, 2, 0, 1, 2]) < 0.1
    # the standard worked example (sklearn's docs): ARI of [0,0,1,1] vs [0,0,1,2] is 0.5714...
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.5714285714)
