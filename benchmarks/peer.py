"""newsingest against the peer a data engineer would pick (datatrove), on real pages, in one run.

    make bench                                       # the peer table, then benchmarks/run.py
    .venv/bin/python benchmarks/peer.py              # 954 real pages x 2 copies, 3 interleaved rounds
    .venv/bin/python benchmarks/peer.py --pages 100 --rounds 1    # a quick look

The corpus is the real development set (../shared/eval/dragnet-dev.tar.xz, unpacked into the git-ignored
benchmarks/corpus/), each page `--copies` times with a comment appended, so every copy is a new document
with the same text. Five pipelines run as child processes, each with 2 processes of work, in rounds whose
order rotates (a slow spell of the machine falls on each in turn):
- floor: raw `trafilatura.extract(favor_precision=True)` over the pages in a Pool(2) (peer_floor.py);
- datatrove extract: JsonlReader -> Trafilatura -> JsonlWriter (2 tasks);
- datatrove extract+MinHash: the same plus its signature, bucket, cluster and filter stages;
- newsingest CLI and newsingest flow (`--workers 2`), each into a fresh warehouse; the flow twice: as
  `python flows/ingest.py` runs it alone (Prefect starts an ephemeral API server inside the run, and the
  time includes it), and against a running `prefect server start` (as a deployment's scheduled runs do;
  benchmarks/prefect_server.py starts it on a loopback port with its own PREFECT_HOME before the rounds,
  outside the timing, and it keeps running through every pipeline's rounds).
datatrove is installed the first time into its own git-ignored virtualenv (benchmarks/.peer-venv).
Reported per pipeline: median and minimum wall time, pages/s, peak RSS of the whole process tree and of
its root process, duplicates found; and the fixed start-up of `newsingest ingest one.html`.
Results: benchmarks/results/peer.json and peer.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from prefect_server import running_server  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)
from run import machine, mib, timed  # noqa: E402

from newsingest.extract.decode import Undecodable, decode  # noqa: E402
from newsingest.warehouse import Warehouse  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval" / "dragnet-dev.tar.xz"
CORPUS = ROOT / "benchmarks" / "corpus"
PEER_VENV = ROOT / "benchmarks" / ".peer-venv"
# datatrove 0.10.1's [processing] extra pins trafilatura < 1.12: install it plain beside ours, with what its
# steps import: spacy (its English MinHash tokenizer is spacy.blank("en"), no model download), tokenizers,
# orjson (its JSONL reader) and xxhash < 4 (4.x no longer hashes str, which datatrove 0.10.1 passes it).
PEER_PACKAGES = ["datatrove==0.10.1", "trafilatura==2.3.1", "lxml_html_clean", "spacy", "tokenizers", "orjson",
                 "xxhash<4"]
VENV_BIN = Path(sys.executable).parent
PROCESSES = 2
SHARDS = 8  # datatrove gives each task whole files: several per task keep both busy to the end
PIPELINES = ("floor", "datatrove_extract", "datatrove_minhash", "newsingest_cli", "newsingest_flow",
             "newsingest_flow_server")
LABELS = {"newsingest_flow": "newsingest flow, ephemeral API (in the time)",
          "newsingest_flow_server": "newsingest flow, running Prefect server"}


@dataclass
class Measurement:
    pipeline: str
    round: int
    wall_s: float
    peak_tree_rss_mib: float
    peak_root_rss_mib: float
    documents: int | None = None
    duplicates: int | None = None


# ------------------------------------------------------------------------------------------- corpus

def unpack_dev_set() -> Path:
    root = CORPUS / "dragnet-dev"
    if not (root / "ground-truth.json").exists():
        CORPUS.mkdir(parents=True, exist_ok=True)
        with tarfile.open(EVAL) as tar:
            tar.extractall(CORPUS, filter="data")
    return root


def build_corpus(pages: int | None, copies: int, out: Path) -> tuple[Path, Path, int]:
    """A folder of HTML files for newsingest and the floor, and JSONL shards of the same pages (decoded
    as newsingest decodes them) for datatrove."""
    sources = sorted((unpack_dev_set() / "html").glob("*.html"))[:pages]
    html_dir, shard_dir = out / "html", out / "shards"
    html_dir.mkdir(parents=True)
    shard_dir.mkdir(parents=True)
    shards = [gzip.open(shard_dir / f"{n:03d}.jsonl.gz", "wt", encoding="utf-8") for n in range(SHARDS)]
    written = 0
    for copy in range(copies):
        for source in sources:
            body = source.read_bytes() + f"\n<!-- peer benchmark copy {copy} -->\n".encode()
            try:
                text = decode(body).text
            except Undecodable:
                continue
            name = f"{source.stem}-{copy}"
            (html_dir / f"{name}.html").write_bytes(body)
            shards[written % SHARDS].write(json.dumps({"id": name, "text": text}) + "\n")
            written += 1
    for shard in shards:
        shard.close()
    return html_dir, shard_dir, written


def peer_python() -> Path:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing datatrove into {PEER_VENV} (first run only) ...", file=sys.stderr, flush=True)
        uv = ROOT / ".tools" / "bin" / "uv"
        subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(PEER_VENV)], check=True)
        subprocess.run([str(uv), "pip", "install", "-q", "--python", str(python), *PEER_PACKAGES], check=True)
    return python


# ------------------------------------------------------------------------------------------ running

def environment(tmp: Path, name: str) -> dict[str, str]:
    return dict(os.environ, PREFECT_HOME=str(tmp / f"prefect-{name}"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", PREFECT_LOGGING_LEVEL="WARNING")


def newsingest_counts(db: Path) -> tuple[int, int]:
    _, rows = Warehouse(db).query("select documents_seen, url_duplicates + exact_duplicates + near_duplicates "
                                  "from runs")
    return rows[0]


def measure(pipeline: str, round_: int, html_dir: Path, shard_dir: Path, tmp: Path,
            api_url: str | None = None) -> Measurement:
    work = tmp / f"{pipeline}-{round_}"
    work.mkdir()
    documents = duplicates = None
    if pipeline == "floor":
        command = [sys.executable, str(ROOT / "benchmarks" / "peer_floor.py"), str(html_dir)]
    elif pipeline.startswith("datatrove"):
        mode = pipeline.removeprefix("datatrove_")
        command = [str(peer_python()), str(ROOT / "benchmarks" / "peer_datatrove.py"), mode, str(shard_dir),
                   str(work), str(PROCESSES)]
    elif pipeline == "newsingest_cli":
        command = [str(VENV_BIN / "newsingest"), "ingest", str(html_dir), "--db", str(work / "news.duckdb"),
                   "--workers", str(PROCESSES)]
    else:
        command = [sys.executable, str(ROOT / "flows" / "ingest.py"), str(html_dir), "--db",
                   str(work / "news.duckdb"), "--workers", str(PROCESSES)]
    env = environment(tmp, pipeline)
    if pipeline == "newsingest_flow_server":
        env["PREFECT_API_URL"] = api_url
    wall, rss, stdout = timed(command, env)
    if pipeline.startswith("datatrove"):
        counts = json.loads(stdout.strip().splitlines()[-1])
        documents, duplicates = counts["extracted"], counts.get("duplicates")
    elif pipeline.startswith("newsingest"):
        documents, duplicates = newsingest_counts(work / "news.duckdb")
    return Measurement(pipeline, round_, round(wall, 2), mib(rss.peak), mib(rss.peak_root), documents, duplicates)


def startup(html_dir: Path, tmp: Path, repeats: int = 3) -> float:
    """Median wall time of `newsingest ingest` of one page into a fresh warehouse: the fixed cost a user
    pays for every small ingest."""
    page = next(html_dir.iterdir())
    times = []
    for n in range(repeats):
        started = time.perf_counter()
        subprocess.run([str(VENV_BIN / "newsingest"), "ingest", str(page), "--db", str(tmp / f"one-{n}.duckdb")],
                       check=True, capture_output=True, env=environment(tmp, "startup"))
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 2)


def import_profile(top: int = 8) -> list[tuple[str, float]]:
    """The modules whose import (with what they import) costs most when the CLI starts: -X importtime."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "import newsingest.cli"],
                         capture_output=True, text=True, check=True)
    costs = []
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            if "." not in name.strip():
                costs.append((name.strip(), int(cumulative) / 1e6))
    return sorted(costs, key=lambda item: -item[1])[:top]


# ------------------------------------------------------------------------------------------ report

def summarise(measurements: list[Measurement], pages: int) -> dict[str, dict]:
    summary = {}
    for pipeline in PIPELINES:
        runs = [m for m in measurements if m.pipeline == pipeline]
        if not runs:
            continue
        median = statistics.median(m.wall_s for m in runs)
        summary[pipeline] = {"wall_median_s": round(median, 2), "wall_min_s": min(m.wall_s for m in runs),
                             "pages_per_s": round(pages / median, 1),
                             "peak_tree_rss_mib": max(m.peak_tree_rss_mib for m in runs),
                             "peak_root_rss_mib": max(m.peak_root_rss_mib for m in runs),
                             "documents": runs[-1].documents, "duplicates": runs[-1].duplicates}
    return summary


def markdown(results: dict) -> str:
    summary, m = results["summary"], results["machine"]
    peer = summary.get("datatrove_minhash")
    lines = [f"Measured {results['finished_at']} on {m['cpu']}, {m['cores']} cores; {results['pages']:,} pages "
             f"({results['copies']} copies of {results['unique_pages']:,} real pages), {PROCESSES} processes each, "
             f"{results['rounds']} interleaved rounds. Command: `{results['command']}`.", "",
             "| pipeline | wall median (min) | pages/s | vs datatrove extract+MinHash | peak RSS, tree | "
             "peak RSS, root process | duplicates found |", "|---|---:|---:|---:|---:|---:|---:|"]
    for pipeline, s in summary.items():
        ratio = f"{peer['wall_median_s'] / s['wall_median_s']:.2f}x" if peer else ""
        duplicates = "" if s["duplicates"] is None else f"{s['duplicates']:,}"
        lines.append(f"| {LABELS.get(pipeline, pipeline.replace('_', ' '))} | {s['wall_median_s']:.1f} s ({s['wall_min_s']:.1f}) | "
                     f"{s['pages_per_s']:.1f} | {ratio} | {s['peak_tree_rss_mib']:.0f} MiB | "
                     f"{s['peak_root_rss_mib']:.0f} MiB | {duplicates} |")
    lines += ["", f"Fixed start-up of `newsingest ingest one.html` (median of 3, fresh warehouse): "
                  f"{results['startup_s']:.2f} s. Largest imports at CLI start-up (cumulative s): "
              + ", ".join(f"{name} {seconds:.2f}" for name, seconds in results["import_profile"]) + "."]
    return "\n".join(lines) + "\n"


def write_results(out: Path, name: str, results: dict, table: str) -> None:
    """<out>/<name>.json and <name>.md; the table printed."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text(table, encoding="utf-8")
    print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="unique real pages to use (default: all 954)")
    parser.add_argument("--copies", type=int, default=2, help="copies of each page (duplicates to find)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=",".join(PIPELINES), help="pipelines to run, comma-separated")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    pipelines = [p for p in PIPELINES if p in args.only.split(",")]
    started = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="newsingest-peer-") as tmp_name, ExitStack() as server:
        tmp = Path(tmp_name)
        api_url = (server.enter_context(running_server(tmp / "prefect-server"))
                   if "newsingest_flow_server" in pipelines else None)
        html_dir, shard_dir, pages = build_corpus(args.pages, args.copies, tmp / "corpus")
        if any(p.startswith("datatrove") for p in pipelines):
            peer_python()
        measurements = []
        for round_ in range(args.rounds):
            shift = round_ % len(pipelines)
            for pipeline in pipelines[shift:] + pipelines[:shift]:
                print(f"round {round_ + 1}/{args.rounds}: {pipeline} ...", file=sys.stderr, flush=True)
                measurements.append(measure(pipeline, round_, html_dir, shard_dir, tmp, api_url))
                print(f"  {measurements[-1]}", file=sys.stderr, flush=True)
        startup_s = startup(html_dir, tmp)
    results = {"machine": machine(), "started_at": started, "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
               "command": " ".join(["benchmarks/peer.py", *sys.argv[1:]]), "pages": pages, "copies": args.copies,
               "unique_pages": pages // args.copies, "rounds": args.rounds,
               "measurements": [asdict(m) for m in measurements], "summary": summarise(measurements, pages),
               "startup_s": startup_s, "import_profile": import_profile()}
    write_results(args.out, "peer", results, markdown(results))


if __name__ == "__main__":
    main()
