"""What the per-document limits cost: extraction throughput of the guarded workers (extract/workers.py)
against plain in-process extraction and a chunked ProcessPoolExecutor, on the labelled HTML pages.

    .venv/bin/python benchmarks/guarded_extraction.py [--copies 6] [--workers 2]

Prints docs/s for each way; the guarded workers send one document at a time (that is what lets a deadline
name one document), so their overhead is a pipe round trip per document.
"""

from __future__ import annotations

import argparse
import itertools
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from newsingest.extract import ExtractSettings, extract_document
from newsingest.extract.workers import ExtractWorkers
from newsingest.records import RawDocument

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "extraction" / "html"


def documents(copies: int) -> list[RawDocument]:
    pages = sorted(PAGES.glob("h*.html"))
    return [RawDocument(origin=f"{page.name}#{n}", body=page.read_bytes() + f"<!-- {n} -->".encode(),
                        content_type="text/html") for n in range(copies) for page in pages]


def rate(label: str, docs: list[RawDocument], extract) -> None:
    started = time.perf_counter()
    outcomes = extract(docs)
    seconds = time.perf_counter() - started
    print(f"{label:<34} {len(outcomes) / seconds:8.1f} docs/s  ({len(outcomes)} docs, {seconds:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    docs, settings = documents(args.copies), ExtractSettings()
    warm = docs[:4]
    rate("in-process, serial", docs, lambda d: [extract_document(raw, settings) for raw in d])
    for workers in sorted({1, args.workers}):
        with ExtractWorkers(workers, settings) as guarded:
            guarded.extract(warm)  # start-up and warm-up are paid once per run, not per document
            rate(f"guarded workers x{workers}", docs, guarded.extract)
        with ProcessPoolExecutor(workers, mp_context=get_context("forkserver")) as pool:
            list(pool.map(extract_document, warm, itertools.repeat(settings)))
            rate(f"ProcessPoolExecutor x{workers}, chunked", docs, lambda d: list(
                pool.map(extract_document, d, itertools.repeat(settings), chunksize=max(1, len(d) // 16))))


if __name__ == "__main__":
    main()
