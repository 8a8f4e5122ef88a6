"""One ingest run, batch by batch: sources -> unseen filter -> extract -> dedup -> stories -> reuse -> land.

`run_batches` is the one loop every entry point runs (the CLI, the ingest, feeds, backfill and reprocess
flows); the flows plug Prefect in through a `Stages` object that runs each stage as a task.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import compress
from typing import Generic, NamedTuple, TypeVar

from newsingest.dedup import DedupResult, RememberedDays, dedup_batch, new_deduplicator, restore, signature_scheme
from newsingest.dedup.clusters import Deduplicator, day_of
from newsingest import worker_server
from newsingest.defaults import DEFAULT_BATCH_SIZE
from newsingest.dedup.index import LshSettings
from newsingest.article_features import ArticleFeatures, FeatureMaker
from newsingest.dedup.signatures import TextSignature
from newsingest.extract import ExtractSettings
from newsingest.extract.boilerplate import BoilerplateSettings, lines_to_learn
from newsingest.extract.workers import Annotated, ExtractLimits, ExtractWorkers
from newsingest.records import ArchivedRaw, Article, DedupStatus, Derivation, RawDocument, Rejection
from newsingest.reuse import ReuseIndex, ReuseResult, ReuseSettings, assign_reuse
from newsingest.health import SourceTally
from newsingest.memory import release_free_memory
from newsingest.sources.base import SourceItem, SourceProgress
from newsingest.sources.files import DEFAULT_MAX_BYTES
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
    deferred: int = 0  # articles a run's `keep` left for another run (the backfill's date range)
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
    archived: list[ArchivedRaw] = field(default_factory=list)  # every input, when the extraction archived them

    @property
    def signatures(self) -> list[TextSignature] | None:
        return None if self.features is None else [f.signature for f in self.features]

    @property
    def terms(self) -> list[TermWeights] | None:
        return None if self.features is None else [f.terms for f in self.features]

    @classmethod
    def from_annotated(cls, annotated: list[Annotated], with_features: bool = True) -> ExtractResult:
        """From each document's outcome, features (None for rejections) and archived bytes (extract.workers)."""
        articles = [(a.outcome, a.features) for a in annotated if isinstance(a.outcome, Article)]
        return cls(articles=[article for article, _ in articles],
                   rejections=[a.outcome for a in annotated if isinstance(a.outcome, Rejection)],
                   features=[features for _, features in articles] if with_features else None,
                   archived=[a.archived for a in annotated if a.archived is not None])


T = TypeVar("T")


@dataclass(slots=True)
class Batch(Generic[T]):
    """One batch as it travels through the stages: its items and what it commits for its sources (landed in
    its own transaction, so a retried landing writes exactly this batch's progress)."""

    number: int  # 1, 2, ... in the order the batches land
    items: list[T]
    progress: SourceProgress = field(default_factory=SourceProgress)


def batches(items: Iterable[T], size: int, max_bytes: int = DEFAULT_BATCH_BYTES, stop: threading.Event | None = None,
            progress: Callable[[list[T]], SourceProgress] | None = None) -> Iterator[Batch[T]]:
    """Batches of at most `size` items and (but for a single document) `max_bytes` of bodies, each with the
    `progress` of its sources (Sources.progress) asked as it is cut. Once `stop` is set, the batch in hand
    is the last one and the sources are closed (their fetches end)."""
    iterator = iter(items)
    batch: list[T] = []
    held = 0
    number = 0

    def cut() -> Batch[T]:
        nonlocal number
        number += 1
        return Batch(number, batch, progress(batch) if progress is not None else SourceProgress())

    try:
        for item in iterator:
            item = _landable(item, max_bytes)
            item_bytes = len(item.body) if isinstance(item, RawDocument) else 0
            if batch and (len(batch) >= size or held + item_bytes > max_bytes):
                yield cut()
                batch, held = [], 0
            batch.append(item)
            held += item_bytes
            if stop is not None and stop.is_set():
                break
        last = cut()
        if last.items or last.progress:  # files finished after the last item (or with none) still count
            yield last
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def _landable(item: T, max_bytes: int) -> T:
    """A document larger than a whole batch may hold cannot land: it is rejected, with its size."""
    if not isinstance(item, RawDocument) or len(item.body) <= max_bytes:
        return item
    return Rejection(doc_id=item.doc_id, origin=item.origin, stage="source", reason="too_large",
                     message=f"{len(item.body):,} bytes, more than the {max_bytes:,} bytes a batch may land")


def extract_batch(raws: list[RawDocument], workers: ExtractWorkers) -> ExtractResult:
    """Extract every document in the guarded worker processes (with the articles' features when the workers
    make them, and their archived bytes when the run archives its inputs)."""
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
        self.stored_days: tuple[int, int] | None = None  # days of the articles earlier runs landed
        self.story_index: StoryIndex | None = None
        self.reuse_index = ReuseIndex(settings.reuse)
        self.executor: ExtractWorkers | None = None
        self.tally = SourceTally()  # what each source yielded: source health (reports.record_sources)
        self._ids_this_run: set[str] = set()
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
        worker_server.start()  # the workers' parent warms up while this run migrates and reads its state
        self._lock = self.warehouse.writer_lock()
        self._lock.__enter__()
        try:
            self.warehouse.migrate()
            self.stored_days = self.warehouse.stored_day_span()
            # Decide new articles the way the stored ones were decided (see `newsingest rededup`).
            if stored := self.warehouse.dedup_settings():
                self.settings = replace(self.settings, lsh=stored)
            lsh = replace(self.settings.lsh, window_days=self.settings.window_days)
            self.settings = replace(self.settings, lsh=lsh)
            # Earlier runs' articles are restored batch by batch, as the batches' dates need them.
            self.deduplicator = new_deduplicator(self.settings.lsh, self.settings.redis)
            # Only the IDF statistics here: stories of earlier runs are read by day as batches need them.
            documents, frequencies = self.warehouse.story_statistics(self.story_scheme)
            self.story_index = StoryIndex(self.settings.stories, CorpusStatistics(
                documents, frequencies, prior_documents=self.settings.stories.prior_documents))
            self.warehouse.start_run(self.summary.run_id, self.trigger, self.summary.inputs)
            # Lines each source repeats, learned from earlier runs (this run's articles count toward a later one);
            # after an interrupted run, the lines it cleaned with, so its rerun cleans as one whole run would.
            learned = self.warehouse.run_boilerplate(self.summary.run_id, self.settings.boilerplate)
            self.settings = replace(self.settings, extract=replace(self.settings.extract, source_boilerplate=learned))
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        # Even one worker is a child process: only there can a stuck or bloated document be stopped.
        self.executor = ExtractWorkers(self.settings.workers, self.settings.extract, self.settings.limits,
                                       annotate=self.feature_maker, archive=self.archives_inputs)
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

    def admit(self, batch: Batch[SourceItem]) -> Admitted:
        """The batch's inputs not landed before (this run or earlier): reruns add nothing."""
        items = batch.items
        self.tally.add(items)
        # Each id once: a document without a URL is named by a hash of all its bytes (records.document_id).
        ids = [item.doc_id for item in items]
        seen = self.warehouse.seen_ids(ids) | (self._ids_this_run & set(ids))
        raws, rejections = [], []
        for item, doc_id in zip(items, ids, strict=True):
            if doc_id in seen:
                if isinstance(item, Rejection) and doc_id not in self._ids_this_run:
                    self.summary.still_failing[item.reason] += 1
                else:
                    self.summary.already_seen += 1
                continue
            seen.add(doc_id)
            self._ids_this_run.add(doc_id)
            (raws if isinstance(item, RawDocument) else rejections).append(item)
        self.summary.documents_seen += len(items)
        return Admitted(raws, rejections)

    def extract(self, raws: list[RawDocument]) -> ExtractResult:
        # Callers extract the next batch in another thread while this one lands; the workers take one batch
        # at a time.
        assert self.executor is not None, "use IngestRun as a context manager"
        with self._extracting:
            return extract_batch(raws, self.executor)

    def dedup(self, articles: list[Article], signatures: list[TextSignature] | None = None) -> DedupResult:
        assert self.deduplicator is not None, "use IngestRun as a context manager"
        for days in self.remembered.missing([day_of(a.published_at) for a in articles]):
            # Only days earlier runs landed articles on: this run's own are remembered as they are decided, and
            # reading a range of new days scanned every stored article (~4 s at 35k, loaded machine).
            if self._stored_before(days):
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
            # As in dedup: a day no earlier run landed on holds only this run's articles, all in the index
            # unless it evicted the day (reading a new day scanned every stored text: ~2.6 s at 35k, loaded).
            read = sorted(set(self.reuse_index.dropped(needed))
                          | {day for day in needed if self._stored_before((day.toordinal(), day.toordinal()))})
            self.reuse_index.load(needed, self.warehouse.reuse_sources(read) if read else [])
        return assign_reuse(articles, dedup.decisions, self.reuse_index, now)

    def _stored_before(self, days: tuple[int, int] | None) -> bool:
        """Whether earlier runs landed articles dated within these days (first, last: records.day_number;
        None: any day)."""
        if self.stored_days is None:
            return False
        return days is None or days[0] <= self.stored_days[1] and days[1] >= self.stored_days[0]

    def land(self, batch: Batch, decided: Decided) -> None:
        """Land one batch with its sources' progress, in one transaction (batches land in the order admitted).
        Counted once landed, so a landing retried after a failure counts it once."""
        admitted, extracted, dedup = decided.admitted, decided.extracted, decided.dedup
        rejections = admitted.rejections + extracted.rejections
        self.warehouse.land(LandingBatch(
            run_id=self.summary.run_id,
            articles=list(zip(extracted.articles, dedup.decisions, dedup.signatures, strict=True)),
            rejections=rejections,
            raw_documents=extracted.archived,
            warc_progress=batch.progress.warc,
            replaces=self.replaced(batch),
            stories=decided.stories,
            reuse=decided.reuse.rows,
            source_lines=lines_to_learn(extracted.articles, dedup.decisions) if self.learns_boilerplate else [],
        ), self.scheme)
        release_free_memory()  # what landing freed (its JSON, DuckDB's buffers and checkpoint): newsingest.memory
        self.deduplicator.publish()  # a shared dedup index learns the batch's articles only now they landed
        self._count(extracted.articles, dedup, rejections)
        self.summary.derived_wholly += decided.reuse.derived(Derivation.WHOLLY)
        self.summary.derived_partially += decided.reuse.derived(Derivation.PARTIALLY)
        self.summary.warc_files.update(batch.progress.files_finished)
        self.summary.skipped_records.update(batch.progress.skipped_records)

    # Reprocess (newsingest.reprocess.ReprocessRun) reads its inputs from the raw archive and replaces their rows.
    archives_inputs = True  # land the admitted documents' bytes in raw_documents (the workers compress them)
    learns_boilerplate = True  # count the new articles' short lines into source_lines (each article once)

    def replaced(self, batch: Batch) -> list[str]:
        """Ids whose earlier rows this batch replaces."""
        return []

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


class Admitted(NamedTuple):
    """A batch's inputs to process: documents to extract and the sources' rejections to land. (A tuple: Prefect
    links each member to the task run that admitted them, flows/ingest.py.)"""

    raws: list[RawDocument]
    rejections: list[Rejection]


@dataclass(slots=True)
class Decided:
    """Everything a batch's stages made, as it lands."""

    admitted: Admitted  # its raws are let go once extracted (`_decide_and_land`): their archive is in `extracted`
    extracted: ExtractResult  # after `keep`
    dedup: DedupResult
    stories: StoryResult
    reuse: ReuseResult


class Stages:
    """How `run_batches` runs each stage of a batch: here, by calling the run's library methods (extraction
    of the next batch in a background thread). flows/ingest.py's PrefectStages runs each as a task instead."""

    def __init__(self) -> None:
        self._background: ThreadPoolExecutor | None = None

    def admit(self, run: IngestRun, batch: Batch) -> Admitted:
        return run.admit(batch)

    def extract(self, run: IngestRun, batch: Batch, raws: list[RawDocument]) -> Callable[[], ExtractResult]:
        """Start extracting; what it returns waits for the result."""
        if self._background is None:
            self._background = ThreadPoolExecutor(1, thread_name_prefix="newsingest-extract")
        return self._background.submit(run.extract, raws).result

    def dedup(self, run: IngestRun, batch: Batch, extracted: ExtractResult) -> DedupResult:
        return run.dedup(extracted.articles, extracted.signatures)

    def stories(self, run: IngestRun, batch: Batch, extracted: ExtractResult, dedup: DedupResult) -> StoryResult:
        return run.stories(extracted.articles, dedup, extracted.terms)

    def reuse(self, run: IngestRun, batch: Batch, extracted: ExtractResult, dedup: DedupResult) -> ReuseResult:
        return run.reuse(extracted.articles, dedup)

    def land(self, run: IngestRun, batch: Batch, decided: Decided) -> None:
        run.land(batch, decided)

    def landed(self, run: IngestRun, batch: Batch, decided: Decided, found: ExtractResult) -> None:
        """After each batch landed (`found`: the extraction before `keep`)."""

    def close(self) -> None:
        if self._background is not None:
            self._background.shutdown(cancel_futures=True)
            self._background = None


def run_batches(run: IngestRun, batches: Iterable[Batch], stages: Stages | None = None,
                keep: Callable[[Article], bool] | None = None) -> Iterator[Batch]:
    """The ingest loop: admit -> extract -> dedup -> stories -> reuse -> land, batch by batch, yielding each
    batch once it landed (its number and progress, without its items: see `_landed`). The workers extract the
    next batch while this thread decides and lands the current one, so they never wait for the warehouse (one
    batch at a time left them idle ~30% of the run, benchmarks/run.py). `keep` selects the articles to land
    (the backfill's date range); the others are left for another run and counted in `run.summary.deferred`."""
    stages = stages or Stages()
    ahead: deque[tuple[Batch, Admitted, Callable[[], ExtractResult]]] = deque()
    try:
        for batch in batches:
            admitted = stages.admit(run, batch)
            ahead.append((_admitted(batch), admitted, stages.extract(run, batch, admitted.raws)))
            if len(ahead) > 1:
                yield _decide_and_land(run, stages, *ahead.popleft(), keep)
        while ahead:
            yield _decide_and_land(run, stages, *ahead.popleft(), keep)
    finally:
        stages.close()


def _decide_and_land(run: IngestRun, stages: Stages, batch: Batch, admitted: Admitted,
                     extraction: Callable[[], ExtractResult], keep: Callable[[Article], bool] | None) -> Batch:
    found = extraction()
    # The plain bytes are done with: the workers sent each document back compressed for the raw archive
    # (`found.archived`). Cleared in place: the Admitted holding the list lives on (this call's arguments,
    # Decided, a flow's admit task result).
    admitted.raws.clear()
    extracted = _only(found, keep, run.summary) if keep is not None else found
    dedup = stages.dedup(run, batch, extracted)
    stories = stages.stories(run, batch, extracted, dedup)
    reuse = stages.reuse(run, batch, extracted, dedup)
    decided = Decided(admitted, extracted, dedup, stories, reuse)
    stages.land(run, batch, decided)
    stages.landed(run, batch, decided, found)
    return _landed(batch)


def _admitted(batch: Batch) -> Batch:
    """The batch as it waits for its extraction and landing: without its raw documents, which travel in
    `Admitted` until extracted. (Its other items stay: a reprocess batch's archived documents name the rows
    it replaces.)"""
    return replace(batch, items=[item for item in batch.items if not isinstance(item, RawDocument)])


def _landed(batch: Batch) -> Batch:
    """The batch as yielded once landed: without its items. A caller's loop variable keeps the yielded batch
    until the next one lands, so with its items the run's own process held a third batch of raw bodies (up
    to `DEFAULT_BATCH_BYTES`) beside the one landing and the one being extracted, at every landing's peak."""
    return replace(batch, items=[])


def _only(extracted: ExtractResult, keep: Callable[[Article], bool], summary: RunSummary) -> ExtractResult:
    """The articles to land (with their features when extraction computed them); counts those left."""
    wanted = [keep(article) for article in extracted.articles]
    summary.deferred += wanted.count(False)
    features = extracted.features
    return ExtractResult(articles=list(compress(extracted.articles, wanted)), rejections=extracted.rejections,
                         features=None if features is None else list(compress(features, wanted)),
                         archived=extracted.archived)
