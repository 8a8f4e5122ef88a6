"""newsingest benchmarks: every measurement beside its baseline, in one run, on one machine.

    make bench                                   # 10k documents, LSH at 100k and 1M signatures
    .venv/bin/python benchmarks/run.py --sizes 10000,100000 --only ingest

Writes benchmarks/results/latest.json and latest.md. The machine may be shared and noisy: compare the
ratios (measured in the same run), not absolute numbers across runs; short measurements are repeated and
their best kept.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

from newsingest.dedup import signature_scheme  # noqa: E402
from newsingest.dedup.index import LshSettings, NearDuplicateIndex  # noqa: E402
from newsingest.dedup.signatures import (  # noqa: E402
    StoredSignature, compute_signatures, from_stored, shingles, to_stored)
from newsingest.pipeline import DEFAULT_BATCH_SIZE, IngestRun, PipelineSettings, run_batches  # noqa: E402
from newsingest.pipeline import batches as pipeline_batches  # noqa: E402
from newsingest.sources.registry import open_sources  # noqa: E402
from newsingest.extract import extract_document  # noqa: E402
from newsingest.extract.boilerplate import lines_to_learn  # noqa: E402
from newsingest.records import Article, DedupDecision, DedupStatus, RawDocument  # noqa: E402
from newsingest.warehouse import LandingBatch, Warehouse  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CORPUS = ROOT / "benchmarks" / "corpus"
VENV_BIN = Path(sys.executable).parent
BATCH = DEFAULT_BATCH_SIZE
REPEATS = 3
FLOOR_PAGES = 10_000


# ---------------------------------------------------------------------------------------------- helpers

def best_of(function: Callable[[], object], repeats: int = REPEATS) -> float:
    """Shortest wall time of `repeats` calls: on a shared machine the minimum is the least disturbed."""
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


@dataclass(frozen=True)
class TreeMemory:
    """Memory of a process tree at one moment. RSS counts a page shared by several processes (the workers
    fork from one server and share its imported modules) once per process, so `rss` overstates; PSS splits
    each shared page between its sharers, so `pss` sums to what the tree really holds."""

    rss: int
    pss: int
    root_rss: int


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_memory(root: int, with_pss: bool) -> TreeMemory:
    """RSS (and PSS if asked: reading it walks each process's page tables, ~20 ms for 200 MB) of a process
    and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, []))
    return TreeMemory(rss=sum(rss.get(pid, 0) for pid in tree), pss=sum(map(_pss, tree)) if with_pss else 0,
                      root_rss=rss.get(root, 0))


class PeakRss:
    """Samples the memory of a process tree in a thread: the largest RSS sum (`peak`) and RSS of the root
    process alone (`peak_root`) every 0.2 s, the PSS sum (`peak_pss`) every 2 s: reading PSS slows the
    measured processes down (read every 0.2 s, a 100k HTML ingest ran at 90 docs/s, 110 in a run without)."""

    def __init__(self, pid: int | None = None):
        self.pid = pid or os.getpid()
        self.peak = self.peak_pss = self.peak_root = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        samples = 0
        while not self._stop.is_set():
            memory = _tree_memory(self.pid, with_pss=samples % 10 == 0)
            samples += 1
            self.peak = max(self.peak, memory.rss)
            self.peak_pss = max(self.peak_pss, memory.pss)
            self.peak_root = max(self.peak_root, memory.root_rss)
            self._stop.wait(0.2)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def timed(command: list[str], env: dict[str, str]) -> tuple[float, PeakRss, str]:
    """Run a command to its end: wall time, the peak memory of its process tree, what it printed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with PeakRss(process.pid) as rss:
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr.decode()[-3000:]}")
    return wall, rss, stdout.decode()


def mib(n: float) -> float:
    return round(n / 2**20, 1)


def load_documents(folder: Path, limit: int | None = None) -> list[RawDocument]:
    docs = []
    for item in open_sources([str(folder)]).items():
        if isinstance(item, RawDocument):
            docs.append(item)
            if limit and len(docs) >= limit:
                break
    return docs


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory / 2**30, 1),
            "python": platform.python_version(), "os": platform.platform(),
            "versions": {name: version(name) for name in ("trafilatura", "datasketch", "duckdb", "prefect",
                                                          "lxml", "numpy")}}


# ------------------------------------------------------------------------------ raw extraction floor

def raw_extract(html: str) -> int:
    """The floor: trafilatura with the options newsingest passes (precision, metadata, no comments)."""
    import trafilatura
    from trafilatura.settings import set_date_params

    text = trafilatura.extract(html, with_metadata=True, include_comments=False, deduplicate=False,
                               favor_precision=True, include_tables=True,
                               date_extraction_params=set_date_params(extensive=False))
    return len(text or "")


def _warm(_: int) -> None:
    import trafilatura  # noqa: F401  (import cost belongs to start-up, not to throughput)


def raw_extraction_rate(pages: list[str], processes: int) -> float:
    """docs/s of trafilatura alone over the pages, in `processes` worker processes (forkserver, like the
    pipeline), workers started and warmed before the clock starts."""
    if processes == 1:
        raw_extract(pages[0])
        started = time.perf_counter()
        for page in pages:
            raw_extract(page)
        return len(pages) / (time.perf_counter() - started)
    with ProcessPoolExecutor(processes, mp_context=get_context("forkserver")) as pool:
        list(pool.map(_warm, range(processes * 4)))
        started = time.perf_counter()
        list(pool.map(raw_extract, pages, chunksize=max(1, len(pages) // (processes * 64))))
        return len(pages) / (time.perf_counter() - started)


def pipeline_extraction_rate(docs: list[RawDocument], workers: int, db: Path) -> float:
    """docs/s of newsingest's extraction stage (decode, trafilatura, line rules, metadata) as IngestRun
    runs it, batch by batch, with `workers` processes (1: in the calling process)."""
    settings = PipelineSettings(batch_size=BATCH, workers=workers)
    with IngestRun(Warehouse(db), settings, trigger="bench") as run:
        run.extract(docs[:BATCH])  # start the workers and import their modules outside the clock
        started = time.perf_counter()
        for batch in chunks(docs, BATCH):
            run.extract(batch)
        return len(docs) / (time.perf_counter() - started)


def bench_extraction(size: int, workers: int, sample: int, tmp: Path) -> dict:
    folder = corpus.generate(CORPUS, size, "html")
    docs = load_documents(folder, limit=sample)
    pages = [doc.body.decode("utf-8") for doc in docs]
    result = {"documents": len(docs), "workers": workers,
              "raw_1": raw_extraction_rate(pages, 1),
              "raw_n": raw_extraction_rate(pages, workers),
              "newsingest_1": pipeline_extraction_rate(docs, 1, tmp / "extract-1.duckdb"),
              "newsingest_n": pipeline_extraction_rate(docs, workers, tmp / "extract-n.duckdb")}
    result["raw_speedup"] = result["raw_n"] / result["raw_1"]
    result["newsingest_speedup"] = result["newsingest_n"] / result["newsingest_1"]
    result["newsingest_vs_raw_1"] = result["newsingest_1"] / result["raw_1"]
    return result


# ------------------------------------------------------------------------------------- end to end

def _count_task_runs(prefect_home: Path) -> int | None:
    database = prefect_home / "prefect.db"
    if not database.exists():
        return None
    with sqlite3.connect(database) as con:
        return con.execute("select count(*) from task_run").fetchone()[0]


def ingest(kind: str, size: int, via: str, workers: int, tmp: Path) -> dict:
    """One ingest of the corpus into a fresh warehouse through the CLI or the Prefect flow, in a child
    process; wall time from process start to exit, and the run's own duration from the runs table."""
    folder = corpus.generate(CORPUS, size, kind)
    db = tmp / f"{via}-{kind}-{size}.duckdb"
    env = dict(os.environ, PREFECT_HOME=str(tmp / f"prefect-{via}-{kind}-{size}"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
               PREFECT_LOGGING_LEVEL="WARNING")
    if via == "cli":
        command = [str(VENV_BIN / "newsingest"), "ingest", str(folder), "--db", str(db), "--workers", str(workers),
                   "--batch-size", str(BATCH)]
    else:
        command = [sys.executable, str(ROOT / "flows" / "ingest.py"), str(folder), "--db", str(db),
                   "--workers", str(workers)]
    wall, rss, _ = timed(command, env)
    _, rows = Warehouse(db).query("select documents_seen, articles_new, url_duplicates + exact_duplicates + "
                                  "near_duplicates, rejected, duration_s from runs")
    seen, new, duplicates, rejected, duration = rows[0]
    tenths = rates_by_tenth(db)
    return {"kind": kind, "size": size, "via": via, "workers": workers, "documents": seen, "new": new,
            "duplicates": duplicates, "rejected": rejected, "wall_s": round(wall, 2),
            "run_s": round(duration, 2), "docs_per_s": seen / wall, "docs_per_s_in_run": seen / duration,
            "peak_rss_mib": mib(rss.peak), "peak_pss_mib": mib(rss.peak_pss), "peak_main_rss_mib": mib(rss.peak_root),
            "db_mib": mib(db.stat().st_size),
            "task_runs": _count_task_runs(tmp / f"prefect-{via}-{kind}-{size}") if via == "flow" else None,
            "articles_per_s_by_tenth": tenths}


def rates_by_tenth(db: Path) -> list[float]:
    """Articles landed per second in each tenth of the run (by the landing time each batch stamps on its
    articles): flat tenths mean no cost grows with the warehouse. Empty when a tenth is shorter than a batch."""
    _, started = Warehouse(db).query("select epoch(started_at) from runs")
    _, landed = Warehouse(db).query("select epoch(ingested_at) from articles order by 1")
    times = [started[0][0]] + [row[0] for row in landed]
    marks = [times[len(landed) * k // 10] for k in range(11)]
    if len(set(marks)) < len(marks):  # a tenth shorter than a batch: the stamps cannot tell the tenths apart
        return []
    return [round((len(landed) / 10) / (end - start), 1) for start, end in zip(marks, marks[1:])]


def bench_ingest(sizes: list[int], workers: int, tmp: Path, vias: list[str], kinds: list[str]) -> dict:
    runs = []
    for size in sizes:
        if "html" in kinds:
            # The floor is a per-page rate: the first FLOOR_PAGES pages measure it as well as all of them
            # would, without holding a 100k corpus in this process's memory.
            folder = corpus.generate(CORPUS, size, "html")
            pages = [doc.body.decode("utf-8") for doc in load_documents(folder, limit=FLOOR_PAGES)]
            floor = raw_extraction_rate(pages, workers)
            del pages
        for kind in kinds:
            for via in vias:
                run = ingest(kind, size, via, workers, tmp)
                if kind == "html":
                    run["raw_extraction_docs_per_s"] = floor
                    run["vs_raw_extraction"] = run["docs_per_s"] / floor
                runs.append(run)
                print(f"  {via} {kind} {size}: {run['docs_per_s']:.0f} docs/s", file=sys.stderr, flush=True)
                shutil.rmtree(tmp / f"prefect-{via}-{kind}-{size}", ignore_errors=True)
                (tmp / f"{via}-{kind}-{size}.duckdb").unlink()
    return {"runs": runs}


def merged_runs(earlier: dict | None, new: dict) -> dict:
    """--merge of ingest runs: the new ones replace earlier runs of the same path, kind and size only, so a
    100k run can be added to a 10k run of another invocation (each run holds its own floor)."""
    key = lambda run: (run["via"], run["kind"], run["size"])  # noqa: E731
    replaced = {key(run) for run in new["runs"]}
    return {"runs": [run for run in (earlier or {}).get("runs", []) if key(run) not in replaced] + new["runs"]}


def bench_stages(kind: str, size: int, workers: int, tmp: Path) -> dict:
    """Where the time of an ingest goes: pipeline.run_batches in this process, each stage timed. The
    extraction runs in the workers beside the other stages; `waiting_for_extraction` is the time this
    process had nothing to do but wait for it."""
    timings: dict[str, float] = {}
    settings = PipelineSettings(batch_size=BATCH, workers=workers)
    sources = open_sources([str(corpus.generate(CORPUS, size, kind))])
    started = time.perf_counter()
    with IngestRun(Warehouse(tmp / f"stages-{kind}.duckdb"), settings, trigger="bench") as run:
        for name in ("admit", "dedup", "stories", "reuse", "land"):
            setattr(run, name, _timed(getattr(run, name), name, timings))
        for _ in run_batches(run, pipeline_batches(sources.items(), BATCH, progress=sources.progress)):
            pass
    total = time.perf_counter() - started
    timings["waiting_for_extraction_and_setup"] = total - sum(timings.values())
    return {"kind": kind, "documents": run.summary.documents_seen, "seconds": round(total, 2),
            "share": {name: round(t / total, 3) for name, t in sorted(timings.items(), key=lambda kv: -kv[1])}}


def _timed(function: Callable, name: str, timings: dict[str, float]) -> Callable:
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
    return timed


# -------------------------------------------------------------------------------------- signatures

def bench_signatures(texts: list[str]) -> dict:
    """newsingest's signature path (compute_signatures: a full and a lead MinHash per text) against the
    same two signatures made the way datasketch documents for one document: a MinHash, update() per
    shingle (and update_batch() per document, datasketch's faster per-document call)."""
    from datasketch import MinHash

    settings = LshSettings().signature

    def per_document(update: Callable[[MinHash, set[bytes]], None]) -> Callable[[], None]:
        def run() -> None:
            for text in texts:
                for words in (None, settings.lead_words):
                    minhash = MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme=settings.scheme)
                    update(minhash, shingles(text, settings.shingle_size, words))
        return run

    def update_each(minhash: MinHash, shingle_set: set[bytes]) -> None:
        for shingle in shingle_set:
            minhash.update(shingle)

    def newsingest_path() -> None:
        for batch in chunks(texts, BATCH):
            compute_signatures(batch, settings)

    seconds = {name: best_of(function) for name, function in (
        ("newsingest", newsingest_path), ("update", per_document(update_each)),
        ("update_batch", per_document(lambda minhash, shingle_set: minhash.update_batch(list(shingle_set)))))}
    rates = {name: len(texts) / s for name, s in seconds.items()}
    return {"texts": len(texts), "docs_per_s": rates, "speedup_vs_update": rates["newsingest"] / rates["update"],
            "speedup_vs_update_batch": rates["newsingest"] / rates["update_batch"]}


# --------------------------------------------------------------------------------------------- LSH

def synthetic_signatures(count: int, seed: int = 7) -> Iterator[StoredSignature]:
    """Random uint32 signatures, one in five a near copy of a recent one (about 20% of values changed) so
    queries find real candidates, as in the corpus; with random character signatures, 20 sentence and 30
    fact hashes each (a median article's), so the index holds what it holds for a real article."""
    rng = np.random.default_rng(seed)
    settings = LshSettings().signature
    num_perm = settings.num_perm
    recent: list[tuple[np.ndarray, np.ndarray]] = []
    for _ in range(0, count, 10_000):
        block = rng.integers(0, 2**32, size=(10_000, num_perm), dtype=np.uint32)
        for row in block:
            chars = rng.integers(0, 2**32, size=settings.char_perm, dtype=np.uint32)
            units = rng.integers(0, 2**63, size=50, dtype=np.uint64)
            if recent and rng.random() < 0.2:
                row, units = recent[rng.integers(len(recent))]  # a copy has the same facts
                row = row.copy()
                changed = rng.random(num_perm) < 0.2
                row[changed] = rng.integers(0, 2**32, size=int(changed.sum()), dtype=np.uint32)
            else:
                recent.append((row, units))
                recent = recent[-1000:]
            yield StoredSignature(row.tobytes(), row.tobytes(), 500, chars.tobytes(), 400,
                                  np.sort(units[:20]).tobytes(), np.sort(units[20:]).tobytes())


def lsh_child(count: int) -> dict:
    """In a fresh process: memory of the index holding `count` signatures, and query+insert rates."""
    settings = LshSettings()
    signatures = [from_stored(s, settings.signature) for s in synthetic_signatures(count)]
    gc.collect()
    before = _tree_memory(os.getpid(), with_pss=False).rss
    index = NearDuplicateIndex(settings)
    marks, matches = [], 0
    started = time.perf_counter()
    for number, signature in enumerate(signatures):
        matches += index.best_match(signature, 0) is not None
        index.add(f"{number:016x}", signature, 0)
        if (number + 1) % (count // 10) == 0:
            marks.append(time.perf_counter())
    elapsed = time.perf_counter() - started
    gc.collect()
    after = _tree_memory(os.getpid(), with_pss=False).rss
    first, last = marks[0] - started, marks[-1] - marks[-2]
    return {"signatures": count, "query_insert_per_s": count / elapsed, "matches": matches,
            "first_tenth_per_s": (count // 10) / first, "last_tenth_per_s": (count // 10) / last,
            "index_mib": mib(after - before), "bytes_per_article": round((after - before) / count),
            "mib_per_million": mib((after - before) / count * 1_000_000)}


def bench_lsh(sizes: list[int]) -> dict:
    results = []
    for count in sizes:
        out = subprocess.run([sys.executable, __file__, "--lsh-child", str(count)], check=True,
                             capture_output=True, text=True)
        results.append(json.loads(out.stdout))
    return {"sizes": results}


# ------------------------------------------------------------------------------------------ landing

def _landing_batches(articles: list[Article], raws: dict[str, RawDocument], total: int) -> Iterator[LandingBatch]:
    """`total` articles in batches of BATCH, cycling over the extracted ones under fresh ids."""
    stored = [to_stored(s) for s in compute_signatures([a.text for a in articles], LshSettings().signature)]
    for start in range(0, total, BATCH):
        rows, batch_raws = [], []
        for number in range(start, min(start + BATCH, total)):
            article = articles[number % len(articles)]
            raw = raws[article.id]
            raw = replace(raw, origin=f"bench:{number}", body=raw.body + str(number).encode())
            copy = replace(article, id=f"{number:016x}", raw_hash=raw.raw_hash)
            batch_raws.append(raw.archived())  # as the extraction workers send it back
            rows.append((copy, DedupDecision(article_id=copy.id, status=DedupStatus.NEW, cluster_id=copy.id),
                         stored[number % len(articles)]))
        yield LandingBatch(run_id="bench", articles=rows, raw_documents=batch_raws,
                           source_lines=lines_to_learn([row[0] for row in rows], [row[1] for row in rows]))


def bench_landing(articles: list[Article], raws: dict[str, RawDocument], total: int, tmp: Path) -> dict:
    """Warehouse.land (one short transaction per batch, connection opened and closed each time, as the
    pipeline does so analysts can query between batches) against the same INSERT statements over one
    open connection: what DuckDB itself costs."""
    scheme = signature_scheme(LshSettings())
    batches = list(_landing_batches(articles, raws, total))
    warehouse = Warehouse(tmp / "landing.duckdb")
    warehouse.migrate()
    started = time.perf_counter()
    tenths = []
    for number, batch in enumerate(batches, start=1):
        warehouse.land(batch, scheme)
        if number % max(1, len(batches) // 10) == 0:
            tenths.append(time.perf_counter())
    landed = time.perf_counter() - started
    size = warehouse.path.stat().st_size
    rows = dict(warehouse.query(
        "select 'articles', count(*) from articles union all select 'signatures', count(*) from signatures "
        "union all select 'removed_lines', count(*) from removed_lines "
        "union all select 'raw_documents', count(*) from raw_documents")[1])
    per_tenth = [b - a for a, b in zip([started] + tenths, tenths)]
    return {"articles": total, "seconds": round(landed, 2), "articles_per_s": total / landed,
            "rows_per_s": sum(rows.values()) / landed, "rows": rows,
            "first_tenth_s": round(per_tenth[0], 3), "last_tenth_s": round(per_tenth[-1], 3),
            "db_mib": mib(size), "db_mib_per_100k_articles": mib(size / total * 100_000)}


# ------------------------------------------------------------------------------------------- report

def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [f"Measured {results['finished_at']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
             f"Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
             f"Command: `{results['command']}`. Peak RSS of the whole benchmark run: "
             f"{results['peak_rss_mib']} MiB.", "",
             "| measurement | value | baseline (same run) | ratio | target |", "|---|---:|---:|---:|---|"]
    if ingest := results.get("ingest"):
        by = {(r["via"], r["kind"], r["size"]): r for r in ingest["runs"]}
        for (via, kind, size), r in sorted(by.items()):
            baseline = ratio = target = ""
            if kind == "html":
                baseline = f"{r['raw_extraction_docs_per_s']:.0f} docs/s raw trafilatura, {r['workers']} proc."
                ratio, target = f"{r['vs_raw_extraction']:.2f}", "≥ 0.8"
            lines.append(f"| ingest {kind} {size:,} via {via} ({r['workers']} workers) | "
                         f"{r['docs_per_s']:.0f} docs/s ({r['wall_s']:.0f} s wall; peak RSS {r['peak_rss_mib']:.0f} MiB, "
                         f"PSS {r.get('peak_pss_mib', 0):.0f} MiB, run's own process {r.get('peak_main_rss_mib', 0):.0f} MiB"
                         + (f"; {r['task_runs']} task runs" if r["task_runs"] is not None else "")
                         + f") | {baseline} | {ratio} | {target} |")
            if tenths := r.get("articles_per_s_by_tenth"):
                lines.append(f"| {kind} {size:,} via {via}: articles/s by tenth of the run | "
                             f"{', '.join(f'{rate:.0f}' for rate in tenths)} | first tenth {tenths[0]:.0f} | "
                             f"{tenths[-1] / tenths[0]:.2f} (last / first) | |")
            small = by.get((via, kind, min(s for _, _, s in by)))
            if small is not r and small is not None:
                lines.append(f"| {kind} via {via}: {size:,} vs {small['size']:,} docs | "
                             f"{r['docs_per_s']:.0f} docs/s ({r['docs_per_s_in_run']:.0f} in the run itself) | "
                             f"{small['docs_per_s']:.0f} docs/s ({small['docs_per_s_in_run']:.0f}) | "
                             f"{r['docs_per_s'] / small['docs_per_s']:.2f} "
                             f"({r['docs_per_s_in_run'] / small['docs_per_s_in_run']:.2f}) | ≥ 0.9 |")
    for stages in results.get("stages", []):
        shares = ", ".join(f"{name} {share:.0%}" for name, share in stages["share"].items())
        lines.append(f"| where the time goes, {stages['kind']} ingest of {stages['documents']:,} documents "
                     f"({stages['seconds']:.0f} s) | {shares} | | | |")
    if ex := results.get("extraction"):
        lines += [
            f"| extraction, newsingest, {ex['workers']} processes vs 1 ({ex['documents']:,} HTML pages) | "
            f"{ex['newsingest_n']:.0f} docs/s | {ex['newsingest_1']:.0f} docs/s | {ex['newsingest_speedup']:.2f} | ≥ 1.7 |",
            f"| extraction, raw trafilatura, {ex['workers']} processes vs 1 | {ex['raw_n']:.0f} docs/s | "
            f"{ex['raw_1']:.0f} docs/s | {ex['raw_speedup']:.2f} | (the machine's ceiling) |",
            f"| extraction stage vs raw trafilatura, 1 process | {ex['newsingest_1']:.0f} docs/s | "
            f"{ex['raw_1']:.0f} docs/s | {ex['newsingest_vs_raw_1']:.2f} | |"]
    if sig := results.get("signatures"):
        r = sig["docs_per_s"]
        lines += [f"| MinHash signatures, newsingest ({sig['texts']:,} texts) | {r['newsingest']:.0f} docs/s | "
                  f"{r['update']:.0f} docs/s per-document `update` | {sig['speedup_vs_update']:.1f} | ≥ 5 |",
                  f"| ... vs per-document `update_batch` | | {r['update_batch']:.0f} docs/s | "
                  f"{sig['speedup_vs_update_batch']:.1f} | |"]
    if lsh := results.get("lsh"):
        for s in lsh["sizes"]:
            lines.append(f"| LSH query+insert, {s['signatures']:,} signatures | {s['query_insert_per_s']:.0f}/s "
                         f"(last tenth {s['last_tenth_per_s']:.0f}/s) | first tenth {s['first_tenth_per_s']:.0f}/s | "
                         f"{s['last_tenth_per_s'] / s['first_tenth_per_s']:.2f} | |")
            lines.append(f"| LSH index memory, {s['signatures']:,} signatures | {s['index_mib']:,.0f} MiB "
                         f"({s['mib_per_million']:,.0f} MiB per million articles) | | | |")
    if land := results.get("landing"):
        lines += [f"| DuckDB landing, {land['articles']:,} articles | {land['rows_per_s']:,.0f} rows/s "
                  f"({land['articles_per_s']:,.0f} articles/s) | first tenth {land['first_tenth_s']} s | "
                  f"last tenth {land['last_tenth_s']} s | |",
                  f"| warehouse size per 100k articles | {land['db_mib_per_100k_articles']:,.0f} MiB | | | |"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="corpus sizes for end-to-end ingest, e.g. 10000,100000")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--lsh-sizes", default="100000,1000000")
    parser.add_argument("--only", default="extraction,signatures,lsh,landing,stages,ingest")
    parser.add_argument("--via", default="cli,flow", help="end-to-end paths: cli, flow or both")
    parser.add_argument("--kinds", default="html,text", help="end-to-end corpora: html, text or both")
    parser.add_argument("--sample", type=int, default=3000, help="documents for the extraction/signature runs")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--merge", action="store_true", help="keep the other sections of the latest results")
    parser.add_argument("--lsh-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lsh_child:
        print(json.dumps(lsh_child(args.lsh_child)))
        return
    only = set(args.only.split(","))
    sizes = [int(s) for s in args.sizes.split(",")]
    command = " ".join(["benchmarks/run.py", *sys.argv[1:]])
    latest = args.out / "latest.json"
    # --merge adds or replaces sections of an earlier run (each section holds its own baselines).
    results: dict = json.loads(latest.read_text()) if args.merge and latest.exists() else {}
    results.update({"machine": machine(), "started_at": datetime.now(UTC).isoformat(timespec="seconds")})
    results["command"] = f"{results['command']}; {command}" if args.merge and "command" in results else command
    with PeakRss() as rss, tempfile.TemporaryDirectory(prefix="newsingest-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if "extraction" in only:
            print("extraction ...", file=sys.stderr, flush=True)
            results["extraction"] = bench_extraction(sizes[0], args.workers, args.sample, tmp)
        if {"signatures", "landing"} & only:
            docs = load_documents(corpus.generate(CORPUS, sizes[0], "text"), limit=args.sample)
            articles = [a for a in (extract_document(d) for d in docs) if isinstance(a, Article)]
            if "signatures" in only:
                print("signatures ...", file=sys.stderr, flush=True)
                results["signatures"] = bench_signatures([a.text for a in articles[:1000]])
            if "landing" in only:
                print("landing ...", file=sys.stderr, flush=True)
                results["landing"] = bench_landing(articles, {d.doc_id: d for d in docs}, sizes[-1], tmp)
        if "lsh" in only:
            print("lsh ...", file=sys.stderr, flush=True)
            results["lsh"] = bench_lsh([int(s) for s in args.lsh_sizes.split(",")])
        if "stages" in only:
            print("stages ...", file=sys.stderr, flush=True)
            results["stages"] = [bench_stages(kind, sizes[0], args.workers, tmp) for kind in ("text", "html")]
        if "ingest" in only:
            print("ingest ...", file=sys.stderr, flush=True)
            ingest_runs = bench_ingest(sizes, args.workers, tmp, args.via.split(","), args.kinds.split(","))
            results["ingest"] = merged_runs(results.get("ingest"), ingest_runs) if args.merge else ingest_runs
    results["peak_rss_mib"] = max(mib(rss.peak), results.get("peak_rss_mib", 0) if args.merge else 0)
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.mkdir(parents=True, exist_ok=True)
    latest.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    table = markdown(results)
    (args.out / "latest.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
