"""Extraction quality of newsingest beside plain trafilatura, measured in the same run.

HTML (the layout of the public article-extraction-benchmark: pages `<id>.html` or `<id>.html.gz`, truth
`{"<id>": {"articleBody": "...", "url": "..."}}`):

    .venv/bin/python benchmarks/extraction_quality.py \\
        --html-dir tests/fixtures/extraction/html --ground-truth tests/fixtures/extraction/ground_truth.json
    ... --compare-settings      # trafilatura settings sweep, each alone and with newsingest's line rules

prints token precision, recall and F1 (whitespace tokens, multiset overlap, averaged over documents) of
newsingest's extraction and of `trafilatura.extract(page)` with its defaults.

Plain text (labelled cases `<id>.txt` + `<id>.json` with the lines to keep and to remove):

    .venv/bin/python benchmarks/extraction_quality.py --text-dir tests/fixtures/extraction/text --stray-sweep

prints the case pass rate, body lines lost, cruft lines kept, and with --stray-sweep the precision and
recall of the stray-headline rule at several settings.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from newsingest.extract import ExtractSettings, extract_document
from newsingest.extract.html import HtmlOptions, extract_html
from newsingest.extract.quality import TokenScores, mean_scores, token_scores
from newsingest.extract.text import StrayHeadlineSettings, clean_lines, clean_text
from newsingest.records import Article, RawDocument


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    html: bytes
    url: str | None
    truth: str


def load_pages(html_dir: Path, ground_truth: Path) -> list[Page]:
    truth = json.loads(ground_truth.read_text(encoding="utf-8"))
    pages = []
    for doc_id, record in sorted(truth.items()):
        plain, packed = html_dir / f"{doc_id}.html", html_dir / f"{doc_id}.html.gz"
        if plain.exists():
            body = plain.read_bytes()
        elif packed.exists():
            body = gzip.decompress(packed.read_bytes())
        else:
            print(f"warning: no page for {doc_id} in {html_dir}", file=sys.stderr)
            continue
        pages.append(Page(doc_id, body, record.get("url"), record.get("articleBody") or ""))
    return pages


def newsingest_text(page: Page, options: HtmlOptions = HtmlOptions()) -> str:
    """The article text newsingest lands for a page (empty when it rejects the page)."""
    raw = RawDocument(origin=page.id, body=page.html, url=page.url, content_type="text/html")
    result = extract_document(raw, ExtractSettings(html=options))
    return result.text if isinstance(result, Article) else ""


def trafilatura_default(page: Page) -> str:
    return trafilatura.extract(page.html) or ""


def trafilatura_only(page: Page, options: HtmlOptions) -> str:
    """trafilatura with newsingest's settings, before any line rule."""
    extracted = extract_html(page.html.decode("utf-8", "replace"), page.url, options)
    return extracted.text if extracted else ""


def score(pages: list[Page], extract) -> tuple[TokenScores, float]:
    started = time.perf_counter()
    scores = [token_scores(extract(page), page.truth) for page in pages]
    return mean_scores(scores), (time.perf_counter() - started) / len(pages) * 1000


def _row(name: str, scores: TokenScores, ms: float) -> str:
    return f"| {name} | {scores.precision:.4f} | {scores.recall:.4f} | {scores.f1:.4f} | {ms:.1f} |"


def report_html(pages: list[Page], compare_settings: bool) -> None:
    print(f"HTML: {len(pages)} pages")
    print("| extractor | precision | recall | F1 | ms/page |\n|---|---|---|---|---|")
    print(_row("newsingest", *score(pages, newsingest_text)))
    print(_row("trafilatura.extract (defaults)", *score(pages, trafilatura_default)))
    if not compare_settings:
        return
    variants = {
        "default": HtmlOptions(favor_precision=False),
        "favor_precision": HtmlOptions(favor_precision=True),
        "favor_recall": HtmlOptions(favor_precision=False, favor_recall=True),
        "favor_precision, no_fallback": HtmlOptions(favor_precision=True, no_fallback=True),
        "default, no_fallback": HtmlOptions(favor_precision=False, no_fallback=True),
        "favor_precision, no tables": HtmlOptions(favor_precision=True, include_tables=False),
        "default, no tables": HtmlOptions(favor_precision=False, include_tables=False),
        "favor_recall, no tables": HtmlOptions(favor_precision=False, favor_recall=True, include_tables=False),
    }
    print("\nSettings sweep (include_comments=False, deduplicate=False throughout)")
    print("| trafilatura settings | + line rules | precision | recall | F1 | ms/page |\n|---|---|---|---|---|---|")
    for name, options in variants.items():
        scores, ms = score(pages, lambda page, o=options: trafilatura_only(page, o))
        print(f"| {name} | no | {scores.precision:.4f} | {scores.recall:.4f} | {scores.f1:.4f} | {ms:.1f} |")
        scores, ms = score(pages, lambda page, o=options: newsingest_text(page, o))
        print(f"| {name} | yes | {scores.precision:.4f} | {scores.recall:.4f} | {scores.f1:.4f} | {ms:.1f} |")


def _norm(line: str) -> str:
    return " ".join(line.split())


@dataclass(frozen=True, slots=True)
class TextCase:
    id: str
    text: str
    keep: list[str]
    remove: dict[str, str]  # line -> rule


def load_text_cases(text_dir: Path) -> list[TextCase]:
    cases = []
    for labels in sorted(text_dir.glob("*.json")):
        expected = json.loads(labels.read_text(encoding="utf-8"))
        cases.append(TextCase(labels.stem, labels.with_suffix(".txt").read_text(encoding="utf-8"),
                              [_norm(line) for line in expected["keep"]],
                              {_norm(r["line"]): r["rule"] for r in expected["remove"]}))
    return cases


def report_text(cases: list[TextCase]) -> None:
    passed = lost = kept = wrong_rule = 0
    cruft = sum(len(case.remove) for case in cases)
    body = sum(len(case.keep) for case in cases)
    for case in cases:
        cleaned = clean_text(case.text)
        removed = {_norm(r.line): r.rule for r in cleaned.removed}
        case_lost = sum(1 for line in case.keep if line in removed)
        case_kept = sum(1 for line in case.remove if line not in removed)
        wrong_rule += sum(1 for line, rule in case.remove.items() if removed.get(line, rule) != rule)
        lost, kept = lost + case_lost, kept + case_kept
        passed += not (case_lost or case_kept)
        if case_lost or case_kept:
            print(f"  failing: {case.id} ({case_lost} body lines lost, {case_kept} cruft lines kept)")
    print(f"plain text: {passed}/{len(cases)} cases pass; body lines lost {lost}/{body}, "
          f"cruft lines kept {kept}/{cruft}, cruft removed under another rule's name {wrong_rule}")


def _stray_on_pages(pages: list[Page], settings: StrayHeadlineSettings) -> tuple[int, int]:
    """(lines the rule removes from trafilatura's text of the pages, how many of them are article body)."""
    removed = body = 0
    for page in pages:
        extracted = extract_html(page.html.decode("utf-8", "replace"), page.url, HtmlOptions())
        if extracted is None:
            continue
        truth = {_norm(line) for line in page.truth.splitlines()}
        for line in clean_lines(extracted.text.splitlines(), title=extracted.title, stray=settings).removed:
            if line.rule == "stray_headline":
                removed += 1
                body += _norm(line.line) in truth
    return removed, body


def report_stray_sweep(cases: list[TextCase], pages: list[Page]) -> None:
    """Precision and recall of the stray-headline rule alone: a line it removes is right when labelled
    stray_headline, wrong when labelled as body. On HTML pages (when given) only the body lines it would
    take are counted: the truth there does not say which other lines are stray headlines."""
    print("\nStray-headline rule (min content words x overlap threshold) on the labelled lines")
    print("| min content words | overlap below | removed | right | wrong (body lost) | missed | precision | recall "
          "| HTML: removed | HTML: body lost |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    labelled = sum(1 for case in cases for rule in case.remove.values() if rule == "stray_headline")
    for min_words in (2, 3, 4, 5):
        for overlap in (0.1, 0.2, 0.25, 0.34, 0.5):
            settings = StrayHeadlineSettings(min_content_words=min_words, min_overlap=overlap)
            right = wrong = 0
            for case in cases:
                for removed in clean_text(case.text, stray=settings).removed:
                    if removed.rule == "stray_headline":
                        label = case.remove.get(_norm(removed.line))
                        right += label == "stray_headline"
                        wrong += label is None
            precision = right / (right + wrong) if right + wrong else 1.0
            chosen = " (chosen)" if settings == StrayHeadlineSettings() else ""
            html_removed, html_body = _stray_on_pages(pages, settings) if pages else ("-", "-")
            print(f"| {min_words} | {overlap}{chosen} | {right + wrong} | {right} | {wrong} | {labelled - right} "
                  f"| {precision:.3f} | {right / labelled:.3f} | {html_removed} | {html_body} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, help="pages named <id>.html or <id>.html.gz")
    parser.add_argument("--ground-truth", type=Path, help='JSON {"<id>": {"articleBody": ..., "url": ...}}')
    parser.add_argument("--compare-settings", action="store_true", help="sweep trafilatura settings")
    parser.add_argument("--text-dir", type=Path, help="labelled plain-text cases (<id>.txt + <id>.json)")
    parser.add_argument("--stray-sweep", action="store_true", help="measure the stray-headline thresholds")
    args = parser.parse_args(argv)
    if not (args.html_dir or args.text_dir):
        parser.error("give --html-dir with --ground-truth, or --text-dir")
    pages = []
    if args.html_dir:
        if not args.ground_truth:
            parser.error("--html-dir needs --ground-truth")
        pages = load_pages(args.html_dir, args.ground_truth)
        report_html(pages, args.compare_settings)
    if args.text_dir:
        cases = load_text_cases(args.text_dir)
        report_text(cases)
        if args.stray_sweep:
            report_stray_sweep(cases, pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
