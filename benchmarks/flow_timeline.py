"""Where the flow's extra time over the CLI goes: the same pages through `newsingest ingest` and through
`flows/ingest.py` against a running Prefect server (what a deployment's runs talk to), each with a sampler
of its main thread and its own CPU time; for the flow, the timeline of its flow and task runs from the API.

    .venv/bin/python benchmarks/flow_timeline.py --pages 300 --rounds 2
    .venv/bin/python benchmarks/flow_timeline.py --baseline /tmp/old   # also another checkout's flows/ (git archive)

Each run goes through benchmarks/flow_probe.py, which samples the main thread's stack every few milliseconds
and files each sample under the innermost newsingest (or flows/) function on it and the innermost package
under that: so "run_batches / concurrent.futures" is the loop waiting for an extraction, "land / prefect" is
Prefect's own work around the land task. The server is started before the runs, outside the timing
(benchmarks/prefect_server.py). Results are printed, not written: this is a profile, not a headline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from peer import PROCESSES, build_corpus, environment  # noqa: E402
from prefect_server import running_server  # noqa: E402

PROBE = ROOT / "benchmarks" / "flow_probe.py"


def probe(kind: str, checkout: Path, html_dir: Path, work: Path, env: dict[str, str]) -> dict:
    """One run of `kind` (cli or flow, the flow from `checkout`) under the probe: wall time, its own CPU, its
    main thread's samples."""
    out = work / "probe.json"
    command = [sys.executable, str(PROBE), str(out), kind, str(checkout), str(html_dir), "--db",
               str(work / "news.duckdb"), "--workers", str(PROCESSES)]
    started = time.time()
    run = subprocess.run(command, env=env, capture_output=True, text=True)
    ended = time.time()
    if run.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{run.stderr[-3000:]}")
    result = json.loads(out.read_text())
    result.update(wall_s=ended - started, launched=started, exited=ended)
    return result


async def flow_timeline(api_url: str, launched: float, exited: float) -> list[tuple[str, float]]:
    """The flow run's phases, in seconds: from the process start to the run's start, each stage's task runs
    (summed per stage), the run's end to the process exit."""
    os.environ["PREFECT_API_URL"] = api_url
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    async with get_client() as client:
        flow_run = (await client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1))[0]
        tasks = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id])))
    start, end = flow_run.start_time.timestamp(), flow_run.end_time.timestamp()
    by_stage: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for task in tasks:
        stage = task.name.rsplit("-", 1)[0]
        counts[stage] += 1
        if task.start_time and task.end_time:
            by_stage[stage] += task.end_time.timestamp() - task.start_time.timestamp()
    first_task = min((t.start_time.timestamp() for t in tasks if t.start_time), default=start)
    last_task = max((t.end_time.timestamp() for t in tasks if t.end_time), default=end)
    phases = [("process start -> flow run Running", start - launched),
              ("flow run Running -> first task run", first_task - start)]
    phases += [(f"task runs {stage} (x{counts[stage]}, summed)", seconds)
               for stage, seconds in sorted(by_stage.items())]
    phases += [("last task run -> flow run end", end - last_task), ("flow run end -> process exit", exited - end),
               ("flow run, Running to end", end - start)]
    return phases


def show(kind: str, runs: list[dict], top: int) -> None:
    def each(key: str, form: str = ".1f") -> str:
        return ", ".join(format(run[key], form) for run in runs)

    print(f"\n## {kind}: wall {each('wall_s')} s; own CPU (user+sys) {each('cpu_s')} s; peak RSS of the process "
          f"{each('max_rss_mib', '.0f')} MiB; imports {each('import_s', '.2f')} s")
    samples: Counter[str] = Counter()
    for run in runs:
        samples.update(run["samples"])
    total = sum(samples.values())
    seconds_per_sample = statistics.mean(r["wall_in_probe_s"] / max(1, sum(r["samples"].values())) for r in runs)
    print(f"main thread, {total} samples over {len(runs)} runs (~{seconds_per_sample * 1000:.1f} ms each); "
          "mean seconds per run:")
    for label, n in samples.most_common(top):
        print(f"  {n * seconds_per_sample / len(runs):6.2f} s  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="unique real pages (each twice)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--top", type=int, default=25, help="sample labels to show per pipeline")
    parser.add_argument("--baseline", type=Path, default=None, help="also run this checkout's flows/ingest.py")
    args = parser.parse_args()
    pipelines = {"cli": ROOT, "flow": ROOT} | ({"flow (baseline)": args.baseline.resolve()} if args.baseline else {})
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="newsingest-timeline-") as tmp_name:
        tmp = Path(tmp_name)
        html_dir, _, pages = build_corpus(args.pages, 2, tmp / "corpus")
        with running_server(tmp / "prefect-server") as api_url:
            results: dict[str, list[dict]] = {kind: [] for kind in pipelines}
            timelines: dict[str, list] = {kind: [] for kind in pipelines if kind != "cli"}
            for round_ in range(args.rounds):
                order = list(pipelines)[round_ % len(pipelines):] + list(pipelines)[:round_ % len(pipelines)]
                for name in order:
                    kind = name.split()[0]
                    work = tmp / f"round-{round_}-{list(pipelines).index(name)}"
                    work.mkdir()
                    env = environment(tmp, kind)
                    if kind == "flow":
                        env["PREFECT_API_URL"] = api_url
                    result = probe(kind, pipelines[name], html_dir, work, env)
                    results[name].append(result)
                    print(f"round {round_ + 1}: {name} {result['wall_s']:.1f} s (load {os.getloadavg()[0]:.1f})",
                          flush=True)
                    if kind == "flow":
                        timelines[name].append(asyncio.run(flow_timeline(api_url, result["launched"],
                                                                         result["exited"])))
    print(f"\n{pages} pages, load average at end: {os.getloadavg()}")
    for kind, runs in results.items():
        show(kind, runs, args.top)
    for name, runs in timelines.items():
        print(f"\n## {name}: flow run timeline (seconds, each round)")
        for phase, _ in runs[0]:
            print(f"  {phase}: " + ", ".join(format(dict(t)[phase], ".2f") for t in runs))


if __name__ == "__main__":
    main()
