"""Re-decide a warehouse's stored articles under other LSH settings, in memory: decisions, candidates, CPU.

    .venv/bin/python benchmarks/dedup_replay.py --db /tmp/profile.duckdb --max-key-rows 100,20 --char-key-hits 1,2

Reads every stored article's signature in arrival order (as `newsingest rededup` does, without writing) and
replays dedup alone once per combination of the settings asked for. For each it prints, by tenth of the
articles, the candidates verified per query (and how many each route's keys found) and the CPU time per
article, and how many decisions (status, cluster, similarity, containment) differ from the first
combination's. A cost that grows by tenth is one that grows with the window.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from newsingest.dedup import signature_scheme
from newsingest.dedup.clusters import Deduplicator
from newsingest.dedup.index import LshSettings
from newsingest.dedup.signatures import from_stored
from newsingest.rededup import StoredArticle
from newsingest.warehouse import Warehouse

TENTHS = 10


def count_queries(deduplicator: Deduplicator, counts: dict[str, list[int]], routes: bool) -> None:
    """Record each lookup's candidates (rows verified) and, with `routes`, what each route's keys alone
    would find (the character route's with its hits)."""
    index = deduplicator.index
    bands = {"word": (index.similar, 1), "lead": (index.leads, 1), "char": (index.chars, index.chars.hits)}

    def candidate_rows(signature, _candidate_rows=index.candidate_rows):
        rows = _candidate_rows(signature)
        counts["candidates"].append(len(rows))
        keys, start = index._keys(signature), 0  # the routes' keys end to end, in this order
        for route, (route_bands, hits) in bands.items() if routes else ():
            counts[route].append(len(index.entries.query(keys[start:start + route_bands.bands], hits)))
            start += route_bands.bands
        return rows
    index.candidate_rows = candidate_rows


def replay(rows, settings: LshSettings, routes: bool) -> tuple[list[tuple], dict[str, list[int]], list[float]]:
    """Decisions, per-query counts and per-article CPU seconds of one replay (with `routes`, the CPU includes
    a second lookup per route)."""
    deduplicator = Deduplicator(settings)
    counts: dict[str, list[int]] = {"candidates": [], "word": [], "lead": [], "char": []}
    count_queries(deduplicator, counts, routes)
    signatures = [from_stored(row.signature, settings.signature) for row in rows]
    decisions, seconds = [], []
    for row, signature in zip(rows, signatures, strict=True):
        started = time.thread_time()
        decision = deduplicator.decide(StoredArticle(row.id, row.canonical_url, row.text_hash, row.dated), signature)
        seconds.append(time.thread_time() - started)
        decisions.append((decision.status.value, decision.cluster_id, decision.similarity, decision.containment))
    return decisions, counts, seconds


def by_tenth(values: list[float]) -> str:
    return ", ".join(f"{np.mean(part):.0f}" for part in np.array_split(np.asarray(values, dtype=float), TENTHS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a warehouse (read, not changed)")
    parser.add_argument("--max-key-rows", default="100", help="comma-separated; 0 for no cap")
    parser.add_argument("--char-key-hits", default="2", help="comma-separated LshSettings.char_key_hits values")
    parser.add_argument("--limit", type=int, help="only the first this many articles")
    parser.add_argument("--routes", action="store_true", help="also count each route's candidates (costs CPU)")
    args = parser.parse_args()

    warehouse = Warehouse(args.db)
    base = warehouse.dedup_settings() or LshSettings()
    rows = warehouse.rededup_inputs(signature_scheme(base))[: args.limit]
    if any(row.text is not None for row in rows):
        sys.exit("some stored signatures are of another scheme: run `newsingest rededup` on a copy first")
    first = None
    for cap, hits in itertools.product(args.max_key_rows.split(","), args.char_key_hits.split(",")):
        settings = replace(base, max_key_rows=int(cap) or None, char_key_hits=int(hits))
        decisions, counts, seconds = replay(rows, settings, args.routes)
        first = first or decisions
        differ = sum(a != b for a, b in zip(first, decisions, strict=True))
        print(f"max_key_rows={cap} char_key_hits={hits}: {len(rows)} articles, CPU {sum(seconds):.1f} s, "
              f"{differ} decisions differ from the first settings'")
        print(f"  candidates/query by tenth: {by_tenth(counts['candidates'])}")
        for route in ("word", "lead", "char") if args.routes else ():
            print(f"  {route} route alone:        {by_tenth(counts[route])}")
        print(f"  CPU us/article by tenth:  {by_tenth([s * 1e6 for s in seconds])}")
        statuses = {status: sum(d[0] == status for d in decisions) for status in sorted({d[0] for d in decisions})}
        print(f"  statuses: {statuses}", flush=True)


if __name__ == "__main__":
    main()
