"""Train the line model of src/newsingest/extract/selection.py on the development set, and say how good it
is on pages it was not trained on.

    .venv/bin/python benchmarks/train_line_model.py [--folds 5] [--write]

Each page of ../shared/eval/dragnet-dev.tar.xz goes through trafilatura as the pipeline runs it (recall
mode with metadata, then its readability port); each recall-mode line is labelled article text when half
its 4-token shingles are in the gold (benchmarks/extraction_quality.py `in_gold`). Pages fall into folds by
a hash of their id; for each fold a model trained on the others selects its lines, and the held-out
selections are scored together with the benchmark's metric (title + text, no line rules; and with the line
rules after the model, as extraction runs them), beside the recall mode's text unjudged and the precision
mode's text on the same pages, followed by where the selection loses (title, pages with almost no recall or
precision, the ceiling the candidates set). --write then fits on every page and stores the weights in
src/newsingest/extract/line_model.json.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np

from extraction_quality import Page, in_gold, load_pages, unpack_dev

from newsingest.extract import ExtractSettings
from newsingest.extract.decode import decode
from newsingest.extract.html import HtmlOptions, extract_html
from newsingest.extract.language import detect_language, primary_language
from newsingest.extract.quality import (SHINGLE_TOKEN, ShingledText, f1_of_means, shingle_precision_recall,
                                        shingles)
from newsingest.extract.selection import FEATURES, MODEL_PATH, LineModel, candidate_lines, judge_lines, line_features
from newsingest.extract.text import clean_lines

L2 = 1e-3
# Keep a line at probability >= half the F1 score the selection reaches: the F1-optimal threshold of a
# calibrated classifier is half its optimal F1 (Lipton, Elkan and Naryanaswamy 2014), here ~0.933 / 2. Set
# by that rule rather than chosen on the held-out scores, which then stay honest; the others are printed
# to show the slope.
THRESHOLD = 0.47
# A model that keeps every line: judge_lines with it marks only the title's repeats.
NO_MODEL = LineModel(np.array([1.0, *np.zeros(len(FEATURES))]), np.zeros(len(FEATURES)), np.ones(len(FEATURES)), 0.0)
MIN_WORDS = ExtractSettings().min_words  # as extraction judges: the model never leaves less than an article
THRESHOLDS = (0.3, 0.4, THRESHOLD, 0.5, 0.6)
PRECISION_MODE = HtmlOptions(favor_precision=True, favor_recall=False)


@dataclass(slots=True)
class PageLines:
    """A page as the pipeline sees it, and its lines the model judges (the title's repeats are not)."""

    page: Page
    title: str
    precision: list[str]  # the precision mode's text, only to compare with
    candidates: list[str]
    readability_text: str
    language: str | None
    features: np.ndarray
    labels: np.ndarray
    weights: np.ndarray  # each line's share of the page's words: every page weighs the same, as in the metric


def page_lines(page: Page) -> PageLines:
    html = unicodedata.normalize("NFC", decode(page.html, None).text)
    extracted, precision_mode = extract_html(html, page.url), extract_html(html, page.url, PRECISION_MODE)
    candidates = candidate_lines(extracted.text.splitlines() if extracted else [])
    language = primary_language(extracted and extracted.language) or detect_language("\n".join(candidates))
    return labelled_lines(page, extracted.title if extracted else None, candidates,
                          extracted.readability_text if extracted else "", language,
                          precision_mode.text.splitlines() if precision_mode else [])


def labelled_lines(page: Page, title: str | None, candidates: list[str], readability_text: str,
                   language: str | None, precision: list[str]) -> PageLines:
    """The page's candidate lines with their features and their labels by the gold."""
    titles = judge_lines(candidates, readability_text, title, language, min_words=0, model=NO_MODEL)
    judged = [line for i, line in enumerate(candidates) if i not in titles]
    gold, gold_tokens = shingles(page.truth), " ".join(SHINGLE_TOKEN.findall(page.truth))
    words = np.array([max(1, len(SHINGLE_TOKEN.findall(line))) for line in judged], dtype=float)
    return PageLines(page, title or "", precision, candidates, readability_text, language,
                     line_features(judged, readability_text, language),
                     np.array([in_gold(line, gold, gold_tokens) for line in judged], dtype=float),
                     words / words.sum() if len(words) else words)


def fit(pages: list[PageLines], threshold: float) -> LineModel:
    """L2-regularised logistic regression by Newton's method (a convex problem: 25 steps are plenty)."""
    features = np.vstack([p.features for p in pages])
    labels = np.concatenate([p.labels for p in pages])
    weights = np.concatenate([p.weights for p in pages])
    weights /= weights.mean()
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-9
    design = np.hstack([np.ones((len(features), 1)), (features - mean) / scale])
    beta = np.zeros(design.shape[1])
    for _ in range(25):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (weights * (p - labels)) + L2 * beta
        hessian = (design * (weights * p * (1 - p))[:, None]).T @ design + L2 * np.eye(len(beta))
        beta -= np.linalg.solve(hessian, gradient)
    return LineModel(beta, mean, scale, threshold)


def score(pages: list[PageLines], texts: dict[str, str]) -> tuple[float, float, float]:
    scores = f1_of_means(shingle_precision_recall(texts[p.page.id], p.page.truth) for p in pages)
    return scores.precision, scores.recall, scores.f1


def held_out(pages: list[PageLines], folds: int, threshold: float, rules: bool = False) -> dict[str, str]:
    """Each page's text as selected by the model trained on the other folds; with `rules`, cleaned by the
    line rules after it, as extraction does (the pipeline's held-out score)."""
    fold_of = {p.page.id: zlib.crc32(p.page.id.encode()) % folds for p in pages}
    texts = {}
    for fold in range(folds):
        model = fit([p for p in pages if fold_of[p.page.id] != fold], threshold)
        for p in pages:
            if fold_of[p.page.id] == fold:
                dropped = judge_lines(p.candidates, p.readability_text, p.title, p.language, MIN_WORDS, model)
                kept = (clean_lines(p.candidates, title=p.title, language=p.language, judged=dropped).lines if rules
                        else [line for i, line in enumerate(p.candidates) if i not in dropped])
                texts[p.page.id] = "\n".join([p.title, *kept])
    return texts


def report_losses(pages: list[PageLines], selected: dict[str, str]) -> None:
    """Where the held-out selection loses against the gold: the title, pages it gets (nearly) nothing of,
    pages where it keeps mostly other text, and the ceiling the candidates set (their gold lines, chosen
    with the gold in hand)."""
    gold = {p.page.id: ShingledText.of(p.page.truth) for p in pages}
    precision, recall = np.array([shingle_precision_recall(selected[p.page.id], p.page.truth) for p in pages]).T
    without_title = {page_id: text.split("\n", 1)[-1] for page_id, text in selected.items()}
    ceiling = {p.page.id: "\n".join([p.title, *filter(gold[p.page.id].contains, p.candidates)]) for p in pages}
    titles = [p for p in pages if p.title]
    print(f"\nWhere the held-out selection (threshold {THRESHOLD}) loses, {len(pages)} pages:")
    print(f"- title: F1 without it {score(pages, without_title)[2]:.4f}; "
          f"{sum(not gold[p.page.id].contains(p.title) for p in titles)} of {len(titles)} titles are not in the gold")
    print(f"- recall lost {_lost(recall, 0.2)}")
    print(f"- precision lost {_lost(precision, 0.5)}")
    print("- ceiling, the candidates' gold lines: P {:.4f} R {:.4f} F1 {:.4f}".format(*score(pages, ceiling)))


def _lost(scores: np.ndarray, below: float) -> str:
    """What a per-page score loses on average, and how much of that the pages scoring under `below` lose."""
    low = scores[scores < below]
    share = (1 - low).sum() / len(scores)
    return f"{1 - scores.mean():.4f} per page, {share:.4f} of it on {len(low)} pages below {below}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"fit on every page and write {MODEL_PATH.name}")
    args = parser.parse_args(argv)
    folder = unpack_dev()
    pages = [page_lines(page) for page in load_pages(folder / "html", folder / "ground-truth.json")]
    precision_only = {p.page.id: "\n".join([p.title, *p.precision]) for p in pages}
    recall_only = {p.page.id: "\n".join([p.title, *p.candidates]) for p in pages}
    print(f"{len(pages)} pages, {sum(len(p.candidates) for p in pages)} candidate lines, {args.folds} folds by page")
    print("| selection | precision | recall | F1 |\n|---|---:|---:|---:|")
    print("| trafilatura precision mode (title + text) | {:.4f} | {:.4f} | {:.4f} |".format(
        *score(pages, precision_only)))
    print("| trafilatura recall mode, every line (title + text) | {:.4f} | {:.4f} | {:.4f} |".format(
        *score(pages, recall_only)))
    results, selected = {}, {}
    for threshold in THRESHOLDS:
        selected[threshold] = held_out(pages, args.folds, threshold)
        results[threshold] = score(pages, selected[threshold])
        print(f"| line model, threshold {threshold}, held-out folds | "
              "{:.4f} | {:.4f} | {:.4f} |".format(*results[threshold]))
    with_rules = held_out(pages, args.folds, THRESHOLD, rules=True)
    print(f"| line model + line rules (as extraction runs them), threshold {THRESHOLD}, held-out folds | "
          "{:.4f} | {:.4f} | {:.4f} |".format(*score(pages, with_rules)))
    print(f"threshold {THRESHOLD}: held-out F1 {results[THRESHOLD][2]:.4f}")
    report_losses(pages, selected[THRESHOLD])
    if args.write:
        model = fit(pages, THRESHOLD)
        MODEL_PATH.write_text(model.to_json(trained_on=f"{folder.name}: {len(pages)} pages",
                                            held_out_f1=round(results[THRESHOLD][2], 4), folds=args.folds,
                                            command="benchmarks/train_line_model.py --write") + "\n",
                              encoding="utf-8")
        print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
