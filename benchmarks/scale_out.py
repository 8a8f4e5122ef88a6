"""The ingest flow on Dask (and with the Redis dedup index) against the local flow, on the same corpus.

    .venv/bin/python benchmarks/scale_out.py                  # 2000 HTML documents, 2 workers
    .venv/bin/python benchmarks/scale_out.py --size 10000 --kind text --workers 2

Each run is `flows/ingest.py` in a child process with its own Prefect home (ephemeral API) and a fresh
warehouse: `--runner local` (the run's guarded extraction processes), `--runner dask` (a LocalCluster of
`--workers` single-threaded processes), and `--runner dask --redis URL` (plus the shared index in a
Redis-compatible server started here on a free port, stopped by PID: benchmarks/redis_server.py). Wall time is process start to exit, so it
includes starting the cluster. Every run must land the same articles and decisions as the local one.
Prints a Markdown table for the README's Performance section.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)
import redis  # noqa: E402
from redis_server import INSTALL_HINT, running_server, server_binary  # noqa: E402

from newsingest.warehouse import Warehouse  # noqa: E402

CORPUS = ROOT / "benchmarks" / "corpus"
DECISIONS = "select id, dedup_status, cluster_id, duplicate_of, similarity, text_hash from articles order by id"


def ingest(folder: Path, name: str, tmp: Path, workers: int, extra: list[str]) -> dict:
    db = tmp / f"{name}.duckdb"
    env = dict(os.environ, PREFECT_HOME=str(tmp / f"prefect-{name}"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", PREFECT_LOGGING_LEVEL="WARNING")
    command = [sys.executable, str(ROOT / "flows" / "ingest.py"), str(folder), "--db", str(db),
               "--workers", str(workers), *extra]
    started = time.perf_counter()
    process = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{process.stderr.decode()[-3000:]}")
    warehouse = Warehouse(db)
    _, [(seen, new, duplicates, duration)] = warehouse.query(
        "select documents_seen, articles_new, url_duplicates + exact_duplicates + near_duplicates, duration_s "
        "from runs")
    return {"name": name, "documents": seen, "new": new, "duplicates": duplicates, "wall_s": wall,
            "run_s": duration, "decisions": warehouse.query(DECISIONS)[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--kind", choices=["html", "text"], default="html")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    binary = server_binary()
    if binary is None:
        sys.exit(INSTALL_HINT)
    folder = corpus.generate(CORPUS, args.size, args.kind)
    with tempfile.TemporaryDirectory(prefix="newsingest-scale-") as tmp_name:
        tmp = Path(tmp_name)
        with running_server(tmp, binary) as redis_url:
            runs = [ingest(folder, "local", tmp, args.workers, ["--runner", "local"]),
                    ingest(folder, "dask", tmp, args.workers, ["--runner", "dask"]),
                    ingest(folder, "dask-redis", tmp, args.workers, ["--runner", "dask", "--redis", redis_url])]
            redis_bytes = redis.Redis.from_url(redis_url).info("memory")["used_memory"]
    local = runs[0]
    print(f"{args.size} {args.kind} documents, {args.workers} workers, {os.cpu_count()} cores\n")
    print("| flow run | documents | new | duplicates | wall s | run s | docs/s (wall) | vs local | same decisions |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for run in runs:
        same = "yes" if run["decisions"] == local["decisions"] else "NO"
        print(f"| {run['name']} | {run['documents']} | {run['new']} | {run['duplicates']} | {run['wall_s']:.1f} "
              f"| {run['run_s']:.1f} | {run['documents'] / run['wall_s']:.1f} "
              f"| {local['wall_s'] / run['wall_s']:.2f}x | {same} |")
    remembered = local["new"] + local["duplicates"]
    print(f"\nRedis memory: {redis_bytes / 2**20:.1f} MiB for {remembered} articles "
          f"({redis_bytes / remembered / 1024:.1f} KiB each, server overhead included)")


if __name__ == "__main__":
    main()
