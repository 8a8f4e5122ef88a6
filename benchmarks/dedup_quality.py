"""Near-duplicate quality on a labelled set, newsingest against a plain datasketch baseline, in one run.

Input: JSON Lines `{"id", "text", "cluster"}` (optional `title`, `published_at`, `url`, `variant`).
Documents are decided in publication order, as they would arrive. Prints pairwise precision, recall, F1
and the Adjusted Rand Index of the predicted clusters against `cluster`, for:
  - newsingest's dedup (the settings the pipeline uses, or the ones given on the command line);
  - the baseline: plain MinHashLSH, 128 permutations, threshold 0.5, word 5-grams, connected components.

    python benchmarks/dedup_quality.py --input tests/fixtures/dedup/articles.jsonl
    python benchmarks/dedup_quality.py --input tests/fixtures/dedup/articles.jsonl --sweep

With --folds K the records are split into K folds by story (a story's copies and the negatives made from
it stay together); for each fold the settings of a small grid that score best on the other folds decide
the held-out fold, and the held-out decisions of all folds are scored together: the numbers to report
for settings chosen on this data (benchmarks/dedup_devset.py makes the development set).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from newsingest.dedup import dedup_batch
from newsingest.dedup.clusters import Deduplicator
from newsingest.dedup.index import LshSettings
from newsingest.dedup.signatures import SignatureSettings, TextSignature, compute_signatures, shingles
from newsingest.fingerprint import text_hash
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
    false_merges: dict[str, float]  # per kind of hard negative (`negative:<kind>`), and "all"

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


def newsingest_clusters(records: list[Labelled], settings: LshSettings,
                        signatures: list[TextSignature] | None = None) -> list[str]:
    decisions = dedup_batch([as_article(r) for r in records], Deduplicator(settings), signatures).decisions
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


def false_merges(records: list[Labelled], predicted: list[str]) -> dict[str, float]:
    """For each kind of hard negative: the share put in a predicted cluster with any other true cluster."""
    true_clusters: dict[str, set[str]] = {}
    for record, cluster in zip(records, predicted):
        true_clusters.setdefault(cluster, set()).add(record.cluster)
    merged, total = Counter(), Counter()
    for record, cluster in zip(records, predicted):
        if record.variant.startswith("negative:"):
            for kind in (record.variant.removeprefix("negative:"), "all"):
                total[kind] += 1
                merged[kind] += len(true_clusters[cluster]) > 1
    return {kind: merged[kind] / total[kind] for kind in sorted(total)}


def score(name: str, records: list[Labelled], predict) -> Quality:
    started = time.perf_counter()
    predicted = predict(records)
    seconds = time.perf_counter() - started
    truth = [r.cluster for r in records]
    pairs = pairwise_scores(truth, predicted)
    return Quality(name, pairs.precision, pairs.recall, pairs.f1, adjusted_rand_index(truth, predicted), seconds,
                   recall_by_variant(records, predicted), false_merges(records, predicted))


def sweep(records: list[Labelled]) -> list[Quality]:
    results = []
    for shingle_size, num_perm, threshold in itertools.product((2, 3, 4, 5), (64, 128, 256),
                                                               (0.3, 0.4, 0.5, 0.6, 0.7)):
        settings = LshSettings(threshold=threshold, signature=SignatureSettings(shingle_size, num_perm))
        name = f"w{shingle_size} p{num_perm} t{threshold}"
        results.append(score(name, records, lambda rs, s=settings: newsingest_clusters(rs, s)))
    return sorted(results, key=lambda q: (-q.f1, q.name))


# The settings tuned on folds: the character threshold and how many of the facts must agree.
FOLD_GRID = [{"char_threshold": c, "fact_agreement": f} for c in (0.4, 0.5, 0.6) for f in (0.34, 0.5, 0.67)]


def fold_of(record: Labelled, folds: int) -> int:
    story = record.cluster.split("#")[0]  # negatives made from a story are named after it (dedup_devset.py)
    return int(hashlib.sha1(story.encode()).hexdigest(), 16) % folds


def held_out(records: list[Labelled], folds: int, base: LshSettings) -> tuple[Quality, list[str]]:
    """Each fold decided with the grid settings best (F1) on the others; all held-out decisions scored."""
    signatures = compute_signatures([r.text for r in records], base.signature)
    in_fold = [[i for i, r in enumerate(records) if fold_of(r, folds) == k] for k in range(folds)]
    predicted: dict[int, str] = {}
    chosen = []
    for k in range(folds):
        train = sorted(i for j in range(folds) if j != k for i in in_fold[j])

        def f1(grid: dict, rows: list[int]) -> float:
            subset = [records[i] for i in rows]
            clusters = newsingest_clusters(subset, replace(base, **grid), [signatures[i] for i in rows])
            return pairwise_scores([r.cluster for r in subset], clusters).f1

        best = max(FOLD_GRID, key=lambda grid: (f1(grid, train), grid == FOLD_GRID[4]))
        chosen.append(f"fold {k}: " + ", ".join(f"{name} {value}" for name, value in best.items()))
        rows = in_fold[k]
        clusters = newsingest_clusters([records[i] for i in rows], replace(base, **best), [signatures[i] for i in rows])
        predicted.update(zip(rows, clusters))
    folded = score(f"newsingest, {folds} held-out folds", records, lambda rs: [predicted[i] for i in range(len(rs))])
    return folded, chosen


HEADER = "| method | precision | recall | F1 | ARI | seconds |\n|---|---:|---:|---:|---:|---:|"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, required=True, help="JSONL with id, text, cluster")
    parser.add_argument("--threshold", type=float, help="LSH/Jaccard threshold (default: the pipeline's)")
    parser.add_argument("--shingle-size", type=int, help="words per shingle (default: the pipeline's)")
    parser.add_argument("--num-perm", type=int, help="MinHash permutations (default: the pipeline's)")
    parser.add_argument("--max-key-rows", type=int, help="rows a band key finds at most, 0: all (default: the pipeline's)")
    parser.add_argument("--char-key-hits", type=int, help="character band keys a candidate must share (default: the pipeline's)")
    parser.add_argument("--sweep", action="store_true", help="also score a grid of settings")
    parser.add_argument("--folds", type=int, default=0, help="also tune on K-1 folds, score the held-out one")
    args = parser.parse_args()

    records = load(args.input)
    default = LshSettings()
    signature = SignatureSettings(args.shingle_size or default.signature.shingle_size,
                                  args.num_perm or default.signature.num_perm)
    settings = LshSettings(threshold=args.threshold or default.threshold, signature=signature)
    if args.max_key_rows is not None:
        settings = replace(settings, max_key_rows=args.max_key_rows or None)
    if args.char_key_hits:
        settings = replace(settings, char_key_hits=args.char_key_hits)
    results = [score("newsingest", records, lambda rs: newsingest_clusters(rs, settings))]
    if args.folds:
        folded, chosen = held_out(records, args.folds, settings)
        results.append(folded)
    baseline = score("baseline (MinHashLSH p128 t0.5 w5)", records, baseline_clusters)
    results.append(baseline)
    print(f"{len(records)} documents, {len({r.cluster for r in records})} clusters\n")
    print(HEADER)
    for result in results:
        print(result.row())
    if args.folds:
        print("\nChosen on the other folds: " + "; ".join(chosen))
    names = " | ".join(r.name for r in results)
    print("\nRecall per kind of copy (share put with its original):\n")
    print(f"| variant | {names} |\n|---|" + "---:|" * len(results))
    for variant in results[0].recall_by_variant:
        print(f"| {variant} | " + " | ".join(f"{r.recall_by_variant.get(variant, 0):.2f}" for r in results) + " |")
    if results[0].false_merges:
        print("\nFalse merges per kind of hard negative (share put with another story):\n")
        print(f"| negative | {names} |\n|---|" + "---:|" * len(results))
        for kind in results[0].false_merges:
            print(f"| {kind} | " + " | ".join(f"{r.false_merges.get(kind, 0):.3f}" for r in results) + " |")
    if args.sweep:
        print("\nSettings sweep (best first):\n")
        print(HEADER)
        for quality in sweep(records)[:15]:
            print(quality.row())


if __name__ == "__main__":
    main()
