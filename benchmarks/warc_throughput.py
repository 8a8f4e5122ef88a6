"""WARC throughput: generate a CC-NEWS-like .warc.gz (~100 MB by default), then measure reading and ingesting.

    .venv/bin/python benchmarks/warc_throughput.py                       # 100 MB, ingest with 2 workers
    .venv/bin/python benchmarks/warc_throughput.py --mb 20 --workers 1,2

What it reports (records = every WARC record; pages = HTML responses that become documents):
- read:      records/s and pages/s of `read_warc` alone (fastwarc, headers, payloads, no extraction),
             and of warcio's ArchiveIterator on the same file when warcio happens to be installed;
- filtered:  records/s when an --allow-host filter keeps 1 host in 20 (skipped records are cheap);
- extract:   CPU ms per page of extraction alone (what each worker process spends per page);
- ingest:    pages/s of the whole pipeline (read, extract in worker processes, dedup, land in DuckDB)
             for each --workers value, and the main process's CPU ms per page (reading, dedup, landing):
             while that stays well under extraction's, reading in the main process keeps workers busy.

The pages come from benchmarks/corpus.py (news-like HTML with menus, related links and share bars),
each padded with an inline script of pseudo-random tokens to the size of a real news page (CC-NEWS
pages average tens of KB of HTML, most of it scripts and markup). Per page: a request and a response
record; every 25th URL also answers 404, every 20th has an image, every 50th is revisited.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

import corpus  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)
from helpers import request, response, warc_record  # noqa: E402  (the tests' WARC writer)

from newsingest.extract import extract_document  # noqa: E402
from newsingest.pipeline import IngestRun, PipelineSettings, batches, run_batches  # noqa: E402
from newsingest.records import RawDocument  # noqa: E402
from newsingest.sources.registry import SourceOptions, open_sources  # noqa: E402
from newsingest.sources.warc import WarcFilters, WarcOptions, read_warc  # noqa: E402
from newsingest.warehouse import Warehouse  # noqa: E402

HOSTS = 20
TOKENS = "var function return window document push length data config true false null ad slot".split()


def padded_page(html: str, rng: random.Random, script_bytes: int) -> bytes:
    script = " ".join(rng.choice(TOKENS) + str(rng.randrange(10_000)) for _ in range(script_bytes // 8))
    return html.replace("</head>", f"<script>{script}</script></head>", 1).encode()


def write_ccnews_like(path: Path, target_bytes: int, script_bytes: int, seed: int = 1) -> dict:
    """Write gzip-per-record WARC records until the file reaches target_bytes; returns what it holds."""
    pages = corpus.generate(ROOT / "benchmarks" / "corpus", 2000, "html", seed)
    records = [json.loads(line) for shard in sorted(pages.glob("part-*.jsonl")) for line in shard.open()]
    rng = random.Random(seed)
    counts = {"records": 0, "html_pages": 0}
    with path.open("wb") as out:
        for number in itertools.count():
            if out.tell() >= target_bytes:
                break
            page = records[number % len(records)]
            url = f"https://www.outlet{number % HOSTS}.example/{number}/{page['url'].rsplit('/', 1)[-1]}"
            fetched = f"2026-01-{1 + number % 28:02d}T{number % 24:02d}:00:00Z"
            batch = [request(url), response(url, padded_page(page["html"], rng, script_bytes), fetched=fetched)]
            counts["html_pages"] += 1
            if number % 25 == 0:
                batch.append(response(url + "/gone", b"<html><body>Not found</body></html>", "404 Not Found"))
            if number % 20 == 0:
                batch.append(response(url + ".jpg", rng.randbytes(20_000), content_type="image/jpeg"))
            if number % 50 == 0:
                batch.append(warc_record("revisit", url, b"HTTP/1.1 200 OK\r\n\r\n"))
            for record in batch:
                out.write(gzip.compress(record, compresslevel=6, mtime=0))
            counts["records"] += len(batch)
    return {**counts, "bytes": path.stat().st_size}


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def read_rate(path: Path, options: WarcOptions = WarcOptions()) -> dict:
    def read() -> tuple[int, dict]:
        pages = 0
        end = None
        for item in read_warc(path, options):
            pages += isinstance(item, RawDocument)
            end = item
        return pages, end.skipped
    seconds, (pages, skipped) = timed(read)
    return {"seconds": round(seconds, 2), "pages": pages, "skipped": skipped, "pages_per_s": round(pages / seconds)}


def warcio_rate(path: Path) -> dict | None:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        return None

    def read() -> int:
        count = 0
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                count += 1
                if record.rec_type == "response":
                    record.http_headers.get_statuscode()
                    record.content_stream().read()
        return count
    seconds, count = timed(read)
    return {"seconds": round(seconds, 2), "records_per_s": round(count / seconds)}


def extraction_cpu(path: Path, sample: int = 200) -> float:
    """CPU milliseconds per page of extraction alone (in this process): what each worker spends per page."""
    pages = [i for i in itertools.islice(read_warc(path), sample * 2) if isinstance(i, RawDocument)][:sample]
    extract_document(pages[0])  # imports and caches
    start = time.process_time()
    for page in pages:
        extract_document(page)
    return (time.process_time() - start) / len(pages) * 1000


def ingest_rate(path: Path, workers: int, tmp: Path) -> dict:
    db = tmp / f"ingest-{workers}.duckdb"
    warehouse = Warehouse(db)
    settings = PipelineSettings(workers=workers)
    sources = open_sources([str(path)], SourceOptions(settings.max_bytes, warc_state=warehouse.warc_progress))
    with IngestRun(warehouse, settings, inputs=[str(path)]) as run:
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in run_batches(run, batches(sources.items(), settings.batch_size, progress=sources.progress)):
            pass
        seconds, main_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    summary = run.summary
    return {"workers": workers, "seconds": round(seconds, 1), "main_cpu_s": round(main_cpu, 1),
            "documents": summary.documents_seen,
            "articles": summary.ingested, "rejected": summary.rejected,
            "pages_per_s": round(summary.documents_seen / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100, help="size of the generated .warc.gz")
    parser.add_argument("--script-kb", type=int, default=40, help="inline script added to each page")
    parser.add_argument("--workers", default="2",
                        help="comma-separated extraction worker counts to ingest with; empty: reading only")
    parser.add_argument("--keep", type=Path, default=None, help="write the WARC here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        path = args.keep or tmp / "ccnews-like.warc.gz"
        seconds, held = timed(lambda: write_ccnews_like(path, int(args.mb * 1e6), args.script_kb * 1000))
        print(f"generated {path}: {held['bytes'] / 1e6:.0f} MB, {held['records']} records, "
              f"{held['html_pages']} HTML pages ({seconds:.0f}s)")
        read = read_rate(path)
        print(f"read (fastwarc, read_warc): {held['records'] / read['seconds']:,.0f} records/s, "
              f"{read['pages_per_s']:,} pages/s, {held['bytes'] / 1e6 / read['seconds']:.0f} MB/s "
              f"({read['seconds']}s)")
        if (warcio := warcio_rate(path)) is not None:
            print(f"read (warcio ArchiveIterator, payloads only): {warcio['records_per_s']:,} records/s "
                  f"({warcio['seconds']}s)")
        filtered = read_rate(path, WarcOptions(WarcFilters.of(allow_hosts=["www.outlet3.example"])))
        print(f"read with --allow-host (1 host of {HOSTS}): {held['records'] / filtered['seconds']:,.0f} records/s "
              f"({filtered['seconds']}s, {filtered['pages']} pages kept)")
        print(f"extraction (trafilatura + cleaner, one process): {extraction_cpu(path):.1f} CPU ms per page")
        for workers in [int(w) for w in args.workers.split(",") if w]:
            result = ingest_rate(path, workers, tmp)
            print(f"ingest, {workers} extraction workers: {held['html_pages'] / result['seconds']:.1f} HTML pages/s, "
                  f"{result['pages_per_s']} documents/s ({result['documents']} documents, {result['articles']} "
                  f"articles, {result['rejected']} rejected, {result['seconds']}s) = "
                  f"{held['bytes'] / 1e9 / result['seconds'] * 3600:.2f} GB/h")
            print(f"  main process (read, dedup, land): {result['main_cpu_s'] / held['html_pages'] * 1000:.1f} "
                  f"CPU ms per page")


if __name__ == "__main__":
    main()
