"""Near-duplicate quality on the team's labelled set (tests/fixtures/dedup), against the plain baseline."""


import pytest

from benchmarks.dedup_quality import baseline_clusters, load, newsingest_clusters, score
from newsingest.dedup.index import LshSettings

from conftest import FIXTURES

RECORDS = load(FIXTURES / "dedup" / "articles.jsonl")


@pytest.fixture(scope="module")
def ours():
    return score("newsingest", RECORDS, lambda rs: newsingest_clusters(rs, LshSettings()))


def test_labelled_set_is_large_enough():
    assert len(RECORDS) >= 300


def test_quality_floor(ours):
    assert ours.precision >= 0.99
    assert ours.recall >= 0.97
    assert ours.ari >= 0.97


def test_beats_the_plain_datasketch_baseline(ours):
    baseline = score("baseline", RECORDS, baseline_clusters)
    assert ours.f1 > baseline.f1


def test_every_kind_of_copy_is_found(ours):
    assert min(ours.recall_by_variant.values()) >= 0.9, ours.recall_by_variant
