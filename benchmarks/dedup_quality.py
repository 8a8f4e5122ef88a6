"""Near-duplicate quality on a labelled set, newsingest against a plain datasketch baseline, in one run.

Input: JSON Lines `{"id", "text", "cluster"}` (optional `title`, `published_at`, `url`, `variant`).
Documents are decided in publication order, as they would arrive. Prints pairwise precision, recall, F1
and the Adjusted Rand Index of the predicted clusters against `cluster`, for:
  - newsingest's dedup (the settings the pipeline uses, or the ones given on the command line);
  - the baseline: plain MinHashLSH, 128 permutations, threshold 0.5, word 5-grams, connected components.

    python benchmarks/dedup_quality.py --input tests/fixtures/dedup/articles.jsonl
    python benchmarks/dedup_quality.py --input tests/fixtures/dedup/articles.jsonl --sweep
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from newsingest.dedup import dedup_batch
from newsingest.dedup.clusters import Deduplicator
from newsingest.dedup.index import LshSettings
from newsingest.dedup.signatures import SignatureSettings, shingles, text_hash
from newsingest.evaluation import adjusted_rand_index, pairwise_scores
from newsingest.records import Article


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    text: str
    cluster: str
    variant: str
    published_at: datetime | None
    url: str | None


@dataclass(frozen=True, slots=True)
class Quality:
    name: str
    precision: float
    recall: float
    f1: float
    ari: float
    seconds: float
    recall_by_variant: dict[str, float]

    def row(self) -> str:
        return (f"| {self.name} | {self.precision:.3f} | {self.recall:.3f} | {self.f1:.3f} | {self.ari:.3f} "
                f"| {self.seconds:.2f} |")


def load(path: Path) -> list[Labelled]:
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        published = datetime.fromisoformat(raw["published_at"]) if raw.get("published_at") else None
        records.append(Labelled(str(raw["id"]), raw["text"], str(raw["cluster"]), raw.get("variant", ""),
                                published, raw.get("url")))
    return sorted(records, key=lambda r: (r.published_at or datetime.min, r.id))


def as_article(record: Labelled) -> Article:
    return Article(id=record.id, origin=record.id, raw_hash=record.id, url=None, canonical_url=None,
                   source=None, title=None, author=None, published_at=record.published_at, language=None,
                   text=record.text, text_hash=text_hash(record.text), word_count=len(record.text.split()),
                   extractor="labelled", extractor_version="0")


def newsingest_clusters(records: list[Labelled], settings: LshSettings) -> list[str]:
    decisions = dedup_batch([as_article(r) for r in records], Deduplicator(settings)).decisions
    return [d.cluster_id for d in decisions]


def baseline_clusters(records: list[Labelled]) -> list[str]:
    """Plain datasketch: per-shingle MinHash, LSH at 0.5, every candidate linked (union-find)."""
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    parent = {r.id: r.id for r in records}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for record in records:
        minhash = MinHash(num_perm=128)
        for shingle in shingles(record.text, 5):
            minhash.update(shingle)
        for candidate in lsh.query(minhash):
            parent[root(record.id)] = root(candidate)
        lsh.insert(record.id, minhash)
    return [root(r.id) for r in records]


def recall_by_variant(records: list[Labelled], predicted: list[str]) -> dict[str, float]:
    """For each kind of copy: the share of copies put in their original's cluster."""
    original_cluster = {r.cluster: p for r, p in zip(records, predicted) if r.variant == "original"}
    found, total = Counter(), Counter()
    for record, cluster in zip(records, predicted):
        if record.variant in ("", "original") or record.cluster not in original_cluster:
            continue
        total[record.variant] += 1
        found[record.variant] += cluster == original_cluster[record.cluster]
    return {variant: found[variant] / total[variant] for variant in sorted(total)}


def score(name: str, records: list[Labelled], predict) -> Quality:
    started = time.perf_counter()
    predicted = predict(records)
    seconds = time.perf_counter() - started
    truth = [r.cluster for r in records]
    pairs = pairwise_scores(truth, predicted)
    return Quality(name, pairs.precision, pairs.recall, pairs.f1, adjusted_rand_index(truth, predicted), seconds,
                   recall_by_variant(records, predicted))


def sweep(records: list[Labelled]) -> list[Quality]:
    results = []
    for shingle_size, num_perm, threshold in itertools.product((2, 3, 4, 5), (64, 128, 256),
                                                               (0.3, 0.4, 0.5, 0.6, 0.7)):
        settings = LshSettings(threshold=threshold, signature=SignatureSettings(shingle_size, num_perm))
        name = f"w{shingle_size} p{num_perm} t{threshold}"
        results.append(score(name, records, lambda rs, s=settings: newsingest_clusters(rs, s)))
    return sorted(results, key=lambda q: (-q.f1, q.name))


HEADER = "| method | precision | recall | F1 | ARI | seconds |\n|---|---:|---:|---:|---:|---:|"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, required=True, help="JSONL with id, text, cluster")
    parser.add_argument("--threshold", type=float, help="LSH/Jaccard threshold (default: the pipeline's)")
    parser.add_argument("--shingle-size", type=int, help="words per shingle (default: the pipeline's)")
    parser.add_argument("--num-perm", type=int, help="MinHash permutations (default: the pipeline's)")
    parser.add_argument("--sweep", action="store_true", help="also score a grid of settings")
    args = parser.parse_args()

    records = load(args.input)
    default = LshSettings()
    signature = SignatureSettings(args.shingle_size or default.signature.shingle_size,
                                  args.num_perm or default.signature.num_perm)
    settings = LshSettings(threshold=args.threshold or default.threshold, signature=signature)
    ours = score("newsingest", records, lambda rs: newsingest_clusters(rs, settings))
    baseline = score("baseline (MinHashLSH p128 t0.5 w5)", records, baseline_clusters)
    print(f"{len(records)} documents, {len({r.cluster for r in records})} clusters\n")
    print(HEADER)
    print(ours.row())
    print(baseline.row())
    print("\nRecall per kind of copy (share put with its original):\n")
    print("| variant | newsingest | baseline |\n|---|---:|---:|")
    for variant, value in ours.recall_by_variant.items():
        print(f"| {variant} | {value:.2f} | {baseline.recall_by_variant.get(variant, 0):.2f} |")
    if args.sweep:
        print("\nSettings sweep (best first):\n")
        print(HEADER)
        for quality in sweep(records)[:15]:
            print(quality.row())


if __name__ == "__main__":
    main()
