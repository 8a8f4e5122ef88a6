"""Stages for flattened plain text that were measured and left out, each held out on folds by page.

On the plain-text set of the development pages (each page as trafilatura's recall mode flattens it, one
paragraph per line, each line labelled body or cruft by the gold: `extraction_quality.py --dev
--plain-text`), each candidate runs after the cleaner (its rules, `between_cruft` included) on the lines it
keeps, for the kinds of cruft that stay (docs/extraction.md, plain text):

- `justext`: jusText's whole context classification (Pomikálek 2011: good / bad / short / near-good by
  length and stop-word density, short and near-good lines resolved by their neighbours, headings before good
  text kept, the page's edges bad), the rules' removed lines bad; its bad lines go. The cleaner's
  `between_cruft` is the part of it that holds on these pages.
- `teaser_run`: runs of headline-shaped lines (a capital first, no sentence end, 4 to 15 words, title case
  or not) with no paragraph between them, below the article's last paragraph, at its edges or anywhere.
- `promo_density`: sentences whose content words are mostly the vocabulary of boilerplate kinds
  (subscribe, newsletter, copyright, cookies, privacy, follow, app, ...; English and German lists).
- `topical`: lines that are not about the story (topical coherence, after Kohlschütter's content coherence
  and TextTiling's lexical cohesion): a line with enough content terms (stop words dropped, stemmed to 5
  letters; character bigrams in Chinese and Japanese) of which at most a share occurs in the story's core,
  the title and the paragraphs the cleaner keeps (the line's own terms not counted), alone or in a run of
  such lines, below the last paragraph, at the edges or anywhere. Before the grid it prints how the share
  is distributed over the body and cruft lines the cleaner keeps.

For each: every setting's cruft removed and body lines lost on all pages (the curve), and the setting chosen
on four folds (the most cruft at 95% precision, errors being body lines lost) scored on the fifth:

    .venv/bin/python benchmarks/plain_text_candidates.py
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from extraction_quality import (FOLDS, MIN_RULE_PRECISION, _norm, _tokens, in_gold, load_pages, recall_lines,
                                unpack_dev)
from newsingest.extract.decode import decode
from newsingest.extract.flattened import (LETTER_WORD, LIST_MARKER, NOT_CRUFT_EVIDENCE, SENTENCE_END, heads_good_text,
                                          is_paragraph)
from newsingest.extract.language import UNSPACED, count_words, detect_language
from newsingest.extract.quality import shingles
from newsingest.extract.text import clean_text, is_sentence_case, normalise_line, split_title, stopwords

# Words of boilerplate kinds: asking to subscribe, sign up, follow or share; legal notes; ads; site widgets.
PROMO_WORDS = {
    "en": frozenset("""subscribe subscribed subscriber subscribers subscription subscriptions newsletter newsletters
copyright rights reserved cookie cookies terms privacy policy advertisement advertisements advertise advertising
sponsored sign signup register registration login log account follow followers app apps download facebook twitter
instagram linkedin youtube pinterest rss feed feeds share sharing email e-mail inbox updates alerts notifications
deals offers unsubscribe membership member members premium donate donation support contact tips disclaimer
reproduced republished permission trademark trademarks powered wordpress website site blog trackback responses
comments comment reply""".split()),
    "de": frozenset("""abonnieren abonniert abonnement abo newsletter urheberrecht rechte vorbehalten cookies cookie
datenschutz nutzungsbedingungen agb impressum anzeige werbung anmelden registrieren login konto folgen app apps
herunterladen facebook twitter instagram teilen e-mail kontakt spenden unterstützen mitglied""".split()),
}


@dataclass(slots=True)
class Line:
    position: int
    text: str
    rule: str | None  # the cleaner's reason for removing it, None when it keeps it
    is_body: bool


# Letter runs; a run of Chinese or Japanese characters is one run, cut into character bigrams.
TERM_RUN = re.compile(f"[{UNSPACED}]+|[^\\W\\d_{UNSPACED}]+")
UNSPACED_RUN = re.compile(f"[{UNSPACED}]")
STEM_LENGTH = 5  # as the stray-headline rule compares words


@dataclass(slots=True)
class FlatPage:
    id: str
    title: str
    lines: list[Line]
    common: frozenset[str] | None  # the stop words of the page's language
    promo: frozenset[str] | None
    shares: dict[int, tuple[int, float]] = field(default_factory=dict)  # core_shares, once per page


Stage = Callable[[FlatPage], set[int]]  # positions of kept lines the stage removes


def flat_page(page_id: str, flattened: list[str], truth: str) -> FlatPage | None:
    text = "\n".join(flattened)
    cleaned = clean_text(text)
    rules = {removed.position: removed.rule for removed in cleaned.removed}
    title, body, start = split_title(text)
    gold, gold_tokens = shingles(truth), _tokens(truth)
    lines = [Line(position, line, rules.get(position), in_gold(line, gold, gold_tokens))
             for position, raw in enumerate(body, start) if (line := normalise_line(raw))]
    if not lines:
        return None
    language = detect_language("\n".join(line.text for line in lines if line.rule is None))
    page = FlatPage(page_id, title or "", lines, stopwords(language), PROMO_WORDS.get(language or ""))
    page.shares = core_shares(page)
    return page


def _density(text: str, words_of: frozenset[str]) -> float:
    words = LETTER_WORD.findall(text.lower())
    return sum(word in words_of for word in words) / max(1, len(words))


def justext_stage(length_low: int, length_high: int, stop_low: float, stop_high: float, heading_distance: int,
                  keep_paragraphs: bool) -> Stage:
    """jusText's classify_paragraphs and revise_paragraph_classification (justext/core.py) on lines."""
    def stage(page: FlatPage) -> set[int]:
        if page.common is None:
            return set()
        lines = [line for line in page.lines if line.rule not in NOT_CRUFT_EVIDENCE]
        first_classes = [_justext_class(line, page.common, length_low, length_high, stop_low, stop_high)
                         for line in lines]
        headings = [line.rule is None and not line.text.endswith(SENTENCE_END) for line in lines]
        classes = _revise(lines, first_classes, headings, heading_distance)
        return {line.position for line, line_class in zip(lines, classes, strict=True)
                if line.rule is None and line_class == "bad" and not (keep_paragraphs and is_paragraph(line.text))}
    return stage


def _justext_class(line: Line, common: frozenset[str], length_low: int, length_high: int, stop_low: float,
                   stop_high: float) -> str:
    if line.rule is not None or "\xa9" in line.text:
        return "bad"
    if len(line.text) < length_low:
        return "short"
    density = _density(line.text, common)
    if density >= stop_high:
        return "good" if len(line.text) > length_high else "neargood"
    return "neargood" if density >= stop_low else "bad"


def _neighbour(classes: list[str], index: int, step: int, ignore_neargood: bool) -> str:
    index += step
    while 0 <= index < len(classes):
        if classes[index] in ("good", "bad") or (classes[index] == "neargood" and not ignore_neargood):
            return classes[index]
        index += step
    return "bad"


def _revise(lines: list[Line], first: list[str], headings: list[bool], distance: int) -> list[str]:
    lengths = [len(line.text) for line in lines]
    classes = ["neargood" if heading and c == "short" and heads_good_text(lengths, first, i, distance) else c
               for i, (c, heading) in enumerate(zip(first, headings, strict=True))]
    resolved = list(classes)
    for i, c in enumerate(classes):
        if c != "short":
            continue
        above, below = _neighbour(classes, i, -1, True), _neighbour(classes, i, 1, True)
        if above == below:
            resolved[i] = above
        else:
            near_good = ((above == "bad" and _neighbour(classes, i, -1, False) == "neargood")
                         or (below == "bad" and _neighbour(classes, i, 1, False) == "neargood"))
            resolved[i] = "good" if near_good else "bad"
    classes = resolved
    for i, c in enumerate(classes):
        if c == "neargood":
            bad_around = (_neighbour(classes, i, -1, True), _neighbour(classes, i, 1, True)) == ("bad", "bad")
            classes[i] = "bad" if bad_around else "good"
    return ["good" if heading and c == "bad" and f != "bad" and heads_good_text(lengths, classes, i, distance) else c
            for i, (c, f, heading) in enumerate(zip(classes, first, headings, strict=True))]


def _headline_shaped(text: str, min_words: int, title_case: bool) -> bool:
    item = LIST_MARKER.sub("", text, count=1)
    return (min_words <= count_words(item) <= 15 and not item.endswith(SENTENCE_END)
            and (item[:1].isupper() or item[:1].isdigit()) and not (title_case and is_sentence_case(item)))


def _runs_in_place(kept: list[Line], flagged: list[bool], min_run: int, where: str) -> set[int]:
    """Positions of the flagged kept lines in runs of `min_run` or more that lie `where` against the article's
    paragraphs: below the last one, at the edges (outside the first to the last) or anywhere."""
    paragraphs = [i for i, line in enumerate(kept) if is_paragraph(line.text)]
    if not paragraphs:
        return set()
    allowed = {"below": lambda i: i > paragraphs[-1], "edges": lambda i: not paragraphs[0] <= i <= paragraphs[-1],
               "anywhere": lambda i: True}[where]
    removed: set[int] = set()
    for is_flagged, run in itertools.groupby(range(len(kept)), key=lambda i: flagged[i]):
        run = list(run)
        if is_flagged and len(run) >= min_run:
            removed.update(kept[i].position for i in run if allowed(i))
    return removed


def teaser_run_stage(min_run: int, min_words: int, title_case: bool, where: str) -> Stage:
    def stage(page: FlatPage) -> set[int]:
        kept = [line for line in page.lines if line.rule is None]
        shaped = [_headline_shaped(line.text, min_words, title_case) for line in kept]
        return _runs_in_place(kept, shaped, min_run, where)
    return stage


def promo_density_stage(min_density: float, min_hits: int) -> Stage:
    def stage(page: FlatPage) -> set[int]:
        if page.promo is None or page.common is None:
            return set()
        removed = set()
        for line in page.lines:
            content = [w for w in LETTER_WORD.findall(line.text.lower()) if w not in page.common]
            hits = sum(word in page.promo for word in content)
            if line.rule is None and content and hits >= min_hits and hits >= min_density * len(content):
                removed.add(line.position)
        return removed
    return stage


def content_terms(text: str, common: frozenset[str]) -> Counter[str]:
    """A text's content terms: words of two letters or more, stop words dropped, stemmed; in Chinese and
    Japanese, whose words no space separates, character bigrams."""
    terms: Counter[str] = Counter()
    for run in TERM_RUN.findall(text.casefold()):
        if UNSPACED_RUN.match(run):
            terms.update(run[i:i + 2] for i in range(max(1, len(run) - 1)))
        elif len(run) > 1 and run not in common:
            terms[run[:STEM_LENGTH]] += 1
    return terms


def core_shares(page: FlatPage) -> dict[int, tuple[int, float]]:
    """For each line the cleaner keeps: its number of distinct content terms, and the share of them that
    occurs in the story's core (the title and the kept paragraphs), the line's own occurrences not counted."""
    common = page.common or frozenset()
    terms = {line.position: content_terms(line.text, common) for line in page.lines if line.rule is None}
    in_core = {line.position for line in page.lines if line.rule is None and is_paragraph(line.text)}
    core = content_terms(page.title, common)
    for position in in_core:
        core.update(terms[position])
    shares = {}
    for position, own in terms.items():
        elsewhere = core - own if position in in_core else core
        shares[position] = (len(own), sum(term in elsewhere for term in own) / len(own) if own else 1.0)
    return shares


def report_core_shares(pages: list[FlatPage]) -> None:
    """How the share of a kept line's content terms in the story's core is distributed over body and cruft
    lines (non-paragraphs and paragraphs apart): the separating power of the signal before any stage."""
    upper_bounds = (0.0, 0.2, 0.4, 0.6, 1.0)  # a share of 0 apart: no content term in the core at all
    counts: Counter[tuple[bool, int, bool]] = Counter()
    for page in pages:
        for line in page.lines:
            terms, share = page.shares.get(line.position, (0, 0.0))
            if line.rule is None and terms:
                column = next(i for i, bound in enumerate(upper_bounds) if share <= bound)
                counts[is_paragraph(line.text), column, line.is_body] += 1
    print("\ntopical: share of a kept line's content terms in the story's core (title + kept paragraphs), "
          "lines with content terms, body / cruft")
    print("| lines | 0 | " + " | ".join(f"{low}-{high}" for low, high in itertools.pairwise(upper_bounds)) + " |")
    for paragraph in (False, True):
        print(f"| {'paragraphs' if paragraph else 'other lines'} | " + " | ".join(
            f"{counts[paragraph, i, True]} / {counts[paragraph, i, False]}" for i in range(len(upper_bounds))) + " |")


def topical_stage(min_terms: int, max_share: float, min_run: int, where: str, paragraphs: bool) -> Stage:
    def stage(page: FlatPage) -> set[int]:
        kept = [line for line in page.lines if line.rule is None]
        off_topic = [(paragraphs or not is_paragraph(line.text)) and page.shares[line.position][0] >= min_terms
                     and page.shares[line.position][1] <= max_share for line in kept]
        return _runs_in_place(kept, off_topic, min_run, where)
    return stage


@dataclass(slots=True)
class Tally:
    cruft: int = 0
    body: int = 0
    cruft_removed: int = 0  # by the cleaner and the stage
    body_lost: int = 0
    stage_cruft: int = 0
    stage_lost: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self) -> str:
        return (f"cruft removed {self.cruft_removed}/{self.cruft} ({self.cruft_removed / max(1, self.cruft):.1%}), "
                f"body lost {self.body_lost}/{self.body} ({self.body_lost / max(1, self.body):.2%}); "
                f"the stage: +{self.stage_cruft} cruft, +{self.stage_lost} lost")


def tally(page: FlatPage, removed: set[int]) -> Tally:
    """Lines labelled by the gold; a body line whose copy stays is not lost (as extraction_quality counts)."""
    counts = Tally()
    kept_by_rules = {_norm(line.text) for line in page.lines if line.rule is None}
    kept = {_norm(line.text) for line in page.lines if line.rule is None and line.position not in removed}
    for line in page.lines:
        gone = line.rule is not None or line.position in removed
        counts.body, counts.cruft = counts.body + line.is_body, counts.cruft + (not line.is_body)
        if gone and not line.is_body:
            counts.cruft_removed += 1
            counts.stage_cruft += line.rule is None
        if gone and line.is_body and _norm(line.text) not in kept:
            counts.body_lost += 1
            counts.stage_lost += line.rule is None or _norm(line.text) in kept_by_rules
    return counts


def _summed(per_page: list[Tally], indexes: list[int]) -> Tally:
    total = Tally()
    for index in indexes:
        total.add(per_page[index])
    return total


def report(name: str, grid: dict[str, Stage], pages: list[FlatPage]) -> None:
    per_setting = {setting: [tally(page, stage(page)) for page in pages] for setting, stage in grid.items()}
    everything = range(len(pages))
    print(f"\n{name}: every setting on all {len(pages)} pages (the curve)")
    for setting, per_page in sorted(per_setting.items(), key=lambda item: _summed(item[1], everything).stage_cruft):
        print(f"  {setting}: " + _summed(per_page, everything).line())
    held_out = Tally()
    for fold in range(FOLDS):
        train = [i for i in everything if i % FOLDS != fold]
        test = [i for i in everything if i % FOLDS == fold]
        precise = {setting: total for setting, per_page in per_setting.items()
                   if (total := _summed(per_page, train)).stage_cruft
                   >= MIN_RULE_PRECISION * (total.stage_cruft + total.stage_lost)}
        chosen = max(precise, key=lambda setting: precise[setting].stage_cruft, default=None)
        fold_counts = _summed(per_setting[chosen] if chosen else [tally(page, set()) for page in pages], test)
        held_out.add(fold_counts)
        print(f"  fold {fold}: chosen {chosen or 'nothing (no setting at 95%)'}; held out: " + fold_counts.line())
    print("  all held-out folds: " + held_out.line())


def main() -> int:
    folder = unpack_dev()
    pages = []
    for page in load_pages(folder / "html", folder / "ground-truth.json"):
        html = unicodedata.normalize("NFC", decode(page.html, None).text)
        if (flattened := recall_lines(html, page.url)) and (flat := flat_page(page.id, flattened, page.truth)):
            pages.append(flat)
    print(f"{len(pages)} pages flattened by trafilatura's recall mode; the cleaner alone: "
          + _summed([tally(page, set()) for page in pages], list(range(len(pages)))).line())
    report("justext", {f"length {low}-{high}, stop words {s_low}-{s_high}, heading {heading}, keep paragraphs "
                       f"{keep}": justext_stage(low, high, s_low, s_high, heading, keep)
                       for low, high in ((70, 200), (40, 200)) for s_low, s_high in ((0.30, 0.32), (0.20, 0.25))
                       for heading in (0, 200) for keep in (False, True)}, pages)
    report("teaser_run", {f"run {run}, {words}+ words, title case {title}, {where}": teaser_run_stage(run, words, title,
                                                                                                        where)
                          for run in (2, 3, 4) for words in (3, 4, 5) for title in (True, False)
                          for where in ("below", "edges", "anywhere")}, pages)
    report("promo_density", {f"density {density}, {hits}+ words": promo_density_stage(density, hits)
                             for density in (0.2, 0.3, 0.4, 0.5) for hits in (1, 2, 3)}, pages)
    report_core_shares(pages)
    report("topical", {f"{terms}+ terms, share <= {share}, run {run}, {where}, paragraphs {paragraphs}":
                       topical_stage(terms, share, run, where, paragraphs)
                       for terms in (2, 3, 4) for share in (0.0, 0.2, 0.34) for run in (1, 2, 3)
                       for where in ("below", "edges", "anywhere") for paragraphs in (False, True)}, pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
