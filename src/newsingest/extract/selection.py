"""Which lines of a page are the article: trafilatura twice, and a small learned model between them.

trafilatura's precision mode leaves out real paragraphs (captions, short paragraphs, subheadings at the
edges) and its recall mode lets in furniture; neither is better on real pages (../shared/eval). Here the
recall mode's lines are the candidates, and a logistic regression on shallow features of each line (is it
in the precision mode's output, and are its neighbours; its length, stop-word density, digits, position
relative to the precision mode's span; after Kohlschütter et al. 2010) decides which are article text.
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
import trafilatura

from newsingest.extract.html import LAYOUT_TABLE_SHARE, table_row_share
from newsingest.extract.language import count_words
from newsingest.extract.text import normalise_line, stopwords

MODEL_PATH = Path(__file__).with_name("line_model.json")
TOKEN = re.compile(r"\w+")
SENTENCE_END = tuple(".!?\"”'。！？")
FEATURES = (
    "in_precision", "log_words", "ends_like_sentence", "starts_upper", "position", "previous_in_precision",
    "next_in_precision", "inside_precision_span", "log_distance_to_span", "digit_share", "stopword_density",
    "precision_empty", "at_most_3_words", "list_item", "table_row", "log_precision_lines",
    "stopword_density_x_log_words",
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


def recall_lines(html: str, url: str | None) -> list[str]:
    """trafilatura's recall-mode text of the page, one paragraph per line (no metadata: the precision run
    in html.py has it). On a page laid out with <table>, the text without tables, as html.py does."""
    text = _recall_text(html, url, include_tables=True)
    if table_row_share(text) > LAYOUT_TABLE_SHARE:
        text = _recall_text(html, url, include_tables=False) or text
    return text.splitlines()


def _recall_text(html: str, url: str | None, include_tables: bool) -> str:
    document = trafilatura.bare_extraction(html, url=url, with_metadata=False, include_comments=False,
                                           deduplicate=False, favor_recall=True, include_tables=include_tables)
    return (document.text or "") if document is not None else ""


def _key(line: str) -> str:
    """The same paragraph in both modes: spacing and a list marker aside."""
    return " ".join(line.split()).removeprefix("- ")


def line_features(lines: list[str], precision_lines: list[str], language: str | None) -> np.ndarray:
    """One row of FEATURES per candidate line."""
    in_precision_keys = {_key(line) for line in precision_lines}
    in_precision = [_key(line) in in_precision_keys for line in lines]
    marked = [i for i, found in enumerate(in_precision) if found]
    first, last = (marked[0], marked[-1]) if marked else (len(lines), -1)
    common = stopwords(language) or frozenset()
    rows = []
    for i, line in enumerate(lines):
        words = count_words(line)
        tokens = TOKEN.findall(line.casefold())
        stopword_density = sum(token in common for token in tokens) / len(tokens) if tokens else 0.0
        distance = 0 if first <= i <= last else (first - i if i < first else i - last)
        rows.append((
            in_precision[i], math.log1p(words), line.endswith(SENTENCE_END), line[:1].isupper(),
            i / max(1, len(lines) - 1), i > 0 and in_precision[i - 1], i + 1 < len(lines) and in_precision[i + 1],
            first <= i <= last, math.log1p(distance), sum(ch.isdigit() for ch in line) / len(line),
            stopword_density, not marked, words <= 3, line.startswith("- "), line.startswith("|"),
            math.log1p(len(precision_lines)), stopword_density * math.log1p(words),
        ))
    return np.array(rows, dtype=float).reshape(len(lines), len(FEATURES))


def candidate_lines(recall: list[str], precision: list[str]) -> list[str]:
    """The recall mode's non-blank lines; the precision mode's when recall found none."""
    lines = [normalise_line(line) for line in (recall if any(map(str.strip, recall)) else precision)]
    return [line for line in lines if line]


def judge_lines(lines: list[str], precision: list[str], title: str | None, language: str | None,
                model: LineModel | None = None) -> dict[int, str]:
    """index -> reason for the candidate lines that are not article text: `title` for a line repeating the
    title (a field of its own), `line_model` for a line only the recall mode found that the model drops.
    The precision mode's own lines stay: the model is there to add what that mode missed (taking them out
    too scored lower on the development set, 0.9228 against 0.9242 on real_pages.py's 120 pages)."""
    title_key = _key(title or "")
    reasons = {i: "title" for i, line in enumerate(lines) if title_key and _key(line) == title_key}
    judged = [i for i in range(len(lines)) if i not in reasons]
    if judged:
        model = model or load_model()
        keep = model.probabilities(line_features([lines[i] for i in judged], precision, language)) >= model.threshold
        in_precision = {_key(line) for line in precision}
        reasons.update({i: "line_model" for i, kept in zip(judged, keep)
                        if not kept and _key(lines[i]) not in in_precision})
    return reasons
