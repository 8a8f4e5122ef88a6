"""One ingest run, batch by batch: sources -> unseen filter -> extract -> dedup -> stories -> reuse -> land.

The CLI drives `IngestRun.process` in a loop; the Prefect flow calls the same stage methods as tasks.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from newsingest.dedup import DedupResult, RememberedDays, dedup_batch, new_deduplicator, restore, signature_scheme
from newsingest.dedup.clusters import Deduplicator, day_of
from newsingest.defaults import DEFAULT_BATCH_SIZE
from newsingest.dedup.index import LshSettings
from newsingest.article_features import ArticleFeatures, FeatureMaker
from newsingest.dedup.signatures import TextSignature
from newsingest.extract import ExtractSettings, extract_document
from newsingest.extract.boilerplate import BoilerplateSettings, lines_to_learn
from newsingest.extract.workers import Annotated, ExtractLimits, ExtractWorkers
from newsingest.records import Article, DedupStatus, Derivation, RawDocument, Rejection, document_id
from newsingest.reuse import ReuseIndex, ReuseResult, ReuseSettings, assign_reuse
from newsingest.sources.files import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, SourceItem, read_files, scan_paths
from newsingest.sources.web import WebCrawl, is_web_input
from newsingest.sources.warc import (WARC_SUFFIX, WarcBatchProgress, WarcFileEnd, WarcOptions, WarcStateLookup,
                                     batch_progress, is_warc, read_warcs)
from newsingest.stories import (CorpusStatistics, StoryIndex, StoryResult, StorySettings, TermWeights,
                                assign_stories, feature_scheme, missing_state, restore_state)
from newsingest.warehouse import LandingBatch, Warehouse


# Input bytes per batch (DEFAULT_BATCH_SIZE documents at most): a batch is also cut when its documents'
# bodies reach this, so a batch of large documents lands under the landing connection's 256 MB memory_limit
# (warehouse/sql/landing_settings.sql): 30 JSONL articles of ~9 MB in one batch ran out of memory there on
# every try. See README "Failure handling".
DEFAULT_BATCH_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    batch_size: int = DEFAULT_BATCH_SIZE
    batch_bytes: int = DEFAULT_BATCH_BYTES
    workers: int = 1  # extraction processes (always at least one: a document never runs in the caller)
    window_days: int | None = 30  # dedup links articles dated (else ingested) at most this many days apart
    max_bytes: int = DEFAULT_MAX_BYTES
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    boilerplate: BoilerplateSettings = field(default_factory=BoilerplateSettings)  # per-source learned lines
    limits: ExtractLimits = field(default_factory=ExtractLimits)  # per-document time and memory
    lsh: LshSettings = field(default_factory=LshSettings)
    redis: str | None = None  # redis://host:port/db: a dedup index shared by every run using it (scale out)
    stories: StorySettings = field(default_factory=StorySettings)
    reuse: ReuseSettings = field(default_factory=ReuseSettings)


@dataclass(slots=True)
class RunSummary:
    run_id: str
    inputs: list[str]
    documents_seen: int = 0
    already_seen: int = 0
    new: int = 0
    url_duplicates: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    derived_wholly: int = 0  # articles taking text from earlier articles (text_reuse)
    derived_partially: int = 0
    rejected: int = 0
    rejections_by_reason: Counter[str] = field(default_factory=Counter)
    # Inputs rejected by an earlier run and rejected again now (not stored twice, but reported: a rerun
    # must not call a broken file "already seen").
    still_failing: Counter[str] = field(default_factory=Counter)
    articles_by_source: Counter[str] = field(default_factory=Counter)
    skipped_files: list[str] = field(default_factory=list)
    skipped_records: Counter[str] = field(default_factory=Counter)  # WARC records that are not documents
    warc_files: Counter[str] = field(default_factory=Counter)  # read, resumed, already_ingested
    duration_s: float = 0.0
    status: str = "running"

    @property
    def duplicates(self) -> int:
        return self.url_duplicates + self.exact_duplicates + self.near_duplicates

    @property
    def ingested(self) -> int:
        return self.new + self.duplicates

    @property
    def failed(self) -> bool:
        """No input landed, in this run or an earlier one, and some failed: the CLI exits 1, a flow run ends
        Failed. (A rerun of landed inputs beside a broken one is not a failed run: it reports the broken one
        as still failing.)"""
        return self.ingested == 0 and self.already_seen == 0 and bool(self.rejected or self.still_failing)

    def counts(self) -> dict[str, int]:
        """The counters stored in the runs table."""
        return {"documents_seen": self.documents_seen, "already_seen": self.already_seen,
                "articles_new": self.new, "url_duplicates": self.url_duplicates,
                "exact_duplicates": self.exact_duplicates, "near_duplicates": self.near_duplicates,
                "rejected": self.rejected}

    def to_markdown(self) -> str:
        rate = self.documents_seen / self.duration_s if self.duration_s else 0.0
        lines = [
            f"# Ingest run `{self.run_id}`: {self.status}",
            "",
            "| documents | already seen | new | URL dup. | exact dup. | near dup. | rejected | seconds | docs/s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {self.documents_seen} | {self.already_seen} | {self.new} | {self.url_duplicates} | "
            f"{self.exact_duplicates} | {self.near_duplicates} | {self.rejected} | {self.duration_s:.1f} | "
            f"{rate:.1f} |",
        ]
        if self.derived_wholly or self.derived_partially:
            lines += ["", f"Derived from earlier articles (`text_reuse`): {self.derived_wholly} wholly, "
                          f"{self.derived_partially} partially."]
        if self.rejections_by_reason:
            lines += ["", "## Rejected, by reason", "", "| reason | count |", "|---|---:|"]
            lines += [f"| {reason} | {n} |" for reason, n in self.rejections_by_reason.most_common()]
        if self.still_failing:
            lines += ["", "## Still failing (rejected by an earlier run too), by reason", "", "| reason | count |",
                      "|---|---:|"]
            lines += [f"| {reason} | {n} |" for reason, n in self.still_failing.most_common()]
        if self.articles_by_source:
            lines += ["", "## Ingested, by source", "", "| source | articles |", "|---|---:|"]
            lines += [f"| {source} | {n} |" for source, n in self.articles_by_source.most_common(20)]
        if self.warc_files:
            lines += ["", "## WARC files", "", "| files | count |", "|---|---:|"]
            lines += [f"| {how} | {n} |" for how, n in self.warc_files.most_common()]
        if self.skipped_records:
            lines += ["", "## WARC records passed over (not documents, or filtered)", "", "| reason | records |",
                      "|---|---:|"]
            lines += [f"| {reason} | {n} |" for reason, n in self.skipped_records.most_common()]
        if self.skipped_files:
            lines += ["", f"{len(self.skipped_files)} files in the given folders were not news files "
                          f"(unsupported extension) and were passed over, e.g. `{self.skipped_files[0]}`."]
        return "\n".join(lines)


@dataclass(slots=True)
class ExtractResult:
    articles: list[Article]
    rejections: list[Rejection]
    features: list[ArticleFeatures] | None = None  # per article, when computed beside the extraction

    @property
    def signatures(self) -> list[TextSignature] | None:
        return None if self.features is None else [f.signature for f in self.features]

    @property
    def terms(self) -> list[TermWeights] | None:
        return None if self.features is None else [f.terms for f in self.features]

    @classmethod
    def from_annotated(cls, annotated: list[Annotated], with_features: bool = True) -> ExtractResult:
        """From each document's outcome and features (extract.workers: None for rejections)."""
        articles = [(outcome, features) for outcome, features in annotated if isinstance(outcome, Article)]
        return cls(articles=[article for article, _ in articles],
                   rejections=[outcome for outcome, _ in annotated if isinstance(outcome, Rejection)],
                   features=[features for _, features in articles] if with_features else None)


def iter_source_items(inputs: list[str], max_bytes: int = DEFAULT_MAX_BYTES, warc: WarcOptions | None = None,
                      warc_state: WarcStateLookup | None = None, web: WebCrawl | None = None
                      ) -> tuple[Iterator[SourceItem | WarcFileEnd], list[str]]:
    """Documents (or source rejections) for paths and URLs, and the directory entries passed over.

    WARC files come last, each followed by its WarcFileEnd; `warc_state` (Warehouse.warc_progress) lets
    them resume or be skipped as already ingested. URLs and sources files are fetched by `web` (pass one
    with a FetchState for conditional GETs and no refetching; by default a stateless crawl).
    """
    web = web or WebCrawl.from_inputs(inputs)
    paths = [Path(i) for i in inputs if not is_web_input(i)]
    missing = [p for p in paths if not p.exists()]
    scan = scan_paths([p for p in paths if p.exists()], SUPPORTED_SUFFIXES | {WARC_SUFFIX})
    warcs = [p for p in scan.files if is_warc(p)]
    warc = warc or WarcOptions(max_bytes=max_bytes)
    not_found = [Rejection(doc_id=document_id(f"input:{p}", b""), origin=str(p), stage="source",
                           reason="not_found", message=f"no such file or directory: {p}") for p in missing]
    items = itertools.chain(not_found, web.items(), read_files([p for p in scan.files if not is_warc(p)], max_bytes),
                            read_warcs(warcs, warc, warc_state))
    return items, [str(p) for p in scan.skipped]


def batches(items: Iterable[SourceItem], size: int, max_bytes: int = DEFAULT_BATCH_BYTES,
            stop: threading.Event | None = None) -> Iterator[list[SourceItem]]:
    """Batches of at most `size` items and (but for a single document) `max_bytes` of bodies. Once `stop`
    is set, the batch in hand is the last one and the sources are closed (their fetches end)."""
    iterator = iter(items)
    batch: list[SourceItem] = []
    held = 0
    try:
        for item in iterator:
            item = _landable(item, max_bytes)
            item_bytes = len(item.body) if isinstance(item, RawDocument) else 0
            if batch and (len(batch) >= size or held + item_bytes > max_bytes):
                yield batch
                batch, held = [], 0
            batch.append(item)
            held += item_bytes
            if stop is not None and stop.is_set():
                break
        if batch:
            yield batch
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def _landable(item: SourceItem, max_bytes: int) -> SourceItem:
    """A document larger than a whole batch may hold cannot land: it is rejected, with its size."""
    if not isinstance(item, RawDocument) or len(item.body) <= max_bytes:
        return item
    return Rejection(doc_id=item.doc_id, origin=item.origin, stage="source", reason="too_large",
                     message=f"{len(item.body):,} bytes, more than the {max_bytes:,} bytes a batch may land")


def extract_batch(raws: list[RawDocument], settings: ExtractSettings,
                  workers: ExtractWorkers | None = None) -> ExtractResult:
    """Extract every document: in guarded worker processes when given (as in every run, and with the
    articles' features when the workers make them), else here."""
    if workers is None:
        outcomes = [extract_document(raw, settings) for raw in raws]
        return ExtractResult(articles=[o for o in outcomes if isinstance(o, Article)],
                             rejections=[o for o in outcomes if isinstance(o, Rejection)])
    return ExtractResult.from_annotated(workers.extract_annotated(raws), with_features=workers.annotate is not None)


class IngestRun:
    """One run against one warehouse: holds the writer lock and the dedup memory for its duration."""

    def __init__(self, warehouse: Warehouse, settings: PipelineSettings = PipelineSettings(),
                 trigger: str = "cli", run_id: str | None = None, inputs: Iterable[str] = (),
                 stop: threading.Event | None = None):
        self.warehouse = warehouse
        self.settings = settings
        self.trigger = trigger
        # The whole UUID: runs started in the same instant (a scheduler's) must not share an id.
        self.summary = RunSummary(run_id=run_id or uuid.uuid4().hex, inputs=list(inputs))
        self.stop = stop  # set when the run was asked to stop early (StopOnSignal): it ends `interrupted`
        self.deduplicator: Deduplicator | None = None
        self.remembered = RememberedDays(settings.window_days)
        self.story_index: StoryIndex | None = None
        self.reuse_index = ReuseIndex(settings.reuse)
        self.executor: ExtractWorkers | None = None
        self._ids_this_run: set[str] = set()
        # WARC progress of each batch between unseen() and land(), oldest first: it must land in the batch's
        # transaction, and the next batch may be filtered (and extracted) before this one lands.
        self._warc: deque[WarcBatchProgress] = deque()
        self._started = 0.0
        self._lock = None
        self._extracting = threading.Lock()

    @property
    def scheme(self) -> str:
        return signature_scheme(self.settings.lsh)

    @property
    def story_scheme(self) -> str:
        return feature_scheme(self.settings.stories.features)

    @property
    def feature_maker(self) -> FeatureMaker:
        """What the extraction workers compute for dedup and stories, with this run's settings."""
        return FeatureMaker(self.settings.lsh.signature, self.settings.stories.features)

    def __enter__(self) -> IngestRun:
        self._started = time.monotonic()
        self._lock = self.warehouse.writer_lock()
        self._lock.__enter__()
        try:
            self.warehouse.migrate()
            # Decide new articles the way the stored ones were decided (see `newsingest rededup`).
            if stored := self.warehouse.dedup_settings():
                self.settings = replace(self.settings, lsh=stored)
            # Lines each source repeats, learned from earlier runs; this run's articles count toward the next.
            learned = self.warehouse.source_boilerplate(self.settings.boilerplate)
            self.settings = replace(self.settings, extract=replace(self.settings.extract, source_boilerplate=learned))
            lsh = replace(self.settings.lsh, window_days=self.settings.window_days)
            self.settings = replace(self.settings, lsh=lsh)
            # Earlier runs' articles are restored batch by batch, as the batches' dates need them.
            self.deduplicator = new_deduplicator(self.settings.lsh, self.settings.redis)
            self.remembered = RememberedDays(self.settings.window_days)
            # Only the IDF statistics here: stories of earlier runs are read by day as batches need them.
            documents, frequencies = self.warehouse.story_statistics(self.story_scheme)
            self.story_index = StoryIndex(self.settings.stories, CorpusStatistics(
                documents, frequencies, prior_documents=self.settings.stories.prior_documents))
            self.warehouse.start_run(self.summary.run_id, self.trigger, self.summary.inputs)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        # Even one worker is a child process: only there can a stuck or bloated document be stopped.
        self.executor = ExtractWorkers(self.settings.workers, self.settings.extract, self.settings.limits,
                                       annotate=self.feature_maker)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.executor is not None:
                self.executor.close()
            self.summary.status = self._final_status(exc_type)
            self.summary.duration_s = time.monotonic() - self._started
            self.warehouse.finish_run(self.summary.run_id, self.summary.status, self.summary.counts(),
                                      self.summary.duration_s)
        finally:
            self._lock.__exit__(exc_type, exc, tb)

    def _final_status(self, exc_type: type[BaseException] | None) -> str:
        if exc_type is KeyboardInterrupt or (self.stop is not None and self.stop.is_set()):
            return "interrupted"
        return "completed" if exc_type is None else "failed"

    def unseen(self, items: list[SourceItem | WarcFileEnd]) -> tuple[list[RawDocument], list[Rejection]]:
        """Drop inputs already landed (this run or earlier): reruns add nothing."""
        items, warc = batch_progress(items)
        self._warc.append(warc)
        ids = [item.doc_id for item in items]
        seen = self.warehouse.seen_ids(ids) | (self._ids_this_run & set(ids))
        raws, rejections = [], []
        for item in items:
            if item.doc_id in seen:
                if isinstance(item, Rejection) and item.doc_id not in self._ids_this_run:
                    self.summary.still_failing[item.reason] += 1
                else:
                    self.summary.already_seen += 1
                continue
            seen.add(item.doc_id)
            self._ids_this_run.add(item.doc_id)
            (raws if isinstance(item, RawDocument) else rejections).append(item)
        self.summary.documents_seen += len(items)
        return raws, rejections

    def extract(self, raws: list[RawDocument]) -> ExtractResult:
        # Callers extract the next batch in another thread while this one lands; the workers take one batch
        # at a time.
        with self._extracting:
            return extract_batch(raws, self.settings.extract, self.executor)

    def decide_afresh(self) -> None:
        """Make every decision again from the first input on (reprocess): restore nothing stored, or each
        article would meet its own earlier row."""
        self.deduplicator = Deduplicator(self.settings.lsh)
        self.remembered = RememberedDays(None, everything=True)

    def dedup(self, articles: list[Article], signatures: list[TextSignature] | None = None) -> DedupResult:
        assert self.deduplicator is not None, "use IngestRun as a context manager"
        for days in self.remembered.missing([day_of(a.published_at) for a in articles]):
            restore(self.deduplicator, self.warehouse.dedup_state(self.scheme, days))
        return dedup_batch(articles, self.deduplicator, signatures)

    def stories(self, articles: list[Article], dedup: DedupResult,
                terms: list[TermWeights] | None = None) -> StoryResult:
        assert self.story_index is not None, "use IngestRun as a context manager"
        now = datetime.now(UTC)  # stands in for a missing publication date, as ingested_at will
        needed = missing_state(articles, dedup.decisions, self.story_index, now)
        if needed:
            restore_state(self.story_index, needed, self.warehouse.story_members(self.story_scheme, needed.days),
                          self.warehouse.story_of_articles(needed.originals) if needed.originals else {})
        return assign_stories(articles, dedup.decisions, self.story_index, now, terms)

    def reuse(self, articles: list[Article], dedup: DedupResult) -> ReuseResult:
        now = datetime.now(UTC)  # stands in for a missing publication date, as ingested_at will
        if needed := self.reuse_index.missing_days(a.published_at or now for a in articles):
            self.reuse_index.load(needed, self.warehouse.reuse_sources(needed))
        return assign_reuse(articles, dedup.decisions, self.reuse_index, now)

    def land(self, raws: list[RawDocument], articles: list[Article], dedup: DedupResult,
             rejections: list[Rejection], replaces: Iterable[str] = (), stories: StoryResult | None = None,
             reuse: ReuseResult | None = None) -> None:
        """Land one batch (batches land in the order unseen() saw them); callers that skip the stories or
        reuse step get it here, so every article has a story and its sources."""
        if stories is None:
            stories = self.stories(articles, dedup)
        if reuse is None:
            reuse = self.reuse(articles, dedup)
        warc = self._warc.popleft() if self._warc else WarcBatchProgress()
        self.warehouse.land(LandingBatch(
            run_id=self.summary.run_id,
            articles=list(zip(articles, dedup.decisions, dedup.signatures, strict=True)),
            rejections=rejections,
            raw_documents=raws,
            warc_progress=warc.progress,
            replaces=list(replaces),
            stories=stories,
            reuse=reuse.rows,
            source_lines=lines_to_learn(articles, dedup.decisions),
        ), self.scheme)
        self._count(articles, dedup, rejections)
        self.summary.derived_wholly += reuse.derived(Derivation.WHOLLY)
        self.summary.derived_partially += reuse.derived(Derivation.PARTIALLY)
        for end in warc.ends:
            self.summary.warc_files[end.how] += 1
            self.summary.skipped_records.update(end.skipped)

    def _count(self, articles: list[Article], dedup: DedupResult, rejections: list[Rejection]) -> None:
        summary = self.summary
        for article, decision in zip(articles, dedup.decisions, strict=True):
            summary.articles_by_source[article.source or "(unknown)"] += 1
            match decision.status:
                case DedupStatus.NEW:
                    summary.new += 1
                case DedupStatus.URL_DUPLICATE:
                    summary.url_duplicates += 1
                case DedupStatus.EXACT_DUPLICATE:
                    summary.exact_duplicates += 1
                case DedupStatus.NEAR_DUPLICATE:
                    summary.near_duplicates += 1
        summary.rejected += len(rejections)
        summary.rejections_by_reason.update(r.reason for r in rejections)

    def process(self, items: list[SourceItem]) -> None:
        """All stages for one batch of source items."""
        raws, rejections = self.unseen(items)
        self._decide_and_land(raws, rejections, self.extract(raws))

    def process_all(self, item_batches: Iterable[list[SourceItem]]) -> Iterator[None]:
        """All stages for every batch, yielding after each one landed. The workers extract the next batch
        while this process deduplicates and lands the current one, so they never wait for the warehouse
        (one batch at a time left them idle ~30% of the run, benchmarks/run.py)."""
        background = ThreadPoolExecutor(1, thread_name_prefix="newsingest-extract")
        ahead: deque[tuple[list[RawDocument], list[Rejection], Future[ExtractResult]]] = deque()
        try:
            for items in item_batches:
                raws, rejections = self.unseen(items)
                ahead.append((raws, rejections, background.submit(self.extract, raws)))
                if len(ahead) > 1:
                    yield self._land_extracted(*ahead.popleft())
            while ahead:
                yield self._land_extracted(*ahead.popleft())
        finally:
            background.shutdown(cancel_futures=True)

    def _land_extracted(self, raws: list[RawDocument], rejections: list[Rejection],
                        extraction: Future[ExtractResult]) -> None:
        self._decide_and_land(raws, rejections, extraction.result())

    def _decide_and_land(self, raws: list[RawDocument], rejections: list[Rejection], extracted: ExtractResult) -> None:
        dedup = self.dedup(extracted.articles, extracted.signatures)
        stories = self.stories(extracted.articles, dedup, extracted.terms)
        reuse = self.reuse(extracted.articles, dedup)
        self.land(raws, extracted.articles, dedup, rejections + extracted.rejections, stories=stories, reuse=reuse)
