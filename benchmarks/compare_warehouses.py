"""Same inputs, two checkouts, every warehouse table compared row by row: does a refactor change what lands?

    .venv/bin/python benchmarks/compare_warehouses.py --before /work/main --size 2000

Ingests samples/, a generated benchmark corpus (benchmarks/corpus.py, `--kind`, `--size`) and a CC-NEWS-like
WARC file of `--warc-mb` (benchmarks/warc_throughput.py: the corpus's pages again under other URLs, with
404s, images and revisits) with each checkout's `newsingest ingest` (its own src/ and warehouse/ SQL, this interpreter) into a fresh DuckDB file,
then compares every table of the two files as multisets of rows. Columns that name or time a run differ by
nature and are left out: run ids, timestamps (TIMESTAMP and TIMESTAMP WITH TIME ZONE columns) and durations.
Exits 1 when a table differs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)
from warc_throughput import write_ccnews_like  # noqa: E402

IGNORED_NAMES = {"run_id", "duration_s"}
IGNORED_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE")


def ingest(checkout: Path, inputs: list[Path], db: Path, workers: int) -> None:
    """One `newsingest ingest` per input, in order, as a user would run them."""
    env = {**os.environ, "PYTHONPATH": str(checkout / "src"), "COLUMNS": "200"}
    for path in inputs:
        done = subprocess.run([sys.executable, "-m", "newsingest.cli", "ingest", str(path), "--db", str(db),
                               "--workers", str(workers)], cwd=checkout, env=env, capture_output=True, text=True)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{checkout}: ingest {path} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def table_rows(db: Path) -> dict[str, list[tuple]]:
    """Every base table's rows without run ids, timestamps and durations, sorted."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                            "where table_type = 'BASE TABLE' order by 1").fetchall()]
        found = {}
        for table in tables:
            columns = [name for name, kind in con.execute(
                "select column_name, data_type from information_schema.columns where table_name = ? "
                "order by ordinal_position", [table]).fetchall()
                if name not in IGNORED_NAMES and not kind.startswith(IGNORED_TYPES)]
            if columns:
                listed = ", ".join(f'"{c}"' for c in columns)
                found[table] = con.execute(f'select {listed} from "{table}" order by all').fetchall()
        return found
    finally:
        con.close()


def compare(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    lines, differ = [], []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table), after.get(table)
        if old == new:
            lines.append(f"| {table} | {len(old)} | {len(new)} | identical |")
            continue
        differ.append(table)
        if old is None or new is None:
            lines.append(f"| {table} | {'-' if old is None else len(old)} | {'-' if new is None else len(new)} "
                         f"| only in {'after' if old is None else 'before'} |")
            continue
        missing, extra = _multiset_difference(old, new), _multiset_difference(new, old)
        lines.append(f"| {table} | {len(old)} | {len(new)} | {len(missing)} rows only before, {len(extra)} only "
                     f"after; e.g. {(missing or extra)[0]!r:.200} |")
    return ["| table | rows before | rows after | result |", "|---|---:|---:|---|", *lines,
            "", f"{len(differ)} of {len(set(before) | set(after))} tables differ" + (f": {', '.join(differ)}" if differ else "")]


def _multiset_difference(rows: list[tuple], others: list[tuple]) -> list[tuple]:
    remaining: dict[tuple, int] = {}
    for row in others:
        remaining[row] = remaining.get(row, 0) + 1
    left = []
    for row in rows:
        if remaining.get(row, 0):
            remaining[row] -= 1
        else:
            left.append(row)
    return left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the baseline checkout, e.g. /work/main")
    parser.add_argument("--after", type=Path, default=ROOT, help="the changed checkout (default: this one)")
    parser.add_argument("--size", type=int, default=2000, help="documents in the generated corpus")
    parser.add_argument("--kind", choices=["html", "text"], default="html")
    parser.add_argument("--warc-mb", type=float, default=8.0, help="size of the generated WARC file (0: none)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    inputs = [ROOT / "samples", corpus.generate(ROOT / "benchmarks" / "corpus", args.size, args.kind)]
    if args.warc_mb:
        warc = ROOT / "benchmarks" / "corpus" / f"compare-{args.warc_mb:g}mb.warc.gz"
        if not warc.exists():
            write_ccnews_like(warc, int(args.warc_mb * 2**20), script_bytes=2000)
        inputs.append(warc)
    with tempfile.TemporaryDirectory() as folder:
        found = {}
        for name, checkout in (("before", args.before), ("after", args.after)):
            db = Path(folder) / f"{name}.duckdb"
            ingest(checkout.resolve(), inputs, db, args.workers)
            found[name] = table_rows(db)
    report = compare(found["before"], found["after"])
    print(f"inputs: {', '.join(str(i) for i in inputs)}\n")
    print("\n".join(report))
    sys.exit(1 if not report[-1].startswith("0 of") else 0)


if __name__ == "__main__":
    main()
