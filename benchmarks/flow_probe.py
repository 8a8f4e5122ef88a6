"""Run `newsingest ingest` (cli) or `flows/ingest.py` (flow) in this process with a sampler of its main thread;
write the samples, the process's own CPU time and peak RSS to OUT as JSON (benchmarks/flow_timeline.py).

    python benchmarks/flow_probe.py OUT cli|flow CHECKOUT ARGS...     # CHECKOUT: whose flows/ingest.py runs

Each sample is filed under the innermost newsingest or flows/ function on the main thread's stack and the
innermost package below it (prefect modules by their second part: prefect.task_engine, ...).
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time
from collections import Counter
from pathlib import Path

INTERVAL_S = 0.005


def package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] in ("prefect", "concurrent", "anyio") else parts[0]


def label(frame) -> str:
    leaf = package(frame.f_globals.get("__name__", "?"))
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(("newsingest", "flows")):
            return f"{module.rsplit('.', 1)[-1]}.{frame.f_code.co_name} / {leaf}"
        frame = frame.f_back
    return f"(outside newsingest) / {leaf}"


def sample(main_id: int, samples: Counter[str], done: threading.Event) -> None:
    while not done.wait(INTERVAL_S):
        frame = sys._current_frames().get(main_id)
        if frame is not None:
            samples[label(frame)] += 1


def main() -> None:
    out, kind, checkout, *args = sys.argv[1:]
    samples: Counter[str] = Counter()
    done = threading.Event()
    sampler = threading.Thread(target=sample, args=(threading.get_ident(), samples, done), daemon=True)
    sampler.start()
    started = time.perf_counter()
    sys.path.insert(0, checkout)
    if kind == "cli":
        from newsingest.cli import app as run
        sys.argv = ["newsingest", "ingest", *args]
    else:
        from flows.ingest import main as run
        sys.argv = ["flows/ingest.py", *args]
    imported = time.perf_counter()
    try:
        run()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    finally:
        done.set()
        sampler.join()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        Path(out).write_text(json.dumps({
            "import_s": imported - started, "wall_in_probe_s": time.perf_counter() - started,
            "cpu_s": usage.ru_utime + usage.ru_stime, "max_rss_mib": usage.ru_maxrss / 1024,
            "samples": dict(samples)}))


if __name__ == "__main__":
    main()
