"""Where an extraction worker's CPU goes, per real page: each step of HTML extraction timed on its own.

    .venv/bin/python benchmarks/extraction_profile.py                 # all 954 dev pages
    .venv/bin/python benchmarks/extraction_profile.py --pages 300

The development pages (../shared/eval, unpacked into the git-ignored benchmarks/corpus/) go through the
steps `extract_document` runs for an HTML page, in its order, each timed in CPU seconds of this process:
decoding, parsing, trafilatura's text, the metadata trafilatura finds, our metadata search, readability's
votes, language, the line model, the cleaning rules, then the features the worker computes for dedup and
stories. Beside them, in the same run: the whole `extract_document` + features, and raw
`trafilatura.extract(favor_precision=True)` (the peer benchmark's floor, here with the parser's class lookup
in C that importing newsingest.extract sets; benchmarks/peer_floor.py runs it without).
"""

from __future__ import annotations

import argparse
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import trafilatura
from trafilatura.utils import load_html

from newsingest.article_features import FeatureMaker
from newsingest.dedup.signatures import SignatureSettings
from newsingest.extract import ExtractSettings, extract_document
from newsingest.extract.decode import decode
from newsingest.extract.html import _found_metadata, fallback_readability, readability_text, trafilatura_text
from newsingest.extract.language import detect_language
from newsingest.extract.metadata import Fallback, page_metadata
from newsingest.extract.selection import candidate_lines, judge_lines
from newsingest.extract.text import clean_lines
from newsingest.extract.workers import WARM_UP
from newsingest.records import Article, RawDocument
from newsingest.stories.features import FeatureSettings

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "benchmarks" / "corpus" / "dragnet-dev" / "html"


class Clock:
    """CPU seconds spent in each named step."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def __call__(self, step: str, work: Callable, *args, **kwargs):
        started = time.process_time()
        result = work(*args, **kwargs)
        self.spent[step] += time.process_time() - started
        return result


def steps(raw: RawDocument, settings: ExtractSettings, features: FeatureMaker, clock: Clock) -> None:
    """One page through the steps of an HTML extraction (extract/__init__.py and html.py), each timed."""
    text = clock("decode", lambda: unicodedata.normalize("NFC", decode(raw.body).text))
    tree = clock("parse (lxml, trafilatura's parser)", load_html, text)
    with fallback_readability() as fallback:
        document = clock("trafilatura text (bare_extraction)", trafilatura_text, tree, raw.url, settings.html)
    if document is None or not (document.text or "").strip():
        return
    found = clock("trafilatura site name (and its metas, JSON-LD)", _found_metadata, tree, raw.url, settings.html)
    metadata = clock("metadata search (metadata.py; trafilatura's title, date where asked)", page_metadata, text,
                     raw.url, Fallback(title=found.title, date=found.date))
    # Where trafilatura's fallback comparison ran readability, that run's text is the vote (timed above).
    readability = fallback.text if fallback.text is not None else clock("readability votes", readability_text, tree)
    lines = candidate_lines(document.text.splitlines())
    language = clock("language (py3langid)", detect_language, "\n".join(lines))
    judged = clock("line model (selection.py)", judge_lines, lines, readability, metadata.title, language,
                   settings.min_words)
    cleaned = clock("cleaning rules (text.py)", clean_lines, lines, title=metadata.title, start=0,
                    learned=frozenset(), language=language, judged=judged)
    if cleaned.text:
        article = extract_document(raw, settings)
        if isinstance(article, Article):
            clock("features (signature, term weights)", features, article)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="pages of the dev set (default: all 954)")
    args = parser.parse_args()
    raws = [RawDocument(origin=str(path), content_type="text/html", body=path.read_bytes())
            for path in sorted(PAGES.glob("*.html"))[:args.pages]]
    settings, features = ExtractSettings(), FeatureMaker(SignatureSettings(), FeatureSettings())
    features(extract_document(WARM_UP, settings))  # models load on the first page
    clock = Clock()
    for raw in raws:
        steps(raw, settings, features, clock)
    whole = Clock()
    for raw in raws:
        outcome = whole("newsingest extract_document + features", extract_document, raw, settings)
        if isinstance(outcome, Article):
            whole("newsingest extract_document + features", features, outcome)
        whole("trafilatura.extract(favor_precision=True), C class lookup", trafilatura.extract, raw.body,
              favor_precision=True, include_comments=False, deduplicate=False)
    print(f"CPU per page over {len(raws)} dev pages (ms):\n")
    print("| step | ms/page |\n|---|---:|")
    for step, seconds in [*clock.spent.items(), ("sum of the steps", sum(clock.spent.values())),
                          *whole.spent.items()]:
        print(f"| {step} | {seconds / len(raws) * 1000:.2f} |")


if __name__ == "__main__":
    main()
