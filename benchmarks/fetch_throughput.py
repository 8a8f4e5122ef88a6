"""Fetcher throughput and overhead against the local fixture site (tests/site_server.py), no internet.

    .venv/bin/python benchmarks/fetch_throughput.py [--requests 400]

Measures pages per second through Fetcher.fetch_all with no politeness delay (so the dispatcher, httpx
and the checks are what is measured), for several per-host concurrency limits, against plain httpx GETs
of the same URLs in the same number of threads as the baseline. Also times the politeness schedule: with a
0.1 s minimum delay, N requests to one host must take about (N-1) x 0.1 s, whatever the concurrency.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from newsingest.sources.fetch import PAGE_TYPES, Fetched, Fetcher, FetchRequest, FetchSettings  # noqa: E402
from site_server import SiteServer  # noqa: E402

PAGES = ["/articles/harbour-bridge.html", "/articles/rail-fares.html", "/articles/wind-farm.html",
         "/articles/library-reopens.html", "/articles/council-budget.html"]


def urls(server: SiteServer, n: int) -> list[str]:
    return [server.url(f"{PAGES[i % len(PAGES)]}?n={i}") for i in range(n)]


def fetcher_rate(server: SiteServer, n: int, concurrency: int, min_delay: float = 0.0) -> tuple[float, float]:
    settings = FetchSettings(allow_private_network=True, min_delay=min_delay, per_host_concurrency=concurrency,
                             global_concurrency=max(16, concurrency))
    started = time.perf_counter()
    with Fetcher(settings) as fetcher:
        ok = sum(isinstance(o, Fetched) for o in fetcher.fetch_all(FetchRequest(u, PAGE_TYPES) for u in urls(server, n)))
    elapsed = time.perf_counter() - started
    assert ok == n, f"only {ok} of {n} fetched"
    return n / elapsed, elapsed


def httpx_rate(server: SiteServer, n: int, threads: int) -> float:
    started = time.perf_counter()
    with httpx.Client() as client, ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(lambda u: client.get(u).status_code, urls(server, n)))
    assert statuses.count(200) == n
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    n = args.requests
    with SiteServer() as server:
        httpx_rate(server, 20, 2)  # warm up
        print(f"{n} pages from one local host, best of 3")
        print("| per-host concurrency | Fetcher pages/s | plain httpx pages/s (same threads) | ratio |")
        print("|---:|---:|---:|---:|")
        for concurrency in (1, 2, 8):
            ours = max(fetcher_rate(server, n, concurrency)[0] for _ in range(3))
            base = max(httpx_rate(server, n, concurrency) for _ in range(3))
            print(f"| {concurrency} | {ours:.0f} | {base:.0f} | {ours / base:.2f} |")
        _, elapsed = fetcher_rate(server, 21, 2, min_delay=0.1)
        print(f"\npoliteness: 21 requests (+ robots.txt) at min_delay 0.1 s took {elapsed:.2f} s (floor 2.1 s)")


if __name__ == "__main__":
    main()
