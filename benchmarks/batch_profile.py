"""What grows with the articles already ingested: each stage's time in the run's own process, batch by batch.

    .venv/bin/python benchmarks/batch_profile.py --size 100000 --limit 35000 --out /tmp/profile.csv

Runs pipeline.run_batches in this process over the first `--limit` documents of benchmarks/run.py's
generated corpus (as the CLI does: 2 extraction workers, batches of DEFAULT_BATCH_SIZE) and writes one row
per landed batch: the seconds each stage of the run's own process took (admit, dedup, stories, reuse, land;
`wait` is the time it waited for the workers), the RSS of this process after the batch landed, its peak
during the batch and in each stage (a 5 ms sampler), and what the in-memory indexes hold. A cost that grows with the batch
number while the corpus's days move forward at a steady 5,000 documents a day is one that scans what was
ingested before, not the window.
"""

from __future__ import annotations

import argparse
import csv
import gc
import sys
import tempfile
import threading
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

from newsingest.pipeline import DEFAULT_BATCH_SIZE, IngestRun, PipelineSettings, run_batches  # noqa: E402
from newsingest.pipeline import batches as pipeline_batches  # noqa: E402
from newsingest.sources.registry import open_sources  # noqa: E402
from newsingest.warehouse import Warehouse  # noqa: E402

STAGES = ("admit", "dedup", "stories", "reuse", "land")
READS = ("seen_ids", "dedup_state", "story_members", "story_of_articles", "reuse_sources")


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


class PeakSampler:
    """The highest RSS of this process since the last `take(name)`, for each name (the batch, the stage
    running), sampled every 5 ms in a thread."""

    def __init__(self) -> None:
        self._peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            rss = rss_mib()
            for name, peak in list(self._peaks.items()):
                if rss > peak:
                    self._peaks[name] = rss

    def take(self, name: str) -> float:
        """The peak of `name` since its last take; from now on a new one."""
        rss = rss_mib()
        peak = max(self._peaks.get(name, 0.0), rss)
        self._peaks[name] = rss
        return peak

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def timed_stages(run: IngestRun, timings: dict[str, float], peaks: dict[str, float], sampler: PeakSampler) -> None:
    """Wrap each stage method of the run so its seconds add up in `timings` (wall, and `cpu_<stage>`: the CPU
    time of the thread running it, which a loaded machine stretches far less) and its peak RSS is in `peaks`."""
    for name in STAGES:
        method = getattr(run, name)

        def timed(*args, _method=method, _name=name, **kwargs):
            started, cpu = time.perf_counter(), time.thread_time()
            sampler.take("stage")
            try:
                return _method(*args, **kwargs)
            finally:
                timings[_name] = timings.get(_name, 0.0) + time.perf_counter() - started
                timings[f"cpu_{_name}"] = timings.get(f"cpu_{_name}", 0.0) + time.thread_time() - cpu
                peaks[_name] = max(peaks.get(_name, 0.0), sampler.take("stage"))
        setattr(run, name, timed)


def timed_reads(run: IngestRun, timings: dict[str, float]) -> None:
    """Time the stages' reads of the warehouse (inside the stage times) under `read_<method>`."""
    for name in READS:
        method = getattr(run.warehouse, name)

        def timed(*args, _method=method, _name=f"read_{name}", **kwargs):
            started = time.perf_counter()
            try:
                return _method(*args, **kwargs)
            finally:
                timings[_name] = timings.get(_name, 0.0) + time.perf_counter() - started
        setattr(run.warehouse, name, timed)


def count_candidates(run: IngestRun, counts: dict[str, int]) -> None:
    """Count the rows the dedup index's band lookups return (candidates verified) in `counts["candidates"]`."""
    index = run.deduplicator.index

    def candidate_rows(signature, _candidate_rows=index.candidate_rows):
        rows = _candidate_rows(signature)
        counts["candidates"] = counts.get("candidates", 0) + len(rows)
        return rows
    index.candidate_rows = candidate_rows


class GcClock:
    """Seconds spent in Python's garbage collector (any thread) and full (generation 2) collections, since
    the last `take()`: a heap of many objects makes each full collection longer."""

    def __init__(self) -> None:
        self.seconds, self.full, self._started = 0.0, 0, 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._started
        self.full += info["generation"] == 2

    def take(self) -> dict[str, float]:
        taken = {"gc_s": round(self.seconds, 3), "gc_full": self.full}
        self.seconds, self.full = 0.0, 0
        return taken


def held(run: IngestRun) -> dict[str, int]:
    """How many articles each in-memory index holds."""
    return {"dedup_articles": len(run.deduplicator) if run.deduplicator is not None else 0,
            "story_articles": len(run.story_index) if run.story_index is not None else 0,
            "story_of": len(run.story_index.story_of) if run.story_index is not None else 0,
            "reuse_articles": sum(len(day.articles) for day in run.reuse_index._days.values()),
            "ids_this_run": len(run._ids_this_run)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="the generated corpus (benchmarks/corpus.py)")
    parser.add_argument("--kind", default="html", choices=("html", "text"))
    parser.add_argument("--limit", type=int, default=35_000, help="documents of it to ingest")
    parser.add_argument("--input", help="a folder or file to ingest instead (e.g. peer.py's real pages)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", type=Path, help="warehouse (default: a fresh one in a temporary folder)")
    parser.add_argument("--out", type=Path, required=True, help="CSV, one row per batch")
    args = parser.parse_args()

    folder = args.input or corpus.generate(ROOT / "benchmarks" / "corpus", args.size, args.kind)
    db = args.db or Path(tempfile.mkdtemp(prefix="batch-profile-")) / "profile.duckdb"
    sources = open_sources([str(folder)])
    settings = PipelineSettings(batch_size=DEFAULT_BATCH_SIZE, workers=args.workers)
    timings: dict[str, float] = {}
    peaks: dict[str, float] = {}
    sampler = PeakSampler()
    sampler.take("batch")
    with IngestRun(Warehouse(db), settings, trigger="bench") as run, args.out.open("w", newline="") as out:
        timed_stages(run, timings, peaks, sampler)
        timed_reads(run, timings)
        counts: dict[str, int] = {}
        count_candidates(run, counts)
        collector = GcClock()
        writer = None
        last = time.perf_counter()
        items = islice(sources.items(), args.limit)
        for batch in run_batches(run, pipeline_batches(items, DEFAULT_BATCH_SIZE, progress=sources.progress)):
            now = time.perf_counter()
            row = {"batch": batch.number, "documents": run.summary.documents_seen,
                   "seconds": round(now - last, 3)}
            row |= {name: round(timings.pop(name, 0.0), 3) for name in STAGES}
            row["wait"] = round(row["seconds"] - sum(row[name] for name in STAGES), 3)
            row |= {f"cpu_{name}": round(timings.pop(f"cpu_{name}", 0.0), 3) for name in STAGES}
            row |= {f"read_{name}": round(timings.pop(f"read_{name}", 0.0), 3) for name in READS}
            row["dedup_candidates"] = counts.pop("candidates", 0)
            row |= collector.take()
            row |= {"rss_mib": round(rss_mib(), 1), "peak_rss_mib": round(sampler.take("batch"), 1)}
            row |= {f"peak_in_{name}": round(peaks.pop(name, 0.0), 1) for name in STAGES} | held(run)
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            out.flush()
            last = now
            print(f"batch {batch.number}: {row['documents']} docs, {row['seconds']} s, rss {row['rss_mib']} MiB",
                  file=sys.stderr, flush=True)
    sampler.close()


if __name__ == "__main__":
    main()
