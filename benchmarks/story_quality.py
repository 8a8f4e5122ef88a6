"""Story grouping quality on the labelled set, and its cost per 10k articles, in one script.

Input: JSON Lines `{"id", "story", "source", "url", "title", "published_at", "text"}` (the format of
tests/fixtures/stories/articles.jsonl). Articles go through the real dedup stage and then the stories
stage in publication order, as they would arrive, in batches of --batch-size. Prints pairwise precision,
recall and F1 and the Adjusted Rand Index of the predicted stories against `story`.

    python benchmarks/story_quality.py                            # the pipeline's settings
    python benchmarks/story_quality.py --sweep                    # thresholds x feature weightings
    python benchmarks/story_quality.py --orders 20                # also 20 random arrival orders
    python benchmarks/story_quality.py --cost 10000               # seconds per 10k articles (replicated set)
    python benchmarks/story_quality.py --corpus 100000 --max-candidates 150,50   # at firehose volume

The labelled set is small: its queries never reach the stage's caps (candidates, postings per day).
`--corpus N` scores the stage where they bind: N text documents of the benchmark corpus (benchmarks/corpus.py,
5,000 a day, names drawn from a small syllable set so they recur across unrelated stories), extracted by the
pipeline's own workers. Its truth comes from the generator: each original is an event of its own, and its
copies report it too.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsingest.article_features import ArticleFeatures, FeatureMaker
from newsingest.dedup import dedup_batch
from newsingest.dedup.clusters import Deduplicator
from newsingest.fingerprint import text_hash
from newsingest import warehouse as warehouse_module
from newsingest.evaluation import adjusted_rand_index, pairwise_scores
from newsingest.extract.workers import ExtractWorkers
from newsingest.pipeline import IngestRun, PipelineSettings, batches, run_batches
from newsingest.sources.registry import open_sources
from newsingest.records import Article, DedupDecision, DedupStatus
from newsingest.stories import StoryIndex, StorySettings, assign_stories
from newsingest.stories.features import FeatureSettings
from newsingest.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

LABELLED = ROOT / "tests" / "fixtures" / "stories" / "articles.jsonl"
NON_ENGLISH_SOURCES = {"diariodelsur.example", "echo-oceanindien.example"}


@dataclass(frozen=True, slots=True)
class Labelled:
    article: Article
    story: str


def load(path: Path, english_only: bool = False) -> list[Labelled]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if english_only and record["source"] in NON_ENGLISH_SOURCES:
            continue
        text = record["text"]
        article = Article(
            id=record["id"], origin=record["url"], raw_hash=record["id"], url=record["url"],
            canonical_url=record["url"], source=record["source"], title=record["title"], author=None,
            published_at=datetime.fromisoformat(record["published_at"].replace("Z", "+00:00")),
            language=None, text=text, text_hash=text_hash(text), word_count=len(text.split()),
            extractor="fixture", extractor_version="0")
        found.append(Labelled(article, record["story"]))
    return found


def assign(articles: list[Article], settings: StorySettings, batch_size: int,
           features: list[ArticleFeatures] | None = None) -> tuple[list[str], float]:
    """Story ids for the articles, decided in the given order, batch by batch like the pipeline (from the
    features the extraction workers made, when given), and the CPU seconds the stories stage took."""
    deduplicator, index = Deduplicator(), StoryIndex(settings)
    now = datetime.now(UTC)
    story_of, seconds = {}, 0.0
    for start in range(0, len(articles), batch_size):
        batch = articles[start:start + batch_size]
        made = features[start:start + batch_size] if features else None
        dedup = dedup_batch(batch, deduplicator, [f.signature for f in made] if made else None)
        started = time.process_time()
        decided = assign_stories(batch, dedup.decisions, index, now, [f.terms for f in made] if made else None)
        seconds += time.process_time() - started
        story_of.update((d.article_id, d.story_id) for d in decided.decisions)
    return [story_of[article.id] for article in articles], seconds


def score(items: list[Labelled], settings: StorySettings, batch_size: int) -> tuple:
    predicted, _ = assign([item.article for item in items], settings, batch_size)
    truth = [item.story for item in items]
    return pairwise_scores(truth, predicted), adjusted_rand_index(truth, predicted)


def report(label: str, items: list[Labelled], settings: StorySettings, batch_size: int) -> None:
    pairs, ari = score(items, settings, batch_size)
    print(f"{label:<44} P {pairs.precision:.3f}  R {pairs.recall:.3f}  F1 {pairs.f1:.3f}  ARI {ari:.3f}  "
          f"(pairs: {pairs.correct_pairs} right of {pairs.predicted_pairs} predicted, {pairs.true_pairs} true)")


def sweep(items: list[Labelled], base: StorySettings, batch_size: int) -> None:
    print("threshold title lead entity:  P     R     F1")
    for title, lead, entity in itertools.product((1.0, 2.0, 3.0), (1.0, 2.0), (1.0, 2.0, 3.0)):
        features = FeatureSettings(title_weight=title, lead_weight=lead, entity_boost=entity)
        row = []
        for threshold in (0.15, 0.2, 0.25, 0.3, 0.35):
            pairs, _ = score(items, replace(base, threshold=threshold, features=features), batch_size)
            row.append(f"{threshold:.2f}:{pairs.precision:.2f}/{pairs.recall:.2f}/{pairs.f1:.3f}")
        print(f"t{title:g} l{lead:g} e{entity:g}  " + "  ".join(row))


def arrival_orders(items: list[Labelled], settings: StorySettings, batch_size: int, orders: int) -> None:
    """Arrival order is not publication order in practice (backfills, late feeds): F1 over shuffles."""
    rng = random.Random(7)
    f1s = []
    for _ in range(orders):
        shuffled = items[:]
        rng.shuffle(shuffled)
        f1s.append(score(shuffled, settings, batch_size)[0].f1)
    print(f"{orders} random arrival orders: F1 min {min(f1s):.3f}, median {statistics.median(f1s):.3f}, "
          f"max {max(f1s):.3f}")


CAPITALISED = re.compile(r"\b([A-Z][\w'’-]*)")


def replicated(items: list[Labelled], size: int, per_day: int) -> list[Article]:
    """`size` articles at about `per_day` a day: copies of the labelled set, each with its names renamed
    (every capitalised word gets a suffix of its own copy, so each copy reports other events with the
    same common vocabulary) and moved by a random offset, in publication order."""
    rng = random.Random(3)
    span_days = max(1.0, size / per_day - 20)  # the labelled set itself spans 20 days
    found = []
    for copy in itertools.count():
        suffix = "".join(chr(ord("a") + int(d)) for d in str(copy))
        offset = timedelta(days=rng.uniform(0, span_days))
        for item in items:
            if len(found) == size:
                return sorted(found, key=lambda a: a.published_at)
            a = item.article
            text = CAPITALISED.sub(rf"\1{suffix}", a.text)
            url = f"{a.url}?copy={copy}"
            found.append(replace(a, id=f"{a.id}-{copy}", url=url, canonical_url=url, text=text,
                                 title=CAPITALISED.sub(rf"\1{suffix}", a.title), text_hash=text_hash(text),
                                 published_at=a.published_at + offset))


def cost(items: list[Labelled], settings: StorySettings, batch_size: int, size: int, per_day: int) -> None:
    """Seconds the stories stage takes (features, candidates, assignment; no database) per 10k articles.
    Every article is given as dedup-new, so each goes through the content comparison."""
    corpus = replicated(items, size, per_day)
    index = StoryIndex(settings)
    now = datetime.now(UTC)
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(corpus), batch_size):
        articles = corpus[start:start + batch_size]
        new = [DedupDecision(a.id, DedupStatus.NEW, cluster_id=a.id) for a in articles]
        assign_stories(articles, new, index, now)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    per_10k = 10_000 / len(corpus)
    print(f"stories stage, {len(corpus)} articles at {per_day}/day: {elapsed * per_10k:.1f} s per 10k articles "
          f"(CPU {cpu * per_10k:.1f} s; {len(corpus) / elapsed:.0f} articles/s)")


def pipeline_cost(items: list[Labelled], size: int, per_day: int, batch_size: int) -> None:
    """The same corpus through IngestRun into a fresh DuckDB file: the stories step (with its lazy reads
    of earlier days) and the stories' share of landing (ids, term weights, IDF counts), per 10k articles."""
    corpus = replicated(items, size, per_day)
    landing_s = 0.0
    land_stories = warehouse_module._land_stories

    def timed_land_stories(con, stories):
        nonlocal landing_s
        started = time.perf_counter()
        land_stories(con, stories)
        landing_s += time.perf_counter() - started

    warehouse_module._land_stories = timed_land_stories
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        path.write_text("\n".join(json.dumps({"url": a.url, "title": a.title, "text": a.text,
                                               "published_at": f"{a.published_at:%Y-%m-%d %H:%M:%S}Z"})
                                   for a in corpus), encoding="utf-8")
        settings = PipelineSettings(batch_size=batch_size)
        sources = open_sources([str(path)])
        stories_s = total_s = 0.0
        started = time.perf_counter()
        with IngestRun(Warehouse(Path(folder) / "news.duckdb"), settings) as run:
            assign = run.stories

            def timed_stories(*args, **kwargs):
                nonlocal stories_s
                middle = time.perf_counter()
                try:
                    return assign(*args, **kwargs)
                finally:
                    stories_s += time.perf_counter() - middle

            run.stories = timed_stories
            for _ in run_batches(run, batches(sources.items(), batch_size, progress=sources.progress)):
                pass
        total_s = time.perf_counter() - started
    warehouse_module._land_stories = land_stories
    per_10k = 10_000 / len(corpus)
    print(f"pipeline, {len(corpus)} articles at {per_day}/day: whole run {total_s:.1f} s; stories step "
          f"{stories_s:.1f} s + landing stories {landing_s:.1f} s = {(stories_s + landing_s) * per_10k:.1f} s per 10k "
          f"({100 * (stories_s + landing_s) / total_s:.0f}% of the run)")


def corpus_articles(size: int, batch_size: int) -> tuple[list[Article], list[ArticleFeatures], list[int]]:
    """The text benchmark corpus through the pipeline's extraction workers (2, with the features they
    compute for dedup and stories), in arrival order, and each article's story label."""
    folder = corpus.generate(ROOT / "benchmarks" / "corpus", size, "text")
    labels = corpus.story_labels(size, "text")
    settings = PipelineSettings()
    articles, features = [], []
    maker = FeatureMaker(settings.lsh.signature, settings.stories.features)
    with ExtractWorkers(2, settings.extract, settings.limits, annotate=maker) as workers:
        for batch in batches(open_sources([str(folder)]).items(), batch_size):
            for outcome, made, _ in workers.extract_annotated(batch.items):
                if isinstance(outcome, Article):
                    articles.append(outcome)
                    features.append(made)
    return articles, features, [labels[article.url] for article in articles]


def corpus_quality(articles: list[Article], features: list[ArticleFeatures], labels: list[int],
                   settings: StorySettings, batch_size: int) -> None:
    """Dedup and stories over the corpus articles as a run decides them; scored against the labels."""
    predicted, seconds = assign(articles, settings, batch_size, features)
    pairs = pairwise_scores(labels, predicted)
    print(f"max_candidates {settings.max_candidates:>4}, postings_per_day {settings.postings_per_day:>4}: "
          f"P {pairs.precision:.4f}  R {pairs.recall:.4f}  F1 {pairs.f1:.4f} ({pairs.correct_pairs} right of "
          f"{pairs.predicted_pairs} predicted, {pairs.true_pairs} true); stories stage CPU "
          f"{seconds * 10_000 / len(articles):.1f} s per 10k articles")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, default=LABELLED)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--threshold", type=float, default=StorySettings().threshold)
    parser.add_argument("--prior-documents", type=int, default=StorySettings().prior_documents)
    parser.add_argument("--candidate-terms", type=int, default=StorySettings().candidate_terms)
    parser.add_argument("--window-days", type=float, default=StorySettings().window_days)
    parser.add_argument("--sweep", action="store_true", help="thresholds x feature weightings")
    parser.add_argument("--orders", type=int, default=0, help="also score this many random arrival orders")
    parser.add_argument("--cost", type=int, default=0, help="time the stage on this many replicated articles")
    parser.add_argument("--per-day", type=int, default=1000, help="news volume of the --cost corpus")
    parser.add_argument("--pipeline", action="store_true", help="with --cost: also through IngestRun and DuckDB")
    parser.add_argument("--corpus", type=int, default=0,
                        help="score on this many documents of the text benchmark corpus instead")
    parser.add_argument("--max-candidates", default=str(StorySettings().max_candidates),
                        help="with --corpus: comma-separated values to compare")
    parser.add_argument("--postings-per-day", default=str(StorySettings().postings_per_day),
                        help="with --corpus: comma-separated values to compare")
    args = parser.parse_args()
    settings = StorySettings(window_days=args.window_days, threshold=args.threshold,
                             prior_documents=args.prior_documents, candidate_terms=args.candidate_terms)
    if args.corpus:
        found = corpus_articles(args.corpus, args.batch_size)
        for cap, postings in itertools.product(args.max_candidates.split(","), args.postings_per_day.split(",")):
            corpus_quality(*found, replace(settings, max_candidates=int(cap), postings_per_day=int(postings)),
                           args.batch_size)
        return
    items = load(args.input)
    english = load(args.input, english_only=True)
    if args.sweep:
        sweep(items, settings, args.batch_size)
        return
    report(f"{len(items)} articles, publication order", items, settings, args.batch_size)
    report(f"{len(english)} English articles", english, settings, args.batch_size)
    report("one article per batch", items, settings, 1)
    if args.orders:
        arrival_orders(items, settings, args.batch_size, args.orders)
    if args.cost:
        cost(items, settings, args.batch_size, args.cost, args.per_day)
    if args.cost and args.pipeline:
        pipeline_cost(items, args.cost, args.per_day, args.batch_size)


if __name__ == "__main__":
    main()
