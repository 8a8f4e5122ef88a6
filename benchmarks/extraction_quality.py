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

Real pages (the yardstick; `make quality` runs it): the development set ../shared/eval/dragnet-dev.tar.xz
(954 pages, unpacked into the git-ignored benchmarks/corpus/), scored with the article-extraction-benchmark
metric of ../shared/checks/real_pages.py (4-token shingles, per-page precision and recall averaged, F1 of
the means), newsingest (title + text) beside plain trafilatura in the same run:

    .venv/bin/python benchmarks/extraction_quality.py --dev [--main-checkout ../main] [--worst 20]

prints precision, recall, F1 and extraction CPU ms per page of each system, the gold body lines each line
rule removed, and the worst pages (what was lost, what was kept that is not in the gold, which rule).
`--main-checkout` also scores another checkout's newsingest (its src/ first on the path) in the same run
(repeat it for several checkouts).
`--dev --plain-text` instead runs the plain-text cleaner on the pages as trafilatura's recall mode flattens
them and as their <article>/<main> element's text, each line labelled body or cruft by the gold, and prints
the cruft removed and the body lines lost, every setting of link_list, far_from_article and between_cruft
on all pages (the curve), and each one's settings chosen on four folds by page and scored on the fifth.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tarfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import trafilatura

from newsingest.extract import ExtractSettings, extract_document
from newsingest.extract.decode import decode
from newsingest.extract.flattened import (BETWEEN_CRUFT, FAR_FROM_ARTICLE, LINK_LIST, ArticleSpanSettings,
                                          BetweenCruftSettings, LinkListSettings)
from newsingest.extract.html import HtmlOptions, extract_html
from newsingest.extract.quality import (SHINGLE_TOKEN, ShingledText, TokenScores, f1_of_means, mean_scores,
                                        shingle_precision_recall, shingles, token_scores)
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


ROOT = Path(__file__).resolve().parent.parent
DEV_ARCHIVE = ROOT.parent / "shared" / "eval" / "dragnet-dev.tar.xz"
CORPUS = ROOT / "benchmarks" / "corpus"  # git-ignored
PLAIN_TRAFILATURA = {
    "trafilatura favor_precision": {"favor_precision": True},
    "trafilatura favor_recall": {"favor_recall": True},
    "trafilatura default": {},
}


def unpack_dev(archive: Path = DEV_ARCHIVE, into: Path = CORPUS) -> Path:
    """The development set's folder (html/, ground-truth.json), unpacked on first use."""
    folder = into / archive.name.removesuffix(".tar.xz")
    if not (folder / "ground-truth.json").exists():
        into.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")
    return folder


@dataclass(slots=True)
class Extraction:
    """One system's output for one page: what is scored (title + text), the lines its rules removed, CPU."""

    text: str
    cpu_ms: float
    removed: list[tuple[str, str]] = field(default_factory=list)  # (line, rule)


def newsingest_page(page: Page) -> Extraction:
    raw = RawDocument(origin=page.id, body=page.html, url=page.url, content_type="text/html")
    started = time.process_time()
    result = extract_document(raw)
    cpu_ms = (time.process_time() - started) * 1000
    if not isinstance(result, Article):
        return Extraction("", cpu_ms)
    return Extraction(f"{result.title or ''}\n{result.text}", cpu_ms, [(r.line, r.rule) for r in result.removed])


def plain_trafilatura_page(page: Page, settings: dict) -> Extraction:
    """What ../shared/checks/real_pages.py runs: `trafilatura.extract` on the raw bytes."""
    started = time.process_time()
    text = trafilatura.extract(page.html, include_comments=False, **settings) or ""
    return Extraction(text, (time.process_time() - started) * 1000)


# Run with another checkout's src/ first on the path, so only what every checkout has is imported.
OTHER_CHECKOUT_RUN = """
import json, sys, time
from pathlib import Path
from newsingest.extract import extract_document
from newsingest.records import Article, RawDocument
out = {}
for path in sorted(Path(sys.argv[1]).glob("*.html")):
    raw = RawDocument(origin=path.stem, body=path.read_bytes(), url=None, content_type="text/html")
    started = time.process_time()
    result = extract_document(raw)
    cpu_ms = (time.process_time() - started) * 1000
    ok = isinstance(result, Article)
    out[path.stem] = {"text": f"{result.title or ''}\\n{result.text}" if ok else "", "cpu_ms": cpu_ms,
                      "removed": [(r.line, r.rule) for r in result.removed] if ok else []}
print(json.dumps(out))
"""


def other_checkout(checkout: Path, pages_dir: Path) -> dict[str, Extraction]:
    """newsingest of another checkout (today's main) on the same pages, in this run."""
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve() / "src")}
    run = subprocess.run([sys.executable, "-c", OTHER_CHECKOUT_RUN, str(pages_dir)], capture_output=True, text=True,
                         env=env, check=True)
    return {doc_id: Extraction(**fields) for doc_id, fields in json.loads(run.stdout).items()}


def _tokens(text: str) -> str:
    return " ".join(SHINGLE_TOKEN.findall(text))


def in_gold(line: str, gold: Counter, gold_tokens: str) -> bool:
    """Whether a line is article text by the gold (see ShingledText.contains)."""
    return ShingledText(gold, gold_tokens).contains(line)


# Reasons that are not line rules: a `title` line repeats the title, which is scored with the text (nothing
# is lost); `line_model` is the line selection, judged by the F1 above and benchmarks/train_line_model.py.
NOT_LINE_RULES = frozenset({"title", "line_model"})


def _lost(line: str, kept: set[str], gold: Counter, gold_tokens: str) -> bool:
    """A removed line is body lost when the gold has it and no copy of it stays (a repeated paragraph's first
    copy stays: removing the second loses nothing)."""
    return _norm(line) not in kept and in_gold(line, gold, gold_tokens)


def rule_body_loss(pages: list[Page], runs: dict[str, Extraction]) -> tuple[Counter, Counter, int]:
    """(lines removed per rule, gold body lines lost among them per rule, gold body lines the rules were
    given)."""
    removed, body, given = Counter(), Counter(), 0
    for page in pages:
        gold, gold_tokens, run = shingles(page.truth), _tokens(page.truth), runs[page.id]
        kept_lines = run.text.splitlines()[1:]
        kept = {_norm(line) for line in kept_lines}
        given += sum(in_gold(line, gold, gold_tokens) for line in kept_lines)
        for line, rule in run.removed:
            if rule in NOT_LINE_RULES:
                continue
            removed[rule] += 1
            if _lost(line, kept, gold, gold_tokens):
                body[rule] += 1
                given += 1
    return removed, body, given


def _short(line: str, width: int = 90) -> str:
    line = " ".join(line.split())
    return repr(line if len(line) <= width else line[:width] + "…")


def report_worst(pages: list[Page], runs: dict[str, Extraction], count: int) -> None:
    """The pages newsingest scores worst on, with the lines that explain it."""
    def page_f1(page: Page) -> float:
        p, r = shingle_precision_recall(runs[page.id].text, page.truth)
        return 2 * p * r / (p + r) if p + r else 0.0

    print(f"\nWorst {count} pages (newsingest F1; lost: gold lines missing; kept: our lines not in the gold)")
    for page in sorted(pages, key=page_f1)[:count]:
        run = runs[page.id]
        ours, ours_tokens = shingles(run.text), _tokens(run.text)
        gold, gold_tokens = shingles(page.truth), _tokens(page.truth)
        lost = [line for line in page.truth.splitlines() if line.strip() and not in_gold(line, ours, ours_tokens)]
        kept = [line for line in run.text.splitlines() if line.strip() and not in_gold(line, gold, gold_tokens)]
        cut = [(line, rule) for line, rule in run.removed if in_gold(line, gold, gold_tokens)]
        print(f"- {page.id}: F1 {page_f1(page):.3f}, gold {len(page.truth)} chars, ours {len(run.text)}; "
              f"{len(lost)} gold lines lost, {len(kept)} kept wrongly, {len(cut)} cut by rules")
        for line in lost[:2]:
            print(f"    lost: {_short(line)}")
        for line in kept[:2]:
            print(f"    kept: {_short(line)}")
        for line, rule in cut[:3]:
            print(f"    cut by {rule}: {_short(line)}")


BLOCK_TAGS = frozenset("""address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5
h6 header hr li main nav ol p pre section table td th tr ul""".split())
MAIN_ELEMENT = "(//article | //main | //*[@role='main'])[1]"


def element_lines(html: str) -> list[str]:
    """The text of a page's first <article> (else <main>, else role=main) element, one block per line, as a
    feed or a scraper that takes the whole element hands it on; no lines when the page has no such element."""
    tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    found = tree.xpath(MAIN_ELEMENT)
    if not found:
        return []
    for element in found[0].iter("script", "style", "noscript", "template"):
        element.drop_tree()
    for element in found[0].iter(*BLOCK_TAGS):
        element.text, element.tail = "\n" + (element.text or ""), "\n" + (element.tail or "")
    return [" ".join(line.split()) for line in found[0].text_content().splitlines() if line.strip()]


@dataclass(slots=True)
class PlainTextCounts:
    """Lines of a flattened set, labelled by the gold, and what the cleaner removed of them."""

    body: int = 0
    cruft: int = 0
    body_lost: int = 0
    cruft_removed: int = 0
    lost_by_rule: Counter = field(default_factory=Counter)
    body_by_rule: Counter = field(default_factory=Counter)  # body lines removed, a copy kept or not
    cruft_by_rule: Counter = field(default_factory=Counter)

    def add(self, other: PlainTextCounts) -> None:
        for name in ("body", "cruft", "body_lost", "cruft_removed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("lost_by_rule", "body_by_rule", "cruft_by_rule"):
            getattr(self, name).update(getattr(other, name))

    def line(self, rules: tuple[str, ...] = (LINK_LIST, FAR_FROM_ARTICLE, BETWEEN_CRUFT)) -> str:
        return (f"cruft removed {self.cruft_removed}/{self.cruft} ({self.cruft_removed / max(1, self.cruft):.1%}), "
                f"body lines lost {self.body_lost}/{self.body} ({self.body_lost / max(1, self.body):.2%}); "
                + ", ".join(f"{rule} {self.cruft_by_rule[rule]} cruft, {self.body_by_rule[rule]} body"
                            for rule in rules))


@dataclass(frozen=True, slots=True)
class ContextSettings:
    """The settings of the flattened-text context rules a grid below varies."""

    link_lists: LinkListSettings = LinkListSettings()
    span: ArticleSpanSettings = ArticleSpanSettings()
    between_cruft: BetweenCruftSettings = BetweenCruftSettings()

    def of(self, rule: str) -> LinkListSettings | ArticleSpanSettings | BetweenCruftSettings:
        """The settings of one rule (the one a grid varies)."""
        return {LINK_LIST: self.link_lists, FAR_FROM_ARTICLE: self.span, BETWEEN_CRUFT: self.between_cruft}[rule]


def plain_text_counts(lines: list[str], truth: str, settings: ContextSettings = ContextSettings(),
                      learned: frozenset[str] = frozenset()) -> PlainTextCounts:
    """Clean one flattened page (its first line taken for the title; `learned`: its source's learned
    boilerplate, extract/boilerplate.py) and label each line by the gold."""
    cleaned = clean_text("\n".join(lines), learned=learned, link_lists=settings.link_lists, span=settings.span,
                         between_cruft=settings.between_cruft)
    gold, gold_tokens = shingles(truth), _tokens(truth)
    kept = {_norm(line) for line in cleaned.lines}
    counts = PlainTextCounts()
    for line in cleaned.lines:
        is_body = in_gold(line, gold, gold_tokens)
        counts.body, counts.cruft = counts.body + is_body, counts.cruft + (not is_body)
    for removed in cleaned.removed:
        is_body = in_gold(removed.line, gold, gold_tokens)
        (counts.body_by_rule if is_body else counts.cruft_by_rule)[removed.rule] += 1
        if not is_body:
            counts.cruft, counts.cruft_removed = counts.cruft + 1, counts.cruft_removed + 1
        elif _norm(removed.line) not in kept:  # a repeated paragraph's first copy stays: nothing is lost
            counts.body, counts.body_lost = counts.body + 1, counts.body_lost + 1
            counts.lost_by_rule[removed.rule] += 1
    return counts


FOLDS = 5
# The target (cruft removed >= 0.90 at body lines lost <= 1%) allows ~20 cruft lines per body line on this set
# (3,407 cruft, 13,229 body lines): a rule below 95% precision works against it.
MIN_RULE_PRECISION = 0.95
# Each grid varies one rule's settings, the other's at their defaults; `off` is the setting that removes nothing.
CONTEXT_GRIDS = {
    LINK_LIST: ([ContextSettings(link_lists=LinkListSettings(short_max_words=words, run_min_lines=run))
                 for words in (5, 7, 9) for run in (4, 6, 8, 10, 12)],
                ContextSettings(link_lists=LinkListSettings(run_min_lines=10**6))),
    FAR_FROM_ARTICLE: ([ContextSettings(span=ArticleSpanSettings(cost, weight, distance))
                        for cost in (2.0, 3.0, 5.0) for weight in (0.5, 1.0) for distance in (20, 30, 40, 60)],
                       ContextSettings(span=ArticleSpanSettings(max_distance=10**6))),
    BETWEEN_CRUFT: ([ContextSettings(between_cruft=BetweenCruftSettings(chars, density, heading))
                     for chars in (50, 70, 100, 130) for density in (0.1, 0.2, 0.3) for heading in (0, 200)],
                    ContextSettings(between_cruft=BetweenCruftSettings(short_chars=0))),
}


def removes_precisely(counts: PlainTextCounts, rule: str) -> bool:
    """Whether `rule` removes cruft at precision >= MIN_RULE_PRECISION, its errors being the body lines it
    loses (as the target counts them: removing one copy of a line that stays loses nothing)."""
    removed = counts.cruft_by_rule[rule] + counts.lost_by_rule[rule]
    return not removed or counts.cruft_by_rule[rule] / removed >= MIN_RULE_PRECISION


def _choose(rule: str, totals: dict[ContextSettings, PlainTextCounts], off: ContextSettings) -> ContextSettings:
    """The setting with which `rule` removes the most cruft while it removes precisely."""
    return max((s for s, c in totals.items() if removes_precisely(c, rule)),
               key=lambda s: totals[s].cruft_by_rule[rule], default=off)


def _summed(per_page: dict[str, PlainTextCounts], pages: list[Page]) -> PlainTextCounts:
    total = PlainTextCounts()
    for page in pages:
        total.add(per_page[page.id])
    return total


def report_context_folds(flattened: dict[str, list[str]], pages: list[Page], rule: str) -> None:
    """The settings of `rule` (CONTEXT_GRIDS) chosen on 4 folds by page, scored on the fifth."""
    grid, off = CONTEXT_GRIDS[rule]
    per_page = {settings: {page.id: plain_text_counts(flattened[page.id], page.truth, settings) for page in pages}
                for settings in (*grid, off)}
    held_out = PlainTextCounts()
    print(f"\n{rule} settings on {FOLDS} folds by page (chosen on four: most cruft at {rule} precision "
          f">= {MIN_RULE_PRECISION}; scored on the fifth)")
    for fold in range(FOLDS):
        train = [page for index, page in enumerate(pages) if index % FOLDS != fold]
        test = [page for index, page in enumerate(pages) if index % FOLDS == fold]
        chosen = _choose(rule, {settings: _summed(counts, train) for settings, counts in per_page.items()}, off)
        fold_counts = _summed(per_page[chosen], test)
        held_out.add(fold_counts)
        print(f"  fold {fold}: chosen {chosen.of(rule)}; held out: " + fold_counts.line())
    print("  all held-out folds: " + held_out.line())
    everything = {settings: _summed(counts, pages) for settings, counts in per_page.items()}
    print(f"  every setting on all pages (the curve; {off.of(rule)} is the rule off): ")
    for settings in sorted(everything, key=lambda s: everything[s].cruft_removed):
        print(f"    {settings.of(rule)}: " + everything[settings].line((rule,)))
    chosen = _choose(rule, everything, off)
    print(f"  chosen on all pages (the defaults): {chosen.of(rule)}: " + everything[chosen].line())


def page_html(page: Page) -> str:
    """A page's markup as extraction reads it: decoded, NFC-normalised."""
    return unicodedata.normalize("NFC", decode(page.html, None).text)


def recall_lines(html: str, url: str | None) -> list[str]:
    """A page as trafilatura's recall mode flattens it (HtmlOptions' default), one paragraph per line."""
    extracted = extract_html(html, url)
    return extracted.text.splitlines() if extracted else []


def report_plain_text(pages: list[Page]) -> None:
    """The plain-text cleaner on real flattened text, each line labelled body or cruft by the gold: each page
    as trafilatura's recall mode flattens it (one paragraph per line) and as its <article>/<main> element's
    text (one block per line), the first line taken for the title."""
    recall, element = {}, {}
    for page in pages:
        html = page_html(page)
        recall[page.id], element[page.id] = recall_lines(html, page.url), element_lines(html)
    for name, flattened in (("trafilatura's recall mode", recall), ("the <article>/<main> element", element)):
        flat_pages = [page for page in pages if flattened[page.id]]
        counts = PlainTextCounts()
        for page in flat_pages:
            counts.add(plain_text_counts(flattened[page.id], page.truth))
        print(f"\nPlain text: {len(flat_pages)} pages flattened by {name}")
        print(counts.line())
        print("body lines lost by rule: " + ", ".join(f"{rule} {n}" for rule, n in counts.lost_by_rule.most_common()))
    for rule in CONTEXT_GRIDS:
        report_context_folds(recall, pages, rule)


def report_dev(folder: Path, checkouts: list[Path], worst: int, plain_text: bool) -> None:
    pages_dir, ground_truth = folder / "html", folder / "ground-truth.json"
    pages = load_pages(pages_dir, ground_truth)
    if plain_text:
        report_plain_text(pages)
        return
    systems: dict[str, dict[str, Extraction]] = {"newsingest": {page.id: newsingest_page(page) for page in pages}}
    for checkout in checkouts:
        systems[f"newsingest at {checkout}"] = other_checkout(checkout, pages_dir)
    for name, settings in PLAIN_TRAFILATURA.items():
        systems[name] = {page.id: plain_trafilatura_page(page, settings) for page in pages}
    print(f"Development set: {len(pages)} pages of {folder}; title + text, 4-token shingles, "
          "per-page P/R averaged, F1 of the means; CPU of one process")
    print("| system | precision | recall | F1 | CPU ms/page |\n|---|---:|---:|---:|---:|")
    for name, runs in systems.items():
        scores = f1_of_means(shingle_precision_recall(runs[page.id].text, page.truth) for page in pages)
        cpu = sum(run.cpu_ms for run in runs.values()) / len(pages)
        print(f"| {name} | {scores.precision:.4f} | {scores.recall:.4f} | {scores.f1:.4f} | {cpu:.1f} |")
    for name, runs in systems.items():
        if not name.startswith("newsingest"):
            continue
        removed, body, given = rule_body_loss(pages, runs)
        print(f"\nLine rules of {name}: gold body lines removed, of the {given} the rules were given")
        print("| rule | lines removed | of them gold body | share of gold body lines |\n|---|---:|---:|---:|")
        for rule, count in removed.most_common():
            print(f"| {rule} | {count} | {body[rule]} | {body[rule] / given:.2%} |")
        print(f"| all | {sum(removed.values())} | {sum(body.values())} | {sum(body.values()) / given:.2%} |")
    report_worst(pages, systems["newsingest"], worst)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, help="pages named <id>.html or <id>.html.gz")
    parser.add_argument("--ground-truth", type=Path, help='JSON {"<id>": {"articleBody": ..., "url": ...}}')
    parser.add_argument("--compare-settings", action="store_true", help="sweep trafilatura settings")
    parser.add_argument("--text-dir", type=Path, help="labelled plain-text cases (<id>.txt + <id>.json)")
    parser.add_argument("--stray-sweep", action="store_true", help="measure the stray-headline thresholds")
    parser.add_argument("--dev", action="store_true", help=f"score the development set ({DEV_ARCHIVE.name})")
    parser.add_argument("--main-checkout", type=Path, action="append", default=[],
                        help="with --dev: also score this checkout's newsingest (repeatable)")
    parser.add_argument("--worst", type=int, default=20, help="with --dev: pages listed (default 20)")
    parser.add_argument("--plain-text", action="store_true",
                        help="with --dev: the plain-text cleaner on the pages flattened, instead of the table")
    args = parser.parse_args(argv)
    if args.dev:
        report_dev(unpack_dev(), args.main_checkout, args.worst, args.plain_text)
        return 0
    if not (args.html_dir or args.text_dir):
        parser.error("give --dev, --html-dir with --ground-truth, or --text-dir")
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
