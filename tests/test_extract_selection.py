"""The learned line model (extract/selection.py) on a page shaped like the development set's: trafilatura's
recall mode adds another story's teasers and a link list below the article, which its precision mode
leaves out; the article's own paragraphs, and a caption only the recall mode found, stay."""

from __future__ import annotations

import json

import pytest

from newsingest.extract.selection import FEATURES, MODEL_PATH, judge_lines, line_features, load_model

TITLE = "Harbour bridge to close for six weeks of repairs"
PRECISION = [
    "The Harbour Bridge will close to traffic for six weeks from 3 March while engineers replace worn "
    "expansion joints, the city council said on Tuesday.",
    "Buses will be diverted over the Mill Street crossing, adding about ten minutes to journeys into the "
    "centre at peak times, according to the transport authority.",
    "The council said the work could not wait until the summer because two of the joints had cracked "
    "during the January frosts.",
]
RECALL = [
    TITLE,
    "Engineers inspecting the underside of the bridge in January.",
    *PRECISION,
    "Most popular",
    "Council tax to rise by 5% in April",
    "New cycle lanes open on the ring road",
    "Sign in",
    "Contact us",
]


def test_the_committed_model_matches_the_features():
    stored = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert tuple(stored["features"]) == FEATURES
    assert len(stored["weights"]) == len(FEATURES) + 1
    assert 0.0 < load_model().threshold < 1.0


def test_article_lines_stay_and_the_furniture_below_goes():
    dropped = judge_lines(RECALL, PRECISION, TITLE, "en")
    kept = [line for i, line in enumerate(RECALL) if i not in dropped]
    assert kept == [RECALL[1], *PRECISION]  # the caption too, which only the recall mode found
    assert dropped[0] == "title"
    assert {RECALL[i] for i, reason in dropped.items() if reason == "line_model"} == set(RECALL[5:])


def test_without_a_precision_text_the_recall_lines_are_judged_alone():
    dropped = judge_lines(RECALL[1:], [], None, "en")
    kept = [line for i, line in enumerate(RECALL[1:]) if i not in dropped]
    assert set(PRECISION) <= set(kept)


@pytest.mark.parametrize("language", ["en", "zh", None])
def test_features_are_one_row_per_line_in_any_language(language):
    features = line_features(RECALL, PRECISION, language)
    assert features.shape == (len(RECALL), len(FEATURES))
