"""Source-health checks: quiet, failing and shrinking sources are flagged against their own history."""

from newsingest.health import AlertKind, HealthSettings, SourceTally, source_alerts, source_of
from newsingest.records import RawDocument, Rejection

SETTINGS = HealthSettings(consecutive_runs=3, history_runs=10, drop_ratio=0.25, min_baseline=8)


def kinds(current, history):
    return {a.source: a.kind for a in source_alerts(current, history, SETTINGS)}


def test_a_source_silent_for_three_runs_is_flagged_but_not_after_two():
    history = [{"a.example": (0, 0)}, {"a.example": (0, 0)}, {"a.example": (5, 0)}]
    assert kinds({"a.example": (0, 0)}, history) == {"a.example": AlertKind.SILENT}
    assert kinds({"a.example": (0, 0)}, history[1:]) == {}


def test_a_source_with_only_errors_for_three_runs_is_flagged():
    history = [{"a.example": (2, 2)}, {"a.example": (1, 1)}]
    assert kinds({"a.example": (1, 1)}, history) == {"a.example": AlertKind.FAILING}
    assert kinds({"a.example": (3, 1)}, history) == {}


def test_a_sudden_drop_against_the_median_is_flagged_and_small_sources_are_not_judged():
    history = [{"big.example": (40, 0), "small.example": (4, 0)}] * 5
    assert kinds({"big.example": (5, 0), "small.example": (0, 0)}, history) == {"big.example": AlertKind.VOLUME_DROP}
    assert kinds({"big.example": (30, 0), "small.example": (4, 0)}, history) == {}


def test_tally_keys_items_by_outlet_host_or_folder_and_counts_source_errors():
    tally = SourceTally()
    tally.add([RawDocument(origin="https://www.a.example/1", body=b"x", url="https://www.a.example/1"),
               RawDocument(origin="news/x.jsonl:3", body=b"y", url=None),
               Rejection(doc_id="1", origin="news/missing.html", stage="source", reason="not_found", message="")])
    tally.fail("feed.example")
    assert tally.rows(expected=["quiet.example"]) == [
        ("a.example", 1, 0), ("feed.example", 1, 1), ("file:news", 2, 1), ("quiet.example", 0, 0)]
    assert source_of(Rejection(doc_id="2", origin="http://b.example/feed", stage="source", reason="x",
                               message="")) == "b.example"
