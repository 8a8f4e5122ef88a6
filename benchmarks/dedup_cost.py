"""What dedup costs per article: signatures and decision (CPU time), and memory per remembered article.

Decides a labelled JSONL (benchmarks/dedup_quality.py's format) in publication order through
dedup_batch, batches of 512, `--repeat` times, and prints the best articles/s; then the memory the
Deduplicator holds per remembered article (tracemalloc: numpy arrays and Python objects alike).
To compare with another checkout in the same run, alternate the two on the same input:

    for i in 1 2 3; do
      PYTHONPATH=/work/main/src .venv/bin/python benchmarks/dedup_cost.py --input benchmarks/corpus/dedup-dev/articles.jsonl
      .venv/bin/python benchmarks/dedup_cost.py --input benchmarks/corpus/dedup-dev/articles.jsonl
    done
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from pathlib import Path

from newsingest.dedup import dedup_batch
from newsingest.dedup.clusters import Deduplicator
from newsingest.dedup.index import LshSettings

from dedup_quality import as_article, load

BATCH = 512


def decide_all(articles: list, settings: LshSettings) -> Deduplicator:
    deduplicator = Deduplicator(settings)
    for start in range(0, len(articles), BATCH):
        dedup_batch(articles[start:start + BATCH], deduplicator)
    return deduplicator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    articles = [as_article(r) for r in load(args.input)]
    settings = LshSettings()
    seconds = []
    for _ in range(args.repeat):
        started = time.process_time()
        decide_all(articles, settings)
        seconds.append(time.process_time() - started)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    deduplicator = decide_all(articles, settings)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    print(json.dumps({"articles": len(articles), "articles_per_cpu_s": round(len(articles) / min(seconds), 1),
                      "bytes_per_remembered_article": round(held / len(deduplicator))}))


if __name__ == "__main__":
    main()
