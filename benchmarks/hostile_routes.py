"""How long each hostile route of tests/site_server.py takes to be cut off, and the fetcher's peak RSS on
compression bombs, with the default FetchSettings (README "Failure handling").

    .venv/bin/python benchmarks/hostile_routes.py            # every route, default deadline (60 s)
    .venv/bin/python benchmarks/hostile_routes.py --bomb br --gigabytes 6   # one bomb in this process: peak RSS

Each route gets its own server, so they run side by side and the whole takes about one deadline.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import brotli  # noqa: E402

from newsingest.sources.fetch import PAGE_TYPES, Fetcher, FetchRequest, FetchSettings  # noqa: E402
from site_server import Handler, SiteServer, SiteState  # noqa: E402

SETTINGS = FetchSettings(allow_private_network=True)
ROUTES = {  # name: (site state, path)
    "headers one byte every 5 s": (SiteState(drip_seconds=5), "/drip-headers.html"),
    "body one byte every 5 s": (SiteState(drip_seconds=5), "/drip-body.html"),
    "robots.txt one byte every 5 s": (SiteState(drip_seconds=5, robots_drip=True), "/articles/wind-farm.html"),
    "Crawl-delay: 3600 (3 pages)": (SiteState(crawl_delay=3600), "/articles/"),
}
BOMB_GIGABYTES = 6
BLOCK = 16 * 1024 * 1024  # compressed a block at a time: building the bomb must not set the peak itself


def cut_off(name: str) -> str:
    state, path = ROUTES[name]
    with SiteServer(state) as site:
        paths = [path + p for p in ("harbour-bridge.html", "rail-fares.html", "wind-farm.html")] \
            if path.endswith("/") else [path]
        started = time.monotonic()
        with Fetcher(SETTINGS) as fetcher:
            outcomes = [getattr(o, "reason", f"HTTP {getattr(o, 'status', '?')}")
                        for o in fetcher.fetch_all(FetchRequest(site.url(p), PAGE_TYPES) for p in paths)]
        return f"{name}: {', '.join(outcomes)} after {time.monotonic() - started:.1f} s"


def brotli_gigabytes(gigabytes: int) -> bytes:
    """A brotli body of `gigabytes` GiB of one letter, compressed in steps (never held decompressed)."""
    compressor = brotli.Compressor(quality=5)
    block = b"a" * BLOCK
    body = b"".join(compressor.process(block) for _ in range(gigabytes * 1024 * 1024 * 1024 // BLOCK))
    return body + compressor.finish()


def bomb(encoding: str, gigabytes: int) -> str:
    body = brotli_gigabytes(gigabytes)
    route = Handler.route

    def with_bomb(handler, path, calls):
        if path == "/big-bomb.html":
            return handler.send(200, body, Content_Encoding=encoding)
        return route(handler, path, calls)

    Handler.route = with_bomb
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with SiteServer() as site, Fetcher(replace(SETTINGS, read_timeout=60)) as fetcher:
        started = time.monotonic()
        outcome = next(fetcher.fetch_all([FetchRequest(site.url("/big-bomb.html"), PAGE_TYPES)]))
        seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (f"{encoding} bomb, {len(body):,} bytes on the wire, {gigabytes} GiB decoded: "
            f"{getattr(outcome, 'reason', 'fetched')} after {seconds:.1f} s; peak RSS {peak / 1024:.0f} MiB "
            f"({before / 1024:.0f} MiB before the fetch)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb", choices=["br"], help="measure one bomb in this process")
    parser.add_argument("--gigabytes", type=int, default=BOMB_GIGABYTES, help="the bomb's decoded size")
    args = parser.parse_args()
    if args.bomb:
        print(bomb(args.bomb, args.gigabytes))
        return
    with ThreadPoolExecutor(len(ROUTES)) as pool:
        for line in pool.map(cut_off, ROUTES):
            print(line)
    print(subprocess.run([sys.executable, __file__, "--bomb", "br"], capture_output=True, text=True).stdout, end="")


if __name__ == "__main__":
    main()
