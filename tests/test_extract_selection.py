"""The learned line model (extract/selection.py) on a page shaped like the development set's: trafilatura's
recall mode adds another story's teasers and a link list below the article, which its readability port
leaves out; the article's own paragraphs stay."""

from __future__ import annotations

import json

import numpy as np
import pytest

from newsingest.extract.quality import ShingledText
from newsingest.extract.selection import FEATURES, MODEL_PATH, LineModel, judge_lines, line_features, load_model

TITLE = "Harbour bridge to close for six weeks of repairs"
ARTICLE = [
    "The Harbour Bridge will close to traffic for six weeks from 3 March while engineers replace worn "
    "expansion joints, the city council said on Tuesday.",
    "Buses will be diverted over the Mill Street crossing, adding about ten minutes to journeys into the "
    "centre at peak times, according to the transport authority.",
    "The council said the work could not wait until the summer because two of the joints had cracked "
    "during the January frosts.",
]
# Readability joins the paragraphs it takes into one text and splits them its own way.
READABILITY = " ".join(ARTICLE)
RECALL = [
    TITLE,
    "Engineers inspecting the underside of the bridge in January.",
    *ARTICLE,
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
    dropped = judge_lines(RECALL, READABILITY, TITLE, "en", min_words=20)
    kept = [line for i, line in enumerate(RECALL) if i not in dropped]
    assert set(ARTICLE) <= set(kept)
    assert dropped[0] == "title"
    assert {RECALL[i] for i, reason in dropped.items() if reason == "line_model"} >= set(RECALL[5:])


def test_without_a_readability_text_the_recall_lines_are_judged_alone():
    dropped = judge_lines(RECALL[1:], "", None, "en", min_words=20)
    kept = [line for i, line in enumerate(RECALL[1:]) if i not in dropped]
    assert set(ARTICLE) <= set(kept)


def test_the_model_never_leaves_less_than_an_article_of_candidates_that_hold_more():
    """A model that drops every line (threshold 1) drops a page of furniture, but not an article's paragraphs:
    emptied, the page would be rejected whole."""
    drop_all = LineModel(np.zeros(len(FEATURES) + 1), np.zeros(len(FEATURES)), np.ones(len(FEATURES)), 1.0)
    assert set(judge_lines(ARTICLE, READABILITY, None, "en", min_words=0, model=drop_all).values()) == {"line_model"}
    assert judge_lines(ARTICLE, READABILITY, None, "en", min_words=20, model=drop_all) == {}
    furniture = RECALL[5:]
    assert sum(len(line.split()) for line in furniture) < 25
    assert len(judge_lines(furniture, READABILITY, None, "en", min_words=25, model=drop_all)) == len(furniture)


def test_a_line_counts_as_in_a_text_split_or_trimmed_differently():
    text = ShingledText.of(READABILITY)
    assert text.contains(ARTICLE[1])
    assert text.contains(ARTICLE[1][:60])  # cut at an edge: still most of its shingles
    assert text.contains("city council said")  # short: word for word
    assert not text.contains("Council tax to rise by 5% in April")
    assert not text.contains("Sign in")


@pytest.mark.parametrize("language", ["en", "zh", None])
def test_features_are_one_row_per_line_in_any_language(language):
    features = line_features(RECALL, READABILITY, language)
    assert features.shape == (len(RECALL), len(FEATURES))
    assert features[:, FEATURES.index("in_readability")].tolist() == [line in ARTICLE for line in RECALL]
