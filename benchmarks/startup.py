"""Fixed start-up and memory of `newsingest ingest`, beside a baseline checkout, in one run.

    .venv/bin/python benchmarks/startup.py --baseline ../main               # start-up and memory, 5 rounds
    .venv/bin/python benchmarks/startup.py --baseline ../main --pages 0     # start-up only

The baseline is another checkout of newsingest with its own `.venv` (`make install` there), e.g. a
`git worktree` of main. Each round runs, for this checkout and the baseline in turn (the order alternates, so
a slow spell of a shared machine falls on each):
- start-up: `newsingest ingest one.html` into a fresh warehouse, then another page into that warehouse;
- memory (unless --pages 0): `newsingest ingest DIR --workers 2` of the real development pages (each
  `--copies` times, as benchmarks/peer.py builds them) into a fresh warehouse: peak RSS of the run's own
  process and of its whole process tree.
Reported: medians of each, and this checkout's over the baseline's. Wall times on a loaded machine are
long and noisy: compare the ratios, which come from interleaved runs. Results: benchmarks/results/startup.json
and startup.md.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from peer import build_corpus, environment, write_results  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)
from run import PeakRss, machine, mib  # noqa: E402

PR_SET_CHILD_SUBREAPER = 36


@dataclass
class Round:
    checkout: str  # "this" or "baseline"
    round: int
    startup_fresh_s: float
    startup_existing_s: float
    startup_fresh_cpu_s: float  # user + system CPU of the whole process tree
    ingest_wall_s: float | None = None
    peak_root_rss_mib: float | None = None
    peak_tree_rss_mib: float | None = None


def ingest(checkout: Path, inputs: list[Path], db: Path, tmp: Path) -> tuple[float, float, float, float]:
    """Wall time, CPU time of the whole tree, and peak RSS (root process, whole tree) of one
    `newsingest ingest --workers 2`."""
    command = [str(checkout / ".venv" / "bin" / "newsingest"), "ingest", *map(str, inputs), "--db", str(db),
               "--workers", "2"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment(tmp, checkout.name), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    with PeakRss(process.pid) as rss:
        _, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr.decode()[-3000:]}")
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return round(wall, 2), round(cpu, 2), mib(rss.peak_root), mib(rss.peak)


def _reap_orphans() -> None:
    """Wait for what the ingest left running (its forkserver outlives it by a moment): as this process is a
    child subreaper, they are its children now, and their CPU (and their children's) counts in RUSAGE_CHILDREN."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def measure(name: str, checkout: Path, round_: int, pages: list[Path], html_dir: Path | None, tmp: Path) -> Round:
    work = tmp / f"{name}-{round_}"
    work.mkdir()
    fresh, fresh_cpu, _, _ = ingest(checkout, [pages[0]], work / "one.duckdb", tmp)
    existing, _, _, _ = ingest(checkout, [pages[1]], work / "one.duckdb", tmp)
    measured = Round(name, round_, fresh, existing, fresh_cpu)
    if html_dir is not None:
        measured.ingest_wall_s, _, measured.peak_root_rss_mib, measured.peak_tree_rss_mib = ingest(
            checkout, [html_dir], work / "all.duckdb", tmp)
    return measured


def summarise(rounds: list[Round]) -> dict[str, dict]:
    summary: dict[str, dict] = {}
    for name in ("this", "baseline"):
        mine = [r for r in rounds if r.checkout == name]
        summary[name] = {key: round(statistics.median(values), 2) if (values := [getattr(r, key) for r in mine
                                                                                  if getattr(r, key) is not None])
                         else None
                         for key in ("startup_fresh_s", "startup_existing_s", "startup_fresh_cpu_s", "ingest_wall_s", "peak_root_rss_mib",
                                     "peak_tree_rss_mib")}
    return summary


def markdown(results: dict) -> str:
    this, base = results["summary"]["this"], results["summary"]["baseline"]
    lines = [f"Measured {results['finished_at']} on {results['machine']['cpu']}, {results['machine']['cores']} "
             f"cores, {results['rounds']} interleaved rounds (medians); baseline `{results['baseline']}` at "
             f"{results['baseline_commit']}. Command: `{results['command']}`.", "",
             "| measurement | this checkout | baseline | ratio |", "|---|---:|---:|---:|"]
    rows = [("start-up, `ingest one.html`, fresh warehouse", "startup_fresh_s", "s"),
            ("start-up, `ingest one.html`, existing warehouse", "startup_existing_s", "s"),
            ("start-up, fresh warehouse: CPU of the process tree (user + system)", "startup_fresh_cpu_s", "s"),
            (f"ingest of {results['pages']:,} real pages, wall", "ingest_wall_s", "s"),
            (f"ingest of {results['pages']:,} real pages, peak RSS of the run's own process", "peak_root_rss_mib",
             "MiB"),
            (f"ingest of {results['pages']:,} real pages, peak RSS of the process tree", "peak_tree_rss_mib", "MiB")]
    for label, key, unit in rows:
        if this[key] is not None and base[key] is not None:
            lines.append(f"| {label} | {this[key]:,} {unit} | {base[key]:,} {unit} | {this[key] / base[key]:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="another checkout with its own .venv")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=None,
                        help="unique real pages for the memory ingest (default: all 954; 0: start-up only)")
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    baseline = args.baseline.resolve()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)  # see _reap_orphans
    started = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="newsingest-startup-") as tmp_name:
        tmp = Path(tmp_name)
        html_dir, _, pages = build_corpus(2 if args.pages == 0 else args.pages, args.copies, tmp / "corpus")
        two = [page for page in sorted(html_dir.iterdir()) if page.stem.endswith("-0")][:2]  # two real pages
        rounds = []
        for round_ in range(args.rounds):
            order = [("this", ROOT), ("baseline", baseline)]
            for name, checkout in order if round_ % 2 == 0 else order[::-1]:
                rounds.append(measure(name, checkout, round_, two, html_dir if args.pages != 0 else None, tmp))
                print(f"  {rounds[-1]}", file=sys.stderr, flush=True)
    commit = subprocess.run(["git", "-C", str(baseline), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    results = {"machine": machine(), "started_at": started, "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
               "command": " ".join(["benchmarks/startup.py", *sys.argv[1:]]), "baseline": str(args.baseline),
               "baseline_commit": commit, "rounds": args.rounds, "pages": pages if args.pages != 0 else 0,
               "measurements": [asdict(r) for r in rounds], "summary": summarise(rounds)}
    write_results(args.out, "startup", results, markdown(results))


if __name__ == "__main__":
    main()
