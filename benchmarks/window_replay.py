"""Decide a warehouse's stored articles again through the stories and reuse stages, in memory: CPU by tenth
and a digest of every decision, to compare two checkouts' code on windows that are full.

    .venv/bin/python benchmarks/window_replay.py --db /tmp/profile.duckdb --before /tmp/main-checkout --rounds 2

Reads every stored article in arrival order (text, date, dedup decision, stored term weights) and feeds it in
batches of `--batch` to `assign_stories` and `assign_reuse` as a fresh run would (each stage's index starts
empty and windows by day, forgetting old days as a run does). Prints, per checkout and round, the CPU ms per
article of each stage by tenth of the articles and a digest of its decisions (story, match and similarity of
each article; every text_reuse row with its passages). With `--before`, each round replays that checkout's
code too (in a child process whose `newsingest` is imported from there), in turn with this one's, so a
loaded machine's slow spells fall on both; the digests must be equal for a change of speed only.
`--profile N` prints the N largest cProfile items of the last third of the articles instead.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TENTHS = 10


def stored_rows(db: Path, scheme: str) -> list[tuple]:
    # This checkout's query, also when the stages' code is another checkout's (`--before`): that one may
    # predate the file.
    sql = (ROOT / "warehouse" / "sql" / "window_replay.sql").read_text(encoding="utf-8")
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, {"scheme": scheme}).fetchall()


def replay(db: Path, batch_size: int, limit: int | None, profile: int) -> dict:
    """One replay with the `newsingest` this process imports: CPU seconds per article of each stage, the
    digests, and with `profile` the cProfile report of the last third."""
    from newsingest.records import Article, DedupDecision, DedupStatus
    from newsingest.reuse import ReuseIndex, assign_reuse
    from newsingest.stories import StoryIndex, TermWeights, assign_stories, feature_scheme, missing_state
    from newsingest.stories.index import StorySettings

    settings = StorySettings()
    rows = stored_rows(db, feature_scheme(settings.features))[:limit]
    stories, reuse = StoryIndex(settings), ReuseIndex()
    cpu = {"stories": [], "reuse": []}
    digests = {"stories": hashlib.sha256(), "reuse": hashlib.sha256()}
    profiler = cProfile.Profile()
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        articles = [Article(row[0], "", "", None, None, None, row[1], None, row[3], None, row[2], "", 0, "", "")
                    for row in chunk]
        dedup = [DedupDecision(row[0], DedupStatus(row[5]), row[6]) for row in chunk]
        weights = [TermWeights(row[7], row[8]) for row in chunk]
        now = max(row[4] for row in chunk)
        profiling = profile and start >= 2 * len(rows) // 3
        if profiling:
            profiler.enable()
        started = time.thread_time()
        needed = missing_state(articles, dedup, stories, now)  # days new to the index: nothing stored to read
        stories.load(needed.days, [])
        found = assign_stories(articles, dedup, stories, now, weights)
        middle = time.thread_time()
        reuse.load(reuse.missing_days(a.published_at or now for a in articles), [])
        reused = assign_reuse(articles, dedup, reuse, now)
        ended = time.thread_time()
        if profiling:
            profiler.disable()
        cpu["stories"] += [(middle - started) / len(chunk)] * len(chunk)
        cpu["reuse"] += [(ended - middle) / len(chunk)] * len(chunk)
        for d in found.decisions:
            digests["stories"].update(repr((d.article_id, d.story_id, d.matched, d.similarity)).encode())
        for r in reused.rows:
            digests["reuse"].update(repr((r.article_id, r.source_id, r.share, r.derivation.value,
                                          [(p.start, p.end, p.source_start, p.source_end) for p in r.passages])
                                         ).encode())
    report = ""
    if profile:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(profile)
        report = text.getvalue()
    return {"articles": len(rows), "cpu": cpu, "digests": {k: v.hexdigest()[:16] for k, v in digests.items()},
            "profile": report}


def by_tenth(seconds: list[float]) -> str:
    return ", ".join(f"{np.mean(part) * 1e3:.2f}" for part in np.array_split(np.asarray(seconds), TENTHS))


def child(checkout: Path | None, args: argparse.Namespace) -> dict:
    """A replay in a fresh process, importing `newsingest` from `checkout` (None: this one)."""
    env = dict(os.environ)
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout / "src")
    command = [sys.executable, __file__, "--db", str(args.db), "--batch", str(args.batch), "--child",
               "--profile", str(args.profile)] + (["--limit", str(args.limit)] if args.limit else [])
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a warehouse (read, not changed)")
    parser.add_argument("--before", type=Path, help="a checkout whose code to replay in turn with this one's")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--batch", type=int, default=512, help="articles per batch (pipeline.DEFAULT_BATCH_SIZE)")
    parser.add_argument("--limit", type=int, help="only the first this many articles")
    parser.add_argument("--profile", type=int, default=0, help="print this many cProfile items (last third)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(replay(args.db, args.batch, args.limit, args.profile)))
        return
    print(f"{datetime.now():%Y-%m-%d %H:%M} load {os.getloadavg()[0]:.1f}; {args.db}", flush=True)
    checkouts = [("before", args.before), ("this", None)] if args.before else [("this", None)]
    for round_number in range(1, args.rounds + 1):
        for name, checkout in checkouts:
            result = child(checkout, args)
            total = {stage: sum(seconds) for stage, seconds in result["cpu"].items()}
            print(f"round {round_number}, {name}: {result['articles']} articles, load {os.getloadavg()[0]:.1f}, "
                  f"digests {result['digests']}")
            for stage, seconds in result["cpu"].items():
                print(f"  {stage}: {total[stage]:.1f} s CPU; ms/article by tenth {by_tenth(seconds)}")
            if result["profile"]:
                print(result["profile"])
            sys.stdout.flush()


if __name__ == "__main__":
    main()
