"""What cruft the plain-text cleaner leaves on real flattened text, by kind, from a hand-labelled sample.

`plain_text_remainder.tsv` holds 150 lines drawn at random (seed 21) from the 2,363 cruft lines the cleaner
of main at ac0f2b1 kept on the plain-text set (`extraction_quality.py --dev --plain-text`: each development
page as trafilatura's recall mode flattens it, each line labelled by the gold), each given a kind by hand and
marked `heavy` when its page is one of the 50 with the most cruft kept. This prints the kinds with their
share, how many sit in the heavy pages, and how many of them the cleaner removes now:

    .venv/bin/python benchmarks/plain_text_remainder.py           # the table
    .venv/bin/python benchmarks/plain_text_remainder.py --draw    # a new sample (kind left blank) to label

Kinds: `teaser` (other stories' headlines and summaries), `furniture` (menus, labels, lists of names or
links, stamps, widgets), `promo` (subscribe, legal, about-the-site, sharing prose), `separator` (no letter or
digit), `other_article` (article-shaped prose the gold does not mark), `comment` (reader comments and their
meta lines), `caption` (photo captions and credits), `code` (script).
"""

from __future__ import annotations

import csv
import random
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from extraction_quality import _tokens, in_gold, load_pages, recall_lines, unpack_dev
from newsingest.extract.decode import decode
from newsingest.extract.quality import shingles
from newsingest.extract.text import clean_text, normalise_line, split_title

SAMPLE = Path(__file__).with_name("plain_text_remainder.tsv")
SAMPLE_SIZE = 150
SEED = 21
HEAVY_PAGES = 50


def cleaned_lines() -> list[tuple[str, int, str, bool, bool]]:
    """(page, position, line, body by the gold, removed by the cleaner) for every line of the plain-text set."""
    folder = unpack_dev()
    rows = []
    for page in load_pages(folder / "html", folder / "ground-truth.json"):
        html = unicodedata.normalize("NFC", decode(page.html, None).text)
        if not (flattened := recall_lines(html, page.url)):
            continue
        text = "\n".join(flattened)
        removed = {line.position for line in clean_text(text).removed}
        _, body, start = split_title(text)
        gold, gold_tokens = shingles(page.truth), _tokens(page.truth)
        rows += [(page.id, position, line, in_gold(line, gold, gold_tokens), position in removed)
                 for position, raw in enumerate(body, start) if (line := normalise_line(raw))]
    return rows


def draw(rows: list[tuple[str, int, str, bool, bool]]) -> None:
    kept_cruft = [row for row in rows if not row[3] and not row[4]]
    per_page = Counter(row[0] for row in kept_cruft)
    heavy = {page for page, _ in per_page.most_common(HEAVY_PAGES)}
    random.seed(SEED)
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(["page", "position", "heavy", "kind", "line"])
    for page, position, line, _, _ in random.sample(kept_cruft, SAMPLE_SIZE):
        writer.writerow([page, position, "yes" if page in heavy else "no", "", line])
    print(f"# {len(kept_cruft)} cruft lines kept; the {HEAVY_PAGES} heaviest pages hold "
          f"{sum(per_page[page] for page in heavy)}", file=sys.stderr)


def report(rows: list[tuple[str, int, str, bool, bool]]) -> None:
    removed_now = {(page, position) for page, position, _, _, removed in rows if removed}
    with SAMPLE.open(encoding="utf-8", newline="") as sample_file:
        sample = list(csv.DictReader(sample_file, delimiter="\t"))
    kinds = Counter(row["kind"] for row in sample)
    print(f"{len(sample)} sampled cruft lines the cleaner kept (main at ac0f2b1); by kind:")
    print("| kind | lines | share | on the 50 heavy pages | removed by this cleaner |\n|---|---:|---:|---:|---:|")
    for kind, count in kinds.most_common():
        of_kind = [row for row in sample if row["kind"] == kind]
        heavy = sum(row["heavy"] == "yes" for row in of_kind)
        now = sum((row["page"], int(row["position"])) in removed_now for row in of_kind)
        print(f"| {kind} | {count} | {count / len(sample):.0%} | {heavy} | {now} |")


def main() -> int:
    rows = cleaned_lines()
    draw(rows) if "--draw" in sys.argv[1:] else report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
