"""The ingest flow: the library's stages as Prefect tasks, one task run per stage per *batch*.

Run it locally on the samples (Prefect starts an ephemeral API, no server needed):
    python flows/ingest.py samples/ --db warehouse/news.duckdb

`ingest_batches` is the body every ingest flow shares (this one, the feeds and the backfill flows): the
library's one loop (pipeline.run_batches) with PrefectStages, a task per stage per batch, a progress
artifact while it runs, and at the end the run's artifacts and final state.

Ctrl-C and SIGTERM stop a flow run as they stop `newsingest ingest`: each flow function runs inside
`StopOnSignal` (Prefect 3 calls a synchronous flow function in the thread that runs the flow, the main thread
of `python flows/ingest.py` and of a worker's `python -m prefect.engine`, so the handlers can be installed
there; for the run's length they replace Prefect's own SIGTERM handler, which would end it Crashed). The run
lands what it read and ends Cancelled, named Interrupted (`final_state`).
"""

from __future__ import annotations

import argparse
import sys
import threading
from contextlib import nullcontext
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact, \
    update_progress_artifact
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.runtime import deployment, flow_run
from prefect.states import Cancelled, Completed, Failed, State
from prefect.utilities.annotations import opaque, unmapped
from prefect.utilities.collections import visit_collection

from newsingest.dedup import DedupResult
from newsingest.article_features import FeatureMaker
from newsingest.dedup.signatures import TextSignature
from newsingest.extract import ExtractSettings
from newsingest.health import HealthSettings, SourceAlert
from newsingest.pipeline import (DEFAULT_BATCH_SIZE, Admitted, Batch, Decided, ExtractResult, IngestRun,
                                 PipelineSettings, RunSummary, Stages, batches, run_batches)
from newsingest.records import Article, RawDocument, Rejection
from newsingest.reports import RunReport, build_report, record_sources, run_rows
from newsingest.runners import LOCAL, dask_task_runner, extract_with_features, joined, parts
from newsingest.sources.fetch import FetchSettings
from newsingest.sources.registry import SourceOptions, Sources, expected_documents, open_sources
from newsingest.sources.state import FetchState
from newsingest.sources.warc import WarcFilters, WarcOptions
from newsingest.sources.web import WebCrawl
from newsingest.stopping import StopOnSignal
from newsingest.reuse import ReuseResult
from newsingest.stories import StoryResult, TermWeights
from newsingest.warehouse import Warehouse

if TYPE_CHECKING:
    from prefect_dask import DaskTaskRunner  # scale-out group

# The run object carries open state (dedup memory, writer lock), so task inputs are never cached. No task
# timeout: Prefect cannot interrupt a synchronous task in a worker thread, only warn on every task run;
# extraction has its own per-document limits, fetches their deadlines.
# Batch data goes into every stage wrapped in `opaque`: Prefect then records which task run produced an
# argument (the run graph) without walking its contents. Walking 256 documents' articles, signatures and
# terms in every task call (to find futures and states, twice per call) took ~90% of a flow run's time.
# No concurrency tag on `land`: DuckDB's one writer is the run's own (IngestRun holds the warehouse's writer
# lock, a file lock, from its first read to its last write), so a second run on the same file waits for the
# whole first run, whatever Prefect allows; a tag's slot cost an API round trip (and a lease) per batch.
stage = task(cache_policy=NONE)


@stage(task_run_name="filter-unseen-{number}")
def filter_unseen(run: IngestRun, batch: Batch, number: int) -> Admitted:
    return run.admit(batch)


@stage(task_run_name="read-archive-{number}")
def read_archive(run: IngestRun, batch: Batch, number: int) -> Admitted:
    """Reprocess: the batch's inputs read back from the raw archive (newsingest.reprocess.ReprocessRun)."""
    return run.admit(batch)


@stage(task_run_name="extract-{number}")
def extract(run: IngestRun, raws: list[RawDocument], number: int) -> ExtractResult:
    return run.extract(raws)


@stage(task_run_name="extract-{number}.{part}")
def extract_part(raws: list[RawDocument], settings: ExtractSettings, features: FeatureMaker, archive: bool,
                 number: int, part: int) -> ExtractResult:
    """On a Dask worker: only picklable records in and out, never the run."""
    return extract_with_features(raws, settings, features, archive)


def extract_on(dask: DaskTaskRunner | None, run: IngestRun, raws: list[RawDocument],
               number: int) -> Callable[[], ExtractResult]:
    """Start extracting a batch, with its features: in the run's guarded workers (a task of this flow's
    task runner) or in parts on the Dask workers. Call what it returns to wait for the result."""
    if dask is None:
        return extract.submit(run, opaque(raws), number).result
    batch = parts(raws)
    # Not opaque: through the Dask runner an opaque part reached extract_part as a tuple, not unwrapped
    # (tests/test_scale_out.py); a part of DASK_PART documents is cheap to walk anyway.
    futures = dask.map(extract_part, {"raws": batch, "settings": unmapped(run.settings.extract),
                                      "features": unmapped(run.feature_maker),
                                      "archive": unmapped(run.archives_inputs),
                                      "number": unmapped(number), "part": list(range(1, len(batch) + 1))})
    return lambda: joined([future.result() for future in futures] if batch else [])


@stage(task_run_name="dedup-{number}")
def dedup(run: IngestRun, articles: list[Article], number: int,
          signatures: list[TextSignature] | None = None) -> DedupResult:
    return run.dedup(articles, signatures)


@stage(task_run_name="stories-{number}")
def stories(run: IngestRun, articles: list[Article], decisions: DedupResult, number: int,
            terms: list[TermWeights] | None = None) -> StoryResult:
    return run.stories(articles, decisions, terms)


@stage(task_run_name="reuse-{number}")
def reuse(run: IngestRun, articles: list[Article], decisions: DedupResult, number: int) -> ReuseResult:
    return run.reuse(articles, decisions)


@stage(task_run_name="land-{number}", retries=2, retry_delay_seconds=5)
def land(run: IngestRun, batch: Batch, rejections: list[Rejection], extracted: ExtractResult,
         decisions: DedupResult, story_decisions: StoryResult, reuse_found: ReuseResult, number: int) -> None:
    """Retried on failure: the batch carries its own sources' progress, so a retry lands exactly it. (The raw
    documents land from `extracted`, which carries them compressed.)"""
    run.land(batch, Decided(Admitted([], rejections), extracted, decisions, story_decisions, reuse_found))


class PrefectStages(Stages):
    """The stages of pipeline.run_batches as tasks, one task run per stage per batch (`extract-3`, ...).

    Batch data goes into every task wrapped in `opaque` (see `stage`); after each batch, the progress
    artifact moves and the batch's results leave Prefect's lineage table (forget_lineage)."""

    def __init__(self, dask: DaskTaskRunner | None = None, progress: ProgressArtifact | None = None,
                 admit_task=filter_unseen):
        super().__init__()
        self.dask = dask  # None: extraction in this machine's guarded workers
        self.progress = progress
        self.admit_task = admit_task

    def admit(self, run: IngestRun, batch: Batch) -> Admitted:
        return self.admit_task(run, opaque(batch), batch.number)

    def extract(self, run: IngestRun, batch: Batch, raws: list[RawDocument]) -> Callable[[], ExtractResult]:
        return extract_on(self.dask, run, raws, batch.number)

    def dedup(self, run: IngestRun, batch: Batch, extracted: ExtractResult) -> DedupResult:
        return dedup(run, opaque(extracted.articles), batch.number, opaque(extracted.signatures))

    def stories(self, run: IngestRun, batch: Batch, extracted: ExtractResult, decisions: DedupResult) -> StoryResult:
        return stories(run, opaque(extracted.articles), opaque(decisions), batch.number, opaque(extracted.terms))

    def reuse(self, run: IngestRun, batch: Batch, extracted: ExtractResult, decisions: DedupResult) -> ReuseResult:
        return reuse(run, opaque(extracted.articles), opaque(decisions), batch.number)

    def land(self, run: IngestRun, batch: Batch, decided: Decided) -> None:
        land(run, opaque(batch), opaque(decided.admitted.rejections), opaque(decided.extracted),
             opaque(decided.dedup), opaque(decided.stories), opaque(decided.reuse), batch.number)

    def landed(self, run: IngestRun, batch: Batch, decided: Decided, found: ExtractResult) -> None:
        forget_lineage(decided.admitted, found, decided.dedup, decided.stories, decided.reuse)
        if self.progress is not None:
            self.progress.update(run.summary.documents_seen)
        get_run_logger().info("batch %d: %s", batch.number, _counts(run.summary))


class RunNotCompleted(RuntimeError):
    """A flow run that landed what it could and then ended otherwise than Completed; `summary` says what landed.
    Run from its script, the flow exits with `exit_status` (as `newsingest ingest` would)."""

    exit_status = 1

    def __init__(self, message: str, summary: RunSummary):
        super().__init__(message)
        self.summary = summary


class NeedsAttention(RunNotCompleted):
    """A source failed or looks unhealthy."""


class Interrupted(RunNotCompleted):
    """Stopped by Ctrl-C or SIGTERM before reading all of its inputs: a rerun with the same inputs finishes."""

    exit_status = 130


def run_name() -> str:
    """`<deployment>/<start minute>`, e.g. `ingest-feeds/2026-11-22T10:15`; the flow's name when run directly."""
    return f"{deployment.name or flow_run.flow_name}/{datetime.now(UTC):%Y-%m-%dT%H:%M}"


def artifact_key(suffix: str) -> str:
    """Stable per deployment, so the UI shows each deployment's history of summaries, tables and progress."""
    return f"{_artifact_prefix(flow_run.get_id())}-{suffix}"


@lru_cache(maxsize=16)
def _artifact_prefix(flow_run_id: str | None) -> str:
    """The deployment's name, else the flow's, looked up once per flow run: `deployment.name` reads the flow
    run and its deployment from the API on every call (two requests for each of a run's artifacts)."""
    return deployment.name or flow_run.flow_name


class ProgressArtifact:
    """A progress artifact updated after every batch, so a long run shows how far it got."""

    def __init__(self, expected: int | None):
        self.expected = expected
        self.id = create_progress_artifact(progress=0.0, key=artifact_key("progress"),
                                           description="Share of the expected input documents processed")

    def update(self, done: int) -> None:
        expected = max(self.expected or 0, done)
        # The count is an estimate (a JSONL file holds many documents): never claim 100 % before the end.
        share = min(99.0, 100.0 * done / expected) if expected else 0.0
        update_progress_artifact(self.id, share, description=f"{done} of about {expected} documents")

    def finish(self) -> None:
        update_progress_artifact(self.id, 100.0, description="done")


def ingest_batches(sources: Sources, inputs: list[str], db: str | None, settings: PipelineSettings,
                   stop: threading.Event, expected: int | None = None, keep: Callable[[Article], bool] | None = None,
                   trigger: str = "flow", health: HealthSettings = HealthSettings(), runner: str = LOCAL) -> State:
    """Run pipeline.run_batches inside the calling flow, a task per stage per batch; publish the run's
    artifacts (progress while it runs, summary and tables at the end); return its state.

    `stop` is the flow's StopOnSignal event (shared with its web sources): once set, the run stops reading and
    lands what it read. `keep` selects the articles to land (the backfill's date range) and leaves the others
    for another run.
    """
    progress = ProgressArtifact(expected)
    warehouse = Warehouse(db)
    dask = dask_task_runner(runner, settings.workers)  # None: extraction in this machine's guarded workers
    with IngestRun(warehouse, settings, trigger=trigger, run_id=run_id_of(flow_run.get_id()),
                   inputs=inputs, stop=stop) as run, dask or nullcontext():
        run.summary.skipped_files = sources.skipped
        for _ in run_batches(run, batches(sources.items(), settings.batch_size, settings.batch_bytes, stop,
                                          sources.progress), PrefectStages(dask, progress), keep):
            pass
        alerts, failed = record_sources(warehouse, run.summary, run.tally, health)
    progress.finish()
    return report_run(warehouse, run.summary, alerts, failed)


def run_id_of(flow_run_id: object) -> str | None:
    """The warehouse run id of a flow run: its whole id. Prefect's ids begin with a timestamp, so a prefix
    was shared by runs the scheduler created together (and only the first of them could land)."""
    return str(flow_run_id).replace("-", "") if flow_run_id else None


def forget_lineage(*results: object) -> None:
    """Drop Prefect's lineage entries of stage results the flow is done with, while they are still alive.

    Prefect links a task's inputs to the task runs that returned them by id() (PrefectHQ/prefect#20558); for
    lists, tuples and slotted records it cannot tell a recycled id from the original. Once a batch's results
    were freed, a later batch's argument (even a fresh `opaque` wrapper) could take one of their ids and be
    linked to this batch's task runs too (tests/test_flow.py caught it). Evicted first, they cannot be."""
    context = FlowRunContext.get()
    if context is None:
        return
    for result in results:  # what link_state_to_result linked: each result and its direct members
        visit_collection(result, visit_fn=lambda obj: context.run_results.pop(id(obj), None), return_data=False,
                         max_depth=1)


def report_run(warehouse: Warehouse, summary: RunSummary, alerts: list[SourceAlert] | None = None,
               failed: list[str] | None = None) -> State:
    """Publish a finished run's artifacts and return the state the flow run should end in."""
    report = build_report(warehouse, summary, alerts or [], failed or [], summary.deferred)
    publish(report)
    publish_stories(warehouse, summary.run_id)
    return final_state(report)


def publish(report: RunReport) -> None:
    summary = report.summary
    create_markdown_artifact(key=artifact_key("summary"), markdown=report.to_markdown(),
                             description="What this run ingested, flagged and rejected")
    publish_table("duplicates", report.duplicates, f"Duplicates found by run {summary.run_id} "
                  f"({len(report.duplicates)} shown, {summary.duplicates} in all)", "No duplicates")
    publish_table("rejections", report.rejections, f"Inputs rejected by run {summary.run_id} "
                  f"({len(report.rejections)} shown, {summary.rejected} in all)", "No inputs rejected")


def publish_table(name: str, rows: list[dict], description: str, nothing: str) -> None:
    """A table artifact, or a line saying there is nothing: an empty table shows as a row of blanks."""
    if rows:
        create_table_artifact(key=artifact_key(name), table=rows, description=description)
    else:
        create_markdown_artifact(key=artifact_key(name), markdown=f"{nothing} in this run.", description=description)


def publish_stories(warehouse: Warehouse, run_id: str) -> None:
    """The largest stories the run started or grew: who else reported what this run brought in."""
    rows = run_rows(warehouse, "run_stories", run_id)
    publish_table("stories", rows, f"Stories (same event, several articles) run {run_id} started or added to, "
                  f"largest first ({sum(r['new'] for r in rows)} new, {sum(not r['new'] for r in rows)} grown)",
                  "No stories started or grown")


def final_state(report: RunReport) -> State:
    """Completed with the summary; Failed (data still landed) when a source failed or needs attention; Cancelled,
    named Interrupted, when a signal stopped the run (what a worker's cancellation ends in too: the run was
    stopped before it finished, nothing went wrong; its `runs` row says `interrupted`)."""
    logger = get_run_logger()
    summary = report.summary
    logger.info("run %s %s: %s", summary.run_id, summary.status, _counts(summary))
    if summary.status == "interrupted":
        message = "stopped by a signal: what it read landed; run it again with the same inputs to finish"
        return Cancelled(name="Interrupted", message=message, data=Interrupted(message, summary))
    if report.needs_attention:
        message = report.problems()
        logger.error("run %s needs attention: %s", summary.run_id, message)
        return Failed(name="NeedsAttention", message=message, data=NeedsAttention(message, summary))
    return Completed(message=_counts(summary), data=summary)


@flow(name="ingest", flow_run_name=run_name)
def ingest_flow(inputs: list[str], db: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE, workers: int = 2,
                allow_hosts: list[str] | None = None, deny_hosts: list[str] | None = None,
                since: date | None = None, until: date | None = None, force: bool = False,
                allow_private_network: bool = False, runner: str = LOCAL, redis: str | None = None) -> State:
    """Ingest files, folders and WARC files (.warc, .warc.gz) into the DuckDB warehouse; publishes summary,
    table and progress artifacts. The host and fetch-date filters and `force` apply to WARC records.
    Feed, sitemap and article URLs and sources files (.toml) are fetched politely, incrementally;
    `allow_private_network` lets the fetcher reach loopback/private addresses. `runner`: `local`, `dask` (a
    LocalCluster of `workers` processes) or a Dask scheduler address (tcp://HOST:8786) for extraction and
    signatures; `redis`: redis://HOST:PORT/DB for a dedup index shared with other runs (README "Scaling out").

    Called, it returns the RunSummary (Prefect unwraps the final state) or raises the RunNotCompleted of a run
    that did not complete; with return_state=True, the state."""
    settings = PipelineSettings(batch_size=batch_size, workers=workers, redis=redis)
    warehouse = Warehouse(db)
    warc = WarcOptions(WarcFilters.of(allow_hosts or (), deny_hosts or (), since, until), force=force,
                       max_bytes=settings.max_bytes)
    with StopOnSignal() as stop:
        web = WebCrawl.from_inputs(inputs, FetchSettings(allow_private_network=allow_private_network),
                                   FetchState(warehouse), stop)
        sources = open_sources(inputs, SourceOptions(settings.max_bytes, warc, warehouse.warc_progress, web))
        state = ingest_batches(sources, inputs, db, settings, stop, expected_documents(inputs), runner=runner)
    if web.sources:
        get_run_logger().info("web: %s", web.stats.describe())
    return state


def _counts(summary: RunSummary) -> str:
    return (f"{summary.documents_seen} documents, {summary.new} new, {summary.duplicates} duplicates, "
            f"{summary.rejected} rejected, {summary.already_seen} already seen")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the ingest flow locally (ephemeral Prefect API).")
    parser.add_argument("inputs", nargs="+", help="files, folders, WARC files, URLs or sources files to ingest")
    parser.add_argument("--db", default=None, help="DuckDB file (default: $NEWSINGEST_DB or warehouse/news.duckdb)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="documents per batch")
    parser.add_argument("--runner", default=LOCAL,
                        help="where extraction runs: local, dask (a local Dask cluster), or tcp://SCHEDULER:8786")
    parser.add_argument("--redis", default=None, help="shared dedup index: redis://HOST:PORT/DB")
    args = parser.parse_args()
    summary = run_from_command_line(lambda: ingest_flow(
        inputs=args.inputs, db=args.db, batch_size=args.batch_size, workers=args.workers, runner=args.runner,
        redis=args.redis))
    print(f"ingested {summary.ingested} articles ({summary.new} unique, {summary.duplicates} duplicates), "
          f"rejected {summary.rejected}, already seen {summary.already_seen}")


def run_from_command_line(run_flow: Callable[[], RunSummary]) -> RunSummary:
    """Run a flow from its script: a run that did not complete says why in one line, without a traceback, and
    exits with its status (interrupted 130, needs attention 1), as `newsingest ingest` does."""
    try:
        return run_flow()
    except RunNotCompleted as exc:
        print(f"landed: {_counts(exc.summary)}")
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(exc.exit_status)


if __name__ == "__main__":
    main()
