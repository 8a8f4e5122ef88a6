"""What each expensive source of the line model's candidates and votes buys: held-out F1 against CPU per page.

    .venv/bin/python benchmarks/extraction_ablation.py [--pages N] [--folds 5]

Each page of ../shared/eval/dragnet-dev.tar.xz (unpacked into the git-ignored benchmarks/corpus/) goes through
every variant below in turn (so a loaded machine's slow spells fall on all of them): trafilatura's recall pass
gives the candidate lines and readability the votes, each timed in CPU of this process. Each variant's line
model is trained on its own features (benchmarks/train_line_model.py: 5 folds by page, the model trained on
the other folds) and its held-out selection, with the line rules after it as extraction runs them, is
scored with the benchmark's metric (title + text). The title is the one extraction finds (the same in
every variant). Prints one row per variant: CPU of the two sources, F1 held out, and its difference from
the shipped variant's.

Variants:
- shipped: recall pass with trafilatura's fallback comparison (readability and jusText where its own text
  is short); readability's votes from the fallback's run where it made one (its tree less comment
  sections), elsewhere from a run of readability on the whole tree
- own votes everywhere: readability's votes always from its run on the whole tree (as shipped until
  2026-12-06, session 13)
- no votes: the readability features constant (its run saved)
- no fallback: the recall pass with `no_fallback=True` (trafilatura's readability and jusText skipped), so
  readability's votes always from its run on the whole tree
- no fallback, no votes: both
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from dataclasses import dataclass, field

from trafilatura.utils import load_html

from extraction_quality import Page, load_pages, unpack_dev
from train_line_model import THRESHOLD, PageLines, held_out, labelled_lines, score

from newsingest.extract.decode import decode
from newsingest.extract.html import (HtmlOptions, extract_html, fallback_readability, readability_text,
                                     trafilatura_text)
from newsingest.extract.language import detect_language, primary_language
from newsingest.extract.selection import candidate_lines

FALLBACKS, WHOLE_TREE, NONE = "fallback's where it ran", "own run on the whole tree", "none"


@dataclass(slots=True)
class Variant:
    name: str
    options: HtmlOptions
    votes: str  # FALLBACKS, WHOLE_TREE or NONE
    pages: list[PageLines] = field(default_factory=list)
    recall_cpu: float = 0.0
    vote_cpu: float = 0.0


def variants() -> list[Variant]:
    fast = HtmlOptions(no_fallback=True)
    return [Variant("shipped", HtmlOptions(), FALLBACKS), Variant("own votes everywhere", HtmlOptions(), WHOLE_TREE),
            Variant("no votes", HtmlOptions(), NONE), Variant("no fallback", fast, WHOLE_TREE),
            Variant("no fallback, no votes", fast, NONE)]


def candidates_and_votes(html: str, url: str | None, variant: Variant) -> tuple[list[str], str | None, str]:
    """The variant's candidate lines, trafilatura's language and the vote text; its CPU added to the variant."""
    tree = load_html(html)
    started = time.process_time()
    with fallback_readability() as fallback:
        document = trafilatura_text(tree, url, variant.options)
    voting = time.process_time()
    if variant.votes == NONE or document is None:
        votes = ""
    elif variant.votes == FALLBACKS and fallback.text is not None:
        votes = fallback.text
    else:
        votes = readability_text(tree)
    variant.recall_cpu += voting - started
    variant.vote_cpu += time.process_time() - voting
    text = document.text if document is not None else ""
    return candidate_lines(text.splitlines()), document and document.language, votes


def add_page(page: Page, variants: list[Variant]) -> None:
    html = unicodedata.normalize("NFC", decode(page.html, None).text)
    extracted = extract_html(html, page.url)
    title = extracted.title if extracted else None
    for variant in variants:
        candidates, declared, votes = candidates_and_votes(html, page.url, variant)
        language = primary_language(declared) or detect_language("\n".join(candidates))
        variant.pages.append(labelled_lines(page, title, candidates, votes, language, precision=[]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=None, help="the first N dev pages (default: all 954)")
    args = parser.parse_args(argv)
    folder = unpack_dev()
    pages = load_pages(folder / "html", folder / "ground-truth.json")[:args.pages]
    measured = variants()
    for page in pages:
        add_page(page, measured)
    print(f"{len(pages)} dev pages, {args.folds} folds by page, threshold {THRESHOLD}, line rules after the model; "
          "CPU per page in this process\n")
    print("| variant | recall pass ms/page | readability votes ms/page | both | P | R | F1 held out | vs shipped |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    shipped = None
    for variant in measured:
        precision, recall, f1 = score(variant.pages, held_out(variant.pages, args.folds, THRESHOLD, rules=True))
        shipped = shipped if shipped is not None else f1
        recall_ms, votes_ms = variant.recall_cpu / len(pages) * 1000, variant.vote_cpu / len(pages) * 1000
        print(f"| {variant.name} | {recall_ms:.2f} | {votes_ms:.2f} | {recall_ms + votes_ms:.2f} | {precision:.4f} | "
              f"{recall:.4f} | {f1:.4f} | {(f1 - shipped) * 100:+.2f} points |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
