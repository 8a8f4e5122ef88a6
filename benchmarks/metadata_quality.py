"""Metadata accuracy of newsingest beside plain trafilatura, measured in the same run on real pages.

    tar -xJf ../shared/eval/dragnet-dev.tar.xz -C benchmarks/corpus
    .venv/bin/python benchmarks/metadata_quality.py \\
        --html-dir benchmarks/corpus/dragnet-dev/html --labels benchmarks/labels/dragnet_metadata.json

The labels (170 pages, written by hand from each page's structured data and visible byline; see the file's
"about") are compared with what `extract_document` lands and with `trafilatura.bare_extraction`'s metadata:

- title: exact after Unicode (NFKC) and white-space normalisation, case and quote styles kept apart only
  by normalisation of typographic quotes and dashes;
- date (day): the publication day in the page's own time zone, on pages whose label has a date;
  `false dates` counts dates given for pages that state none;
- time where stated: the clock time (HH:MM, page's zone) on pages whose label has one; when both the label
  and the answer carry a UTC offset, the offsets must agree too;
- authors exact: the set of names equal (case-folded, spaces normalised), pages without author included.

The rules were written while looking at the errors of the `dev` half only (ids with an even sha256); the
`held-out` half is reported separately so a rule fitted to a page would show as a gap between the two.

`--cost` prints what each metadata field costs in CPU per page (process time, the labelled pages read
`--rounds` times): the page's parse and the reads every field shares (metas, JSON-LD, site names), then
title, authors, publication time and canonical URL; trafilatura's site name (always read) and its title and
date, which page_metadata asks for only where the page's own candidates leave them open (on 4 and 115 of the
954 dev pages); beside the whole `extract_document` of the same pages.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from pathlib import Path

import trafilatura
from trafilatura.utils import load_html

from newsingest.extract import extract_document
from newsingest.extract import metadata
from newsingest.extract.html import HtmlOptions, _found_metadata
from newsingest.extract.metadata import parse_published
from newsingest.records import Article, RawDocument

FIELDS = ("title", "date", "time", "authors")
QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


@dataclass(frozen=True, slots=True)
class Answer:
    title: str | None
    day: date | None
    clock: str | None  # HH:MM in the page's zone
    utc_offset: timedelta | None
    authors: frozenset[str]


def _text(value: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value or "").translate(QUOTES)).strip()


def _names(names) -> frozenset[str]:
    return frozenset(_text(name).casefold() for name in names if _text(name))


def newsingest_answer(html: bytes) -> Answer:
    article = extract_document(RawDocument(origin="page", body=html, content_type="text/html"))
    if not isinstance(article, Article):
        return Answer(None, None, None, None, frozenset())
    published = article.published_at
    if published is not None and article.published_utc_offset is not None:
        published = published.astimezone(timezone(article.published_utc_offset))
    return Answer(
        title=article.title,
        day=published.date() if published else None,
        clock=published.strftime("%H:%M") if published and not article.published_date_only else None,
        utc_offset=article.published_utc_offset,
        authors=_names((article.author or "").split(";")),
    )


def trafilatura_answer(html: bytes) -> Answer:
    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, deduplicate=False)
    if document is None:
        return Answer(None, None, None, None, frozenset())
    published = parse_published(document.date)
    return Answer(title=document.title, day=published.local_date if published else None,
                  clock=None if published is None or published.date_only else published.at.strftime("%H:%M"),
                  utc_offset=published.utc_offset if published else None,
                  authors=_names((document.author or "").split(";")))


def _offset(text: str | None) -> timedelta | None:
    if not text:
        return None
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text[1:].split(":")
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


def score(label: dict, answer: Answer) -> dict[str, bool | None]:
    """True/False per field; None where the field is not scored on this page."""
    offset = _offset(label["utc_offset"])
    time_right = None
    if label["time"]:
        time_right = (answer.clock == label["time"] and answer.day == date.fromisoformat(label["date"])
                      and (offset is None or answer.utc_offset is None or answer.utc_offset == offset))
    return {
        "title": _text(answer.title) == _text(label["title"]),
        "date": answer.day == date.fromisoformat(label["date"]) if label["date"] else None,
        "false_date": answer.day is not None if not label["date"] else None,
        "time": time_right,
        "authors": answer.authors == _names(label["authors"]),
    }


def fold(page_id: str) -> str:
    return "dev" if int(hashlib.sha256(page_id.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def _cpu(work, rounds: int) -> float:
    started = time.process_time()
    for _ in range(rounds):
        work()
    return (time.process_time() - started) / rounds


def field_costs(pages: list[bytes], rounds: int) -> dict[str, float]:
    """CPU seconds per page of each step of `page_metadata`, in its order, and of the whole extraction."""
    costs = dict.fromkeys(("parse", "shared reads", "title", "authors", "published", "canonical URL",
                           "page_metadata (all)", "trafilatura site name", "trafilatura title, if asked",
                           "trafilatura date (htmldate), if asked", "extract_document (all)"), 0.0)
    for body in pages:
        html = body.decode("utf-8", "replace")
        tree, trafilatura_tree = metadata._parse(html), load_html(html)
        if tree is None or trafilatura_tree is None:
            continue
        meta, articles = metadata._meta(tree), metadata._json_ld(tree)
        names = metadata._site_names(meta, None, articles)
        costs["parse"] += _cpu(lambda: metadata._parse(html), rounds)
        costs["shared reads"] += _cpu(lambda: metadata._site_names(
            metadata._meta(tree), None, metadata._json_ld(tree)), rounds)
        costs["title"] += _cpu(lambda: metadata._title(tree, meta, articles, names, metadata.Fallback().title), rounds)
        costs["authors"] += _cpu(lambda: metadata._authors(tree, meta, articles, names), rounds)
        costs["published"] += _cpu(lambda: metadata._published(tree, meta, articles, metadata.Fallback().date, None), rounds)
        costs["canonical URL"] += _cpu(lambda: metadata._canonical(tree, meta, None), rounds)
        costs["page_metadata (all)"] += _cpu(lambda: metadata.page_metadata(html, None), rounds)
        costs["trafilatura site name"] += _cpu(lambda: _found_metadata(trafilatura_tree, None, HtmlOptions()), rounds)
        found = _found_metadata(trafilatura_tree, None, HtmlOptions())
        costs["trafilatura title, if asked"] += _cpu(found.title, rounds)
        costs["trafilatura date (htmldate), if asked"] += _cpu(found.date, rounds)
        raw = RawDocument(origin="page", body=body, content_type="text/html")
        costs["extract_document (all)"] += _cpu(lambda: extract_document(raw), rounds)
    return {step: total / len(pages) for step, total in costs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--errors", choices=("dev", "held-out", "all"), help="print the pages newsingest gets wrong")
    parser.add_argument("--cost", action="store_true", help="CPU per page of each metadata field instead")
    parser.add_argument("--rounds", type=int, default=3, help="with --cost: reads of each page")
    args = parser.parse_args()
    pages = json.loads(args.labels.read_text(encoding="utf-8"))["pages"]
    if args.cost:
        bodies = [(args.html_dir / f"{page_id}.html").read_bytes() for page_id in sorted(pages)]
        for step, seconds in field_costs(bodies, args.rounds).items():
            print(f"{step:<40} {seconds * 1000:8.2f} ms/page")
        return
    systems = {"newsingest": newsingest_answer, "trafilatura": trafilatura_answer}
    results: dict[str, dict[str, list[dict]]] = {name: {"dev": [], "held-out": []} for name in systems}
    for page_id, label in sorted(pages.items()):
        html = (args.html_dir / f"{page_id}.html").read_bytes()
        for name, answer_of in systems.items():
            answer = answer_of(html)
            scored = score(label, answer)
            results[name][fold(page_id)].append(scored)
            wrong = [field for field in FIELDS if scored[field] is False]
            if name == "newsingest" and args.errors in (fold(page_id), "all") and wrong:
                print(f"{page_id} {wrong}\n  label  {label}\n  answer {answer}")
    counts = {part: len(rows) for part, rows in results["newsingest"].items()}
    print(f"\n{len(pages)} labelled pages (dev {counts['dev']}, held-out {counts['held-out']})")
    print(f"{'system':<12} {'part':<9} " + " ".join(f"{field:>16}" for field in (*FIELDS, "false_date")))
    for name, parts in results.items():
        for part, rows in (*parts.items(), ("all", parts["dev"] + parts["held-out"])):
            cells = []
            for field in (*FIELDS, "false_date"):
                scored = [row[field] for row in rows if row[field] is not None]
                cells.append(f"{sum(scored) / len(scored):.3f} ({sum(scored)}/{len(scored)})" if scored else "-")
            print(f"{name:<12} {part:<9} " + " ".join(f"{cell:>16}" for cell in cells))


if __name__ == "__main__":
    main()
