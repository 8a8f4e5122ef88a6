"""The floor of benchmarks/peer.py: raw `trafilatura.extract(favor_precision=True)` over a folder of pages in a
Pool of 2, in a process that imports nothing of newsingest (whose extract package speeds up the lxml parser
trafilatura uses, extract/html.py: the floor stays plain trafilatura).

    python peer_floor.py HTML_DIR
"""

from __future__ import annotations

import sys
from multiprocessing import Pool
from pathlib import Path

import trafilatura

PROCESSES = 2


def _extract(path: str) -> int:
    text = trafilatura.extract(Path(path).read_bytes(), favor_precision=True, include_comments=False,
                               deduplicate=False)
    return len(text or "")


def floor(html_dir: Path) -> None:
    with Pool(PROCESSES) as pool:
        pool.map(_extract, sorted(map(str, html_dir.iterdir())), chunksize=8)


if __name__ == "__main__":
    floor(Path(sys.argv[1]))
