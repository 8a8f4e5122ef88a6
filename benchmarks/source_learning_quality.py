"""Per-source learning (rule `source_boilerplate`, extract/boilerplate.py) measured on real pages: the
development set ../shared/eval/dragnet-dev.tar.xz, as HTML (title + text F1, extraction_quality's metric) and
as plain text (extraction_quality's `--plain-text` set: each page flattened by trafilatura's recall mode and as
its <article>/<main> element's text, each line labelled body or cruft by the gold).

    .venv/bin/python benchmarks/source_learning_quality.py

A page's source is what extract_document finds without being told a URL: the host of the URL its own markup
declares (canonical link, og:url), else its site name; never the gold. Each page is then cleaned with what its
source's OTHER pages teach, learned as ingest learns (the short lines of each counted article, a line learned
when seen in >= min_articles articles and >= min_share of them), in two orders:
- `others` (leave-one-out): every other counted page of the source, except the page's own duplicates;
- `earlier` (a stream): only the counted pages with smaller ids, as a run reading the pages in id order would
  see them if each page were a run of its own (learning applies from the run after).
An article is counted when ingest's deduplicator, fed the pages in id order, calls it `new`: a copy of a story
repeats every line of it and would teach its body.

Prints the sources found; how many of the lines the per-page cleaner keeps (cruft and body by the gold) recur
on other pages of their source (the most any learning by repetition could take); the existing mechanism
(today's settings) beside the per-page cleaner and plain trafilatura from the same run, overall and on pages
whose source has >= 5 other pages; then variants of the learning (thresholds, keys with digits masked, lines
of any length) on all pages, and chosen on four folds BY SOURCE and scored on the fifth (`--orders
others,earlier` for both orders; README "Per-source learning" has the results).
"""

from __future__ import annotations

import argparse
import re
import sys
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import trafilatura
from extraction_quality import (NOT_LINE_RULES, Page, PlainTextCounts, _lost, _norm, _tokens, element_lines,
                                in_gold, load_pages, page_html, plain_text_counts, recall_lines, removes_precisely,
                                unpack_dev)

from newsingest.dedup import dedup_batch, new_deduplicator
from newsingest.dedup.index import LshSettings
from newsingest.extract import ExtractSettings, extract_document
from newsingest.extract.boilerplate import LEARN_MAX_WORDS, SOURCE_BOILERPLATE, BoilerplateSettings, line_key
from newsingest.extract.quality import f1_of_means, shingle_precision_recall, shingles
from newsingest.extract.text import clean_text
from newsingest.records import Article, DedupStatus, RawDocument

MIN_OTHERS = 5  # "pages whose source has >= 5 other pages": where today's thresholds can be reached at all
FOLDS = 5
HTML_RULE_LOSS = 0.003  # the bound on the gold body lines any line rule removes (HTML)
HTML = "html"
# The plain-text set's two flattenings (extraction_quality --plain-text): trafilatura's recall mode, one
# paragraph per line, and the page's <article>/<main> element, one block per line.
FLATTENINGS = {"recall": lambda html: recall_lines(html, None), "element": element_lines}
VIEWS = (HTML, *FLATTENINGS)


@dataclass(slots=True)
class SitePage:
    """A dev page, extracted and cleaned with nothing learned, and what it could teach its source."""

    page: Page
    source: str | None
    article: Article | None  # extract_document's result for the HTML (None: rejected)
    flat: dict[str, list[str]]  # flattening -> the page's lines as it flattens them
    kept: dict[str, list[str]]  # view -> the lines the cleaner keeps, nothing learned
    gold: tuple  # the gold's shingles and tokens (extraction_quality.in_gold)
    counted: bool = False  # `new` by ingest's dedup in id order; duplicates teach nothing
    cluster: str = ""


def digits_masked_key(line: str) -> str:
    """A line key for which "174 comments" and "12 comments" are the same line."""
    return line_key(re.sub(r"\d+", "0", line))


@dataclass(frozen=True, slots=True)
class Learning:
    """One way of learning a source's lines from its other pages."""

    settings: BoilerplateSettings = BoilerplateSettings()
    max_words: int | None = LEARN_MAX_WORDS  # None: lines of any length
    key: Callable[[str], str] = line_key
    order: str = "others"  # or "earlier"

    def name(self) -> str:
        if self.settings.min_articles > 10**5:
            return "nothing learned"
        words = "any length" if self.max_words is None else f"<= {self.max_words} words"
        keys = "digits masked" if self.key is digits_masked_key else "exact keys"
        return (f"{self.order}, >= {self.settings.min_articles} articles and >= {self.settings.min_share:.0%}, "
                f"{words}, {keys}")

    def teaches(self, site: SitePage, view: str) -> set[str]:
        return {self.key(line) for line in site.kept[view]
                if line.strip() and (self.max_words is None or len(line.split()) <= self.max_words)}

    def teachers(self, site: SitePage, of_source: list[SitePage]) -> list[SitePage]:
        """The pages of its source whose lines a page is cleaned with."""
        if self.order == "earlier":
            return [other for other in of_source if other.counted and other.page.id < site.page.id]
        return [other for other in of_source if other.counted and other is not site and other.cluster != site.cluster]

    def learned_for(self, site: SitePage, of_source: list[SitePage], view: str) -> frozenset[str]:
        """The cleaner's keys (line_key) of the page's lines that its source's other pages teach."""
        teachers = self.teachers(site, of_source)
        counts = Counter(key for other in teachers for key in self.teaches(other, view))
        learned = {key for key, seen in counts.items() if self.settings.learned(seen, len(teachers))}
        return frozenset(line_key(line) for line in site.kept[view] if self.key(line) in learned)


NOTHING_LEARNED = Learning(BoilerplateSettings(min_articles=10**6))


def read_site(page: Page) -> SitePage:
    raw = RawDocument(origin=page.id, body=page.html, url=None, content_type="text/html")
    result = extract_document(raw)
    article = result if isinstance(result, Article) else None
    html = page_html(page)
    flat = {name: flatten(html) for name, flatten in FLATTENINGS.items()}
    kept = {HTML: article.text.splitlines() if article else [],
            **{name: clean_text("\n".join(lines)).lines if lines else [] for name, lines in flat.items()}}
    return SitePage(page, article.source if article else None, article, flat, kept,
                    (shingles(page.truth), _tokens(page.truth)))


def read_sites(pages: list[Page]) -> list[SitePage]:
    """The pages in id order (a run's order), each marked counted or not by ingest's deduplicator."""
    sites = [read_site(page) for page in pages]
    articles = [site.article for site in sites if site.article]
    decisions = {d.article_id: d for d in dedup_batch(articles, new_deduplicator(LshSettings())).decisions}
    for site in sites:
        if site.article:
            decision = decisions[site.article.id]
            site.counted, site.cluster = decision.status is DedupStatus.NEW, decision.cluster_id
    return sites


def report_sources(sites: list[SitePage]) -> dict[str, list[SitePage]]:
    by_source: dict[str, list[SitePage]] = defaultdict(list)
    for site in sites:
        if site.source:
            by_source[site.source].append(site)
    sizes = Counter(len(members) for members in by_source.values())
    print(f"Sources: {sum(len(m) for m in by_source.values())} of {len(sites)} pages have one, "
          f"{len(by_source)} sources; {sum(not s.counted for s in sites if s.article)} extracted pages are "
          "duplicates by ingest's dedup in id order (they teach nothing)")
    print("| pages of the source | sources | pages |\n|---|---:|---:|")
    for low, high in ((1, 1), (2, 4), (5, 9), (10, 19), (20, 10**6)):
        count = sum(n for size, n in sizes.items() if low <= size <= high)
        pages = sum(size * n for size, n in sizes.items() if low <= size <= high)
        print(f"| {low}{'' if low == high else ('+' if high > 10**5 else f'-{high}')} | {count} | {pages} |")
    largest = sorted(by_source.items(), key=lambda item: -len(item[1]))[:12]
    print("Largest: " + ", ".join(f"{source} {len(members)}" for source, members in largest))
    return by_source


def report_repetition(sites: list[SitePage], by_source: dict[str, list[SitePage]]) -> None:
    """The ceiling of any learning by repetition: of the lines the cleaner keeps, how many (cruft and body by
    the gold) recur on how many other counted pages of their source (not their own duplicates)."""
    print("\nRepetition: lines the per-page cleaner keeps, by the number of other pages of their source that have "
          "them too (cruft / body by the gold)")
    print("| view | keys | kept cruft | kept body | in >= 1 other | >= 2 | >= 3 | >= 4 | >= 5 |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for view in VIEWS:
        for key in (line_key, digits_masked_key):
            learning = Learning(max_words=None, key=key)
            kept, recurring = Counter(), {k: Counter() for k in range(1, 6)}
            for site in sites:
                others = Counter(k for other in learning.teachers(site, by_source.get(site.source or "", []))
                                 for k in learning.teaches(other, view))
                for line in site.kept[view]:
                    label = "body" if in_gold(line, *site.gold) else "cruft"
                    kept[label] += 1
                    for times in range(1, min(5, others[key(line)]) + 1):
                        recurring[times][label] += 1
            print(f"| {view} | {'digits masked' if key is digits_masked_key else 'exact'} | {kept['cruft']} | "
                  f"{kept['body']} | " + " | ".join(f"{recurring[k]['cruft']} / {recurring[k]['body']}"
                                                    for k in range(1, 6)) + " |")


@dataclass(slots=True)
class Outcome:
    """What one way of learning does to a set of pages."""

    scores: list[tuple[float, float]] = field(default_factory=list)  # per page (P, R), title + text
    rule_removed: int = 0  # lines `source_boilerplate` removed (HTML)
    rule_lost: int = 0  # of them gold body lines with no copy kept
    plain: dict[str, PlainTextCounts] = field(default_factory=lambda: {name: PlainTextCounts() for name in FLATTENINGS})

    def add(self, other: Outcome) -> None:
        self.scores += other.scores
        self.rule_removed += other.rule_removed
        self.rule_lost += other.rule_lost
        for name, counts in other.plain.items():
            self.plain[name].add(counts)

    def f1(self) -> str:
        scores = f1_of_means(self.scores)
        return f"{scores.f1:.4f} (P {scores.precision:.4f}, R {scores.recall:.4f})"

    def html_rule(self, given: int) -> str:
        return f"{self.rule_removed}, {self.rule_lost} ({self.rule_lost / given:.2%})"

    def plain_cells(self, name: str) -> str:
        p = self.plain[name]
        return (f"{p.cruft_removed / max(1, p.cruft):.1%} / {p.body_lost / max(1, p.body):.2%} "
                f"({p.cruft_by_rule[SOURCE_BOILERPLATE]}, {p.lost_by_rule[SOURCE_BOILERPLATE]})")


class Cleaner:
    """Each page cleaned with a set of learned keys, remembered: variants often teach a page the same set."""

    def __init__(self) -> None:
        self.done: dict[tuple[str, str, frozenset[str]], Outcome] = {}

    def outcome(self, site: SitePage, view: str, learned: frozenset[str]) -> Outcome:
        key = (site.page.id, view, learned)
        if key not in self.done:
            self.done[key] = self._html(site, learned) if view == HTML else self._plain(site, view, learned)
        return self.done[key]

    @staticmethod
    def _html(site: SitePage, learned: frozenset[str]) -> Outcome:
        article = site.article
        if learned:
            raw = RawDocument(origin=site.page.id, body=site.page.html, url=None, content_type="text/html")
            result = extract_document(raw, ExtractSettings(source_boilerplate={site.source: learned}))
            article = result if isinstance(result, Article) else None
        text = f"{article.title or ''}\n{article.text}" if article else ""
        outcome = Outcome(scores=[shingle_precision_recall(text, site.page.truth)])
        kept = {_norm(line) for line in text.splitlines()[1:]}
        for removed in article.removed if article else ():
            if removed.rule == SOURCE_BOILERPLATE:
                outcome.rule_removed += 1
                outcome.rule_lost += _lost(removed.line, kept, *site.gold)
        return outcome

    @staticmethod
    def _plain(site: SitePage, view: str, learned: frozenset[str]) -> Outcome:
        outcome = Outcome()
        if site.flat[view]:
            outcome.plain[view] = plain_text_counts(site.flat[view], site.page.truth, learned=learned)
        return outcome


def outcome_of(learning: Learning, sites: list[SitePage], by_source: dict[str, list[SitePage]],
               cleaner: Cleaner) -> dict[str, Outcome]:
    """Page id -> what `learning` does to it, in every view."""
    outcomes = {}
    for site in sites:
        of_source = by_source.get(site.source or "", [])
        outcome = Outcome()
        for view in VIEWS:
            outcome.add(cleaner.outcome(site, view, learning.learned_for(site, of_source, view) if site.source
                                        else frozenset()))
        outcomes[site.page.id] = outcome
    return outcomes


def summed(outcomes: dict[str, Outcome], ids: list[str]) -> Outcome:
    total = Outcome()
    for page_id in ids:
        total.add(outcomes[page_id])
    return total


def gold_lines_given(sites: list[SitePage]) -> int:
    """Gold body lines the line rules are given on the HTML path (the denominator of a rule's body loss, as
    extraction_quality counts it): those the per-page cleaner keeps or its line rules remove."""
    given = 0
    for site in sites:
        if site.article:
            lines = [*site.kept[HTML], *(r.line for r in site.article.removed if r.rule not in NOT_LINE_RULES)]
            given += sum(in_gold(line, *site.gold) for line in lines)
    return given


def _table_head(first: str, columns: list[str]) -> None:
    print(f"| {first} | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns))


def report_mechanism(sites: list[SitePage], by_source: dict[str, list[SitePage]], cleaner: Cleaner,
                     given: int) -> None:
    everything = [site.page.id for site in sites]
    sited = [site.page.id for site in sites if len(by_source.get(site.source or "", [])) > MIN_OTHERS]
    precision_mode = {site.page.id: shingle_precision_recall(trafilatura.extract(
        site.page.html, include_comments=False, favor_precision=True) or "", site.page.truth) for site in sites}
    rows = {"per-page cleaner (nothing learned)": outcome_of(NOTHING_LEARNED, sites, by_source, cleaner)}
    for order in ("others", "earlier"):
        rows[f"learned from the source's {order} pages (today's settings)"] = outcome_of(
            Learning(order=order), sites, by_source, cleaner)
    print(f"\nThe mechanism as ingest runs it: all {len(everything)} pages, and the {len(sited)} whose source has "
          f">= {MIN_OTHERS} other pages. HTML: title + text F1 (P, R); source_boilerplate's lines removed, gold "
          f"lost of the {given} gold lines the rules are given. Plain text: cruft removed / body lines lost "
          f"(source_boilerplate's cruft, body lost). trafilatura favor_precision, same run: F1 "
          f"{f1_of_means(precision_mode.values()).f1:.4f} on all pages, "
          f"{f1_of_means(precision_mode[page_id] for page_id in sited).f1:.4f} on those")
    _table_head("system", ["HTML F1, all", f"HTML F1, >= {MIN_OTHERS} others", "source_boilerplate (HTML)",
                           *(f"{name}, {subset}" for name in FLATTENINGS for subset in ("all", f">= {MIN_OTHERS}"))])
    for name, outcomes in rows.items():
        total, local = summed(outcomes, everything), summed(outcomes, sited)
        plain = [cell for view in FLATTENINGS for cell in (total.plain_cells(view), local.plain_cells(view))]
        print(f"| {name} | " + " | ".join([total.f1(), local.f1(), total.html_rule(given), *plain]) + " |")


def variants(order: str) -> list[Learning]:
    return [NOTHING_LEARNED, *(Learning(BoilerplateSettings(articles, share), words, key, order)
                               for articles in (2, 3, 5, 8) for share in (0.1, 0.2, 0.35, 0.5)
                               for words in (LEARN_MAX_WORDS, None) for key in (line_key, digits_masked_key))]


def fold_of(source: str | None) -> int:
    return zlib.crc32((source or "").encode()) % FOLDS


def choose(candidates: dict[Learning, Outcome], given: int, view: str) -> Learning:
    """HTML: the variant with the best F1 whose rule loses at most HTML_RULE_LOSS of the gold lines. Plain text:
    the one whose rule removes the most cruft at precision >= MIN_RULE_PRECISION counting the body lines it
    loses, as the other plain-text rules' settings were chosen (extraction_quality). Ties: the first."""
    if view == HTML:
        allowed = [v for v, o in candidates.items() if o.rule_lost <= HTML_RULE_LOSS * given]
        return max(allowed, key=lambda v: f1_of_means(candidates[v].scores).f1)
    allowed = [v for v, o in candidates.items() if removes_precisely(o.plain[view], SOURCE_BOILERPLATE)]
    return max(allowed, key=lambda v: candidates[v].plain[view].cruft_by_rule[SOURCE_BOILERPLATE])


def report_variants(sites: list[SitePage], by_source: dict[str, list[SitePage]], cleaner: Cleaner, given: int,
                    order: str) -> None:
    everything = [site.page.id for site in sites]
    outcomes = {v: outcome_of(v, sites, by_source, cleaner) for v in variants(order)}
    print(f"\nVariants, learned from the source's {order} pages, on all pages (the curve)")
    _table_head("learning", ["HTML F1", "source_boilerplate (HTML)", *FLATTENINGS])
    for variant, per_page in outcomes.items():
        total = summed(per_page, everything)
        print(f"| {variant.name()} | {total.f1()} | {total.html_rule(given)} | "
              + " | ".join(total.plain_cells(name) for name in FLATTENINGS) + " |")
    for view in VIEWS:
        held_out = Outcome()
        print(f"{view}: chosen on four folds by source, scored on the fifth")
        for fold in range(FOLDS):
            train = [s.page.id for s in sites if fold_of(s.source) != fold]
            test = [s.page.id for s in sites if fold_of(s.source) == fold]
            chosen = choose({v: summed(o, train) for v, o in outcomes.items()}, given * len(train) // len(sites),
                            view)
            held_out.add(summed(outcomes[chosen], test))
            print(f"  fold {fold} ({len(test)} pages): {chosen.name()}")
        cells = held_out.f1() + ", source_boilerplate " + held_out.html_rule(given) if view == HTML \
            else held_out.plain_cells(view)
        print(f"  held out: {cells}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", default="others",
                        help="comma-separated orders whose variants to sweep: others, earlier (default: others; "
                             "'' for none)")
    args = parser.parse_args(argv)
    folder = unpack_dev()
    sites = read_sites(load_pages(folder / "html", folder / "ground-truth.json"))
    by_source = report_sources(sites)
    report_repetition(sites, by_source)
    cleaner, given = Cleaner(), gold_lines_given(sites)
    report_mechanism(sites, by_source, cleaner, given)
    for order in filter(None, args.orders.split(",")):
        report_variants(sites, by_source, cleaner, given, order)
    return 0


if __name__ == "__main__":
    sys.exit(main())
