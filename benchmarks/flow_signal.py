"""How long `python flows/ingest.py` takes to stop after a SIGTERM mid-run, and what it left (README "Failure
handling"): the corpus and the moment of tests/test_failure_handling.py's flow test (60 JSONL stories, batches of
3, the signal while the 20th warehouse transaction is open), repeated.

    .venv/bin/python benchmarks/flow_signal.py --runs 3
    .venv/bin/python benchmarks/flow_signal.py --checkout /tmp/old   # another checkout's src/ and flows/ (git archive)
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import Watch, rows, run_statuses, signed_off_stories  # noqa: E402

STORIES = 60


def stop_once(checkout: Path, corpus: Path, db: Path, env: dict[str, str], patience: float) -> str:
    flow = [sys.executable, "flows/ingest.py", str(corpus), "--db", str(db), "--workers", "1", "--batch-size", "3"]
    process = subprocess.Popen(flow, cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    Watch(process, db).signal_when("write", 20, signal.SIGTERM)
    signalled = time.monotonic()
    try:
        process.wait(timeout=patience)
        outcome = f"exit {process.returncode} {time.monotonic() - signalled:.1f} s after SIGTERM"
    except subprocess.TimeoutExpired:
        outcome = f"still running {patience:.0f} s after SIGTERM"
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # its local Prefect API too, when the flow did not stop it
    landed = rows(db, "select count(*) from articles")[0][0]
    return f"{outcome}; {landed} of {STORIES} stories landed; runs {run_statuses(db)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the code to run (its src/ and flows/)")
    parser.add_argument("--patience", type=float, default=120, help="seconds to wait for the exit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = signed_off_stories(Path(folder) / "corpus", STORIES)
        env = {**os.environ, "PREFECT_HOME": f"{folder}/prefect", "PREFECT_LOGGING_LEVEL": "WARNING",
               "PYTHONPATH": f"{args.checkout / 'src'}:{args.checkout}"}
        for run in range(args.runs):
            result = stop_once(args.checkout.resolve(), corpus, Path(folder) / f"run{run}.duckdb", env, args.patience)
            print(f"run {run + 1}: {result} (load {os.getloadavg()[0]:.1f})", flush=True)


if __name__ == "__main__":
    main()
