"""Which lines of a page are the article: trafilatura's recall mode proposes, a small learned model decides.

trafilatura's precision mode leaves out real paragraphs (captions, short paragraphs, subheadings at the
edges) and its recall mode lets in furniture; neither is better on real pages (../shared/eval). Here the
recall mode's lines are the candidates, and a logistic regression on shallow features of each line decides
which are article text: its length, stop-word density, digits, position, and those of its neighbours (after
Kohlschütter et al. 2010), and whether a second extractor, trafilatura's readability port, took the line and
its neighbours too (a paragraph-level vote, after Bevendorff et al. 2023). One trafilatura run instead of a
precision run and a recall run: readability costs a fraction of a run.
The weights are trained by benchmarks/train_line_model.py on the development set, with held-out folds.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from newsingest.extract.language import count_words
from newsingest.extract.quality import ShingledText
from newsingest.extract.text import TITLE, normalise_line, stopwords

MODEL_PATH = Path(__file__).with_name("line_model.json")
TOKEN = re.compile(r"\w+")
SENTENCE_END = tuple(".!?\"”'。！？")
FEATURES = (
    "log_words", "ends_like_sentence", "starts_upper", "position", "digit_share", "stopword_density",
    "at_most_3_words", "list_item", "table_row", "stopword_density_x_log_words", "in_readability",
    "previous_in_readability", "next_in_readability", "readability_empty", "inside_readability_span",
    "log_distance_to_readability_span", "previous_log_words", "next_log_words", "previous_stopword_density",
    "next_stopword_density",
)


@dataclass(frozen=True, slots=True)
class LineModel:
    """Logistic regression over standardised FEATURES; a line is kept at probability >= threshold."""

    weights: np.ndarray  # bias first
    mean: np.ndarray
    scale: np.ndarray
    threshold: float

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        standard = (features - self.mean) / self.scale
        return 1 / (1 + np.exp(-(self.weights[0] + standard @ self.weights[1:])))

    def to_json(self, **about) -> str:
        return json.dumps({"features": FEATURES, "weights": self.weights.round(6).tolist(),
                           "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
                           "threshold": self.threshold, **about}, indent=1)


@cache
def load_model(path: Path = MODEL_PATH) -> LineModel:
    stored = json.loads(path.read_text(encoding="utf-8"))
    if tuple(stored["features"]) != FEATURES:
        raise ValueError(f"{path} was trained on other features: retrain it (benchmarks/train_line_model.py)")
    return LineModel(np.array(stored["weights"]), np.array(stored["mean"]), np.array(stored["scale"]),
                     stored["threshold"])


def _key(line: str) -> str:
    """The same paragraph twice: spacing and a list marker aside."""
    return " ".join(line.split()).removeprefix("- ")


def _span(marked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per line: inside the span from the first to the last marked line, and log(1 + lines outside it)."""
    positions = np.arange(len(marked))
    found = np.flatnonzero(marked)
    if not len(found):
        return np.zeros(len(marked)), np.full(len(marked), math.log1p(len(marked)))
    first, last = found[0], found[-1]
    distance = np.where(positions < first, first - positions, np.where(positions > last, positions - last, 0))
    return (distance == 0).astype(float), np.log1p(distance)


def _neighbours(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each line's previous and next line's value (0 beyond the edges)."""
    return np.r_[0.0, values[:-1]], np.r_[values[1:], 0.0]


def line_features(lines: list[str], readability_text: str, language: str | None) -> np.ndarray:
    """One row of FEATURES per candidate line."""
    if not lines:
        return np.zeros((0, len(FEATURES)))
    readability = ShingledText.of(readability_text)
    common = stopwords(language) or frozenset()
    log_words, stopword_density, own = [], [], []
    for i, line in enumerate(lines):
        tokens, words = TOKEN.findall(line.casefold()), count_words(line)
        log_words.append(math.log1p(words))
        stopword_density.append(sum(map(common.__contains__, tokens)) / len(tokens) if tokens else 0.0)
        own.append((
            line.endswith(SENTENCE_END), line[:1].isupper(), i / max(1, len(lines) - 1),
            sum(map(str.isdigit, line)) / len(line), words <= 3, line.startswith("- "),
            line.startswith("|"),
        ))
    log_words, stopword_density, own = np.array(log_words), np.array(stopword_density), np.array(own, dtype=float)
    in_readability = np.array([readability.contains(line) for line in lines], dtype=float)
    ends_like_sentence, starts_upper, position, digit_share, short, list_item, table_row = own.T
    return np.column_stack((
        log_words, ends_like_sentence, starts_upper, position, digit_share, stopword_density, short, list_item,
        table_row, stopword_density * log_words, in_readability, *_neighbours(in_readability),
        np.full(len(lines), not readability_text.strip()), *_span(in_readability), *_neighbours(log_words),
        *_neighbours(stopword_density),
    ))


def candidate_lines(lines: list[str]) -> list[str]:
    """The non-blank lines of trafilatura's text, surrounding whitespace off."""
    return [line for line in map(normalise_line, lines) if line]


def judge_lines(lines: list[str], readability_text: str, title: str | None, language: str | None,
                min_words: int, model: LineModel | None = None) -> dict[int, str]:
    """index -> reason for the candidate lines that are not article text: `title` for a line repeating the
    title (a field of its own), `line_model` for a line the model drops. The model never leaves less than an
    article (`min_words`) of candidates that hold more: on the real pages, the pages it would empty were
    articles (4 of 954 with 195-509 words by the gold), and a page dropped whole is the worse error."""
    title_key = _key(title or "")
    reasons = {i: TITLE for i, line in enumerate(lines) if title_key and _key(line) == title_key}
    judged = [i for i in range(len(lines)) if i not in reasons]
    if judged:
        model = model or load_model()
        kept = model.probabilities(line_features([lines[i] for i in judged], readability_text, language))
        dropped = {i: "line_model" for i, p in zip(judged, kept) if p < model.threshold}
        if _words(lines, dropped.keys() | reasons.keys()) >= min_words or _words(lines, reasons.keys()) < min_words:
            reasons.update(dropped)
    return reasons


def _words(lines: list[str], left_out: set[int]) -> int:
    return sum(count_words(line) for i, line in enumerate(lines) if i not in left_out)
