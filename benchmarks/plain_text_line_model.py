"""Would a learned line model clean flattened plain text better than the rules? Held-out folds say how much.

On the plain-text set of the development pages (each page as trafilatura's recall mode flattens it, one
paragraph per line, each line labelled body or cruft by the gold: `extraction_quality.py --dev
--plain-text`), a logistic regression (numpy, Newton steps, deterministic) judges every line the rules
leave, on jusText-style shallow features of the line and of its neighbours (Kohlschütter et al. 2010;
Pomikálek 2011): length, stop-word density, sentence ending, paragraph or not, capitalised and digit
share, link-ish separators, removed by a rule, its title words; the same of the lines above and below,
two lines further, and a window of seven; its place relative to the first and last paragraph.
It is trained on four folds of the pages (by page id) and scored on the fifth; a line goes when a rule
removes it or the model gives it a body probability below the threshold. Prints cruft removed and body
lines lost at several thresholds (body loss is the worse error):

    .venv/bin/python benchmarks/plain_text_line_model.py

Nothing here is used by the cleaner: see docs/extraction.md (plain text) for why.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from dataclasses import dataclass

import numpy as np

from extraction_quality import FOLDS, _norm, _tokens, in_gold, load_pages, recall_lines, unpack_dev
from newsingest.extract.decode import decode
from newsingest.extract.flattened import STATEMENT_END, is_paragraph
from newsingest.extract.language import count_words, detect_language
from newsingest.extract.quality import shingles
from newsingest.extract.selection import LineModel
from newsingest.extract.text import clean_text, normalise_line, split_title, stopwords

THRESHOLDS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
LINKISH = re.compile(r"[|»›>•·]")
LETTER_WORD = re.compile(r"[^\W\d_]+")
STEM_LENGTH = 5
L2 = 1e-3
NEWTON_STEPS = 25  # a convex problem: plenty


@dataclass(slots=True)
class PageLines:
    """One flattened page: a feature row, a gold label and the rules' verdict for each non-blank line."""

    features: np.ndarray
    is_body: np.ndarray
    removed_by_rule: np.ndarray
    lines: list[str]


def _stems(text: str, common: frozenset[str]) -> set[str]:
    return {word.lower()[:STEM_LENGTH] for word in LETTER_WORD.findall(text) if word.lower() not in common}


def _own_features(line: str, common: frozenset[str], title_stems: set[str], removed: bool) -> list[float]:
    words = LETTER_WORD.findall(line)
    count = max(1, len(words))
    stems = _stems(line, common)
    return [math.log1p(count_words(line)), sum(word.lower() in common for word in words) / count,
            float(line.endswith(STATEMENT_END)), float(is_paragraph(line)),
            sum(word[0].isupper() for word in words) / count, sum(c.isdigit() for c in line) / max(1, len(line)),
            float(LINKISH.search(line) is not None), float(removed), len(stems & title_stems) / max(1, len(stems))]


PARAGRAPH, REMOVED, TITLE_WORDS, LENGTH = 3, 7, 8, 0  # columns of _own_features used again in context


def page_lines(flattened: list[str], truth: str) -> PageLines | None:
    text = "\n".join(flattened)
    removed = {line.position for line in clean_text(text).removed}
    title, body, start = split_title(text)
    numbered = [(position, normalise_line(line)) for position, line in enumerate(body, start) if normalise_line(line)]
    if not numbered:
        return None
    common = stopwords(detect_language("\n".join(line for _, line in numbered))) or stopwords("en")
    title_stems = _stems(title or "", common)
    own = np.array([_own_features(line, common, title_stems, position in removed) for position, line in numbered])
    count = len(own)
    paragraphs = [i for i in range(count) if own[i, PARAGRAPH] and not own[i, REMOVED]]
    first, last = (paragraphs[0], paragraphs[-1]) if paragraphs else (count, -1)
    blank = np.zeros(own.shape[1])
    rows = []
    for i in range(count):
        above2, above, below, below2 = (own[j] if 0 <= j < count else blank for j in (i - 2, i - 1, i + 1, i + 2))
        window = own[max(0, i - 3): i + 4]
        rows.append(np.concatenate([own[i], above, below, [
            above2[PARAGRAPH], below2[PARAGRAPH], window[:, PARAGRAPH].mean(), window[:, LENGTH].mean(),
            window[:, TITLE_WORDS].mean(), own[:, TITLE_WORDS].mean(), own[:, PARAGRAPH].mean(), i / count,
            float(i < first), float(i > last), (first - i) / count if i < first else 0.0,
            (i - last) / count if i > last else 0.0, math.log1p(count), math.log1p(len(paragraphs))]]))
    gold, gold_tokens = shingles(truth), _tokens(truth)
    return PageLines(np.array(rows), np.array([in_gold(line, gold, gold_tokens) for _, line in numbered]),
                     np.array([position in removed for position, _ in numbered]), [line for _, line in numbered])


def fit(features: np.ndarray, labels: np.ndarray) -> LineModel:
    """L2-regularised logistic regression by Newton's method, as benchmarks/train_line_model.py fits the
    HTML path's line model (LineModel: bias first; its threshold is not used here)."""
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-9
    design = np.hstack([np.ones((len(features), 1)), (features - mean) / scale])
    beta = np.zeros(design.shape[1])
    for _ in range(NEWTON_STEPS):
        p = 1 / (1 + np.exp(-design @ beta))
        hessian = (design * (p * (1 - p))[:, None]).T @ design + L2 * np.eye(len(beta))
        beta -= np.linalg.solve(hessian, design.T @ (p - labels) + L2 * beta)
    return LineModel(beta, mean, scale, threshold=0.0)


def held_out_probabilities(pages: list[PageLines]) -> list[np.ndarray]:
    """Each page's body probabilities from the model trained on the other folds (fold = index % FOLDS)."""
    scored: list[np.ndarray] = [np.empty(0)] * len(pages)
    for fold in range(FOLDS):
        train = [page for index, page in enumerate(pages) if index % FOLDS != fold]
        model = fit(np.vstack([page.features for page in train]),
                    np.concatenate([page.is_body for page in train]).astype(float))
        for index, page in enumerate(pages):
            if index % FOLDS == fold:
                scored[index] = model.probabilities(page.features)
    return scored


def curve_point(pages: list[PageLines], scored: list[np.ndarray], threshold: float) -> str:
    """Cruft removed and body lost when the lines below `threshold` go with the rules' (a body line whose
    copy stays is not lost, as in extraction_quality.plain_text_counts)."""
    body = cruft = lost = cleaned = 0
    for page, probability in zip(pages, scored, strict=True):
        removed = page.removed_by_rule | (probability < threshold)
        kept = {_norm(line) for line, gone in zip(page.lines, removed, strict=True) if not gone}
        for line, is_body, gone in zip(page.lines, page.is_body, removed, strict=True):
            body, cruft = body + is_body, cruft + (not is_body)
            cleaned += gone and not is_body
            lost += gone and is_body and _norm(line) not in kept
    return (f"| {threshold:.2f} | {cleaned} of {cruft} ({cleaned / cruft:.1%}) | {lost} of {body} "
            f"({lost / body:.2%}) |")


def main() -> int:
    folder = unpack_dev()
    pages = []
    for page in load_pages(folder / "html", folder / "ground-truth.json"):
        html = unicodedata.normalize("NFC", decode(page.html, None).text)
        if (flattened := recall_lines(html, page.url)) and (lines := page_lines(flattened, page.truth)):
            pages.append(lines)
    print(f"{len(pages)} pages flattened by trafilatura's recall mode; {FOLDS} folds by page, held out")
    print("| threshold (body probability) | cruft removed | body lines lost |\n|---:|---:|---:|")
    scored = held_out_probabilities(pages)
    for threshold in THRESHOLDS:
        print(curve_point(pages, scored, threshold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
