"""The ingest flow: the library's stages as Prefect tasks, one task run per stage per *batch*.

Run it locally on the samples (Prefect starts an ephemeral API, no server needed):
    python flows/ingest.py samples/ --db warehouse/news.duckdb

`ingest_batches` is the body every ingest flow shares (this one, the feeds and the backfill flows):
tasks per batch, a progress artifact while it runs, and at the end the run's artifacts and final state.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact, \
    update_progress_artifact
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.runtime import deployment, flow_run
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import opaque, unmapped
from prefect.utilities.collections import visit_collection

from newsingest.dedup import DedupResult
from newsingest.article_features import FeatureMaker
from newsingest.dedup.signatures import TextSignature
from newsingest.extract import ExtractSettings
from newsingest.health import HealthSettings, SourceAlert, SourceTally
from newsingest.pipeline import (DEFAULT_BATCH_SIZE, ExtractResult, IngestRun, PipelineSettings, RunSummary, batches,
                                 iter_source_items)
from newsingest.progress import expected_documents
from newsingest.records import Article, RawDocument, Rejection
from newsingest.reports import RunReport, build_report, record_sources, run_rows
from newsingest.runners import LOCAL, dask_task_runner, extract_with_features, joined, parts
from newsingest.sources.fetch import FetchSettings
from newsingest.sources.files import SourceItem
from newsingest.sources.state import FetchState
from newsingest.sources.warc import WarcFilters, WarcOptions
from newsingest.sources.web import WebCrawl
from newsingest.reuse import ReuseResult
from newsingest.stories import StoryResult, TermWeights
from newsingest.warehouse import Warehouse

if TYPE_CHECKING:
    from prefect_dask import DaskTaskRunner  # scale-out group

# The run object carries open state (dedup memory, writer lock), so task inputs are never cached. No task
# timeout: Prefect cannot interrupt a synchronous task in a worker thread, only warn on every task run;
# extraction has its own per-document limits, fetches their deadlines.
stage = task(cache_policy=NONE)
# Batch data goes into every stage wrapped in `opaque`: Prefect then records which task run produced an
# argument (the run graph) without walking its contents. Walking 256 documents' articles, signatures and
# terms in every task call (to find futures and states, twice per call) took ~90% of a flow run's time.
# Tag for a concurrency limit of 1 (`prefect concurrency-limit create newsingest-warehouse 1`): DuckDB has
# one writer, so runs of different deployments queue their batch writes instead of timing out on the lock.
WAREHOUSE_TAG = "newsingest-warehouse"


@stage(task_run_name="filter-unseen-{number}")
def filter_unseen(run: IngestRun, items: list[SourceItem], number: int) -> tuple[list[RawDocument], list[Rejection]]:
    return run.unseen(items)


@stage(task_run_name="extract-{number}")
def extract(run: IngestRun, raws: list[RawDocument], number: int) -> ExtractResult:
    return run.extract(raws)


@stage(task_run_name="extract-{number}.{part}")
def extract_part(raws: list[RawDocument], settings: ExtractSettings, features: FeatureMaker, number: int,
                 part: int) -> ExtractResult:
    """On a Dask worker: only picklable records in and out, never the run."""
    return extract_with_features(raws, settings, features)


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


@stage(task_run_name="land-{number}", retries=2, retry_delay_seconds=5, tags=[WAREHOUSE_TAG])
def land(run: IngestRun, raws: list[RawDocument], extracted: ExtractResult, decisions: DedupResult,
         rejections: list[Rejection], number: int, replaces: list[str] | None = None,
         story_decisions: StoryResult | None = None, reuse_found: ReuseResult | None = None) -> None:
    run.land(raws, extracted.articles, decisions, rejections + extracted.rejections, replaces or (),
             stories=story_decisions, reuse=reuse_found)


class NeedsAttention(RuntimeError):
    """The run landed what it could, but a source failed or looks unhealthy; `summary` says what landed."""

    def __init__(self, message: str, summary: RunSummary):
        super().__init__(message)
        self.summary = summary


def run_name() -> str:
    """`<deployment>/<start minute>`, e.g. `ingest-feeds/2026-11-22T10:15`; the flow's name when run directly."""
    return f"{deployment.name or flow_run.flow_name}/{datetime.now(UTC):%Y-%m-%dT%H:%M}"


def artifact_key(suffix: str) -> str:
    """Stable per deployment, so the UI shows each deployment's history of summaries, tables and progress."""
    return f"{deployment.name or flow_run.flow_name}-{suffix}"


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


def ingest_batches(items: Iterable[SourceItem], inputs: list[str], db: str | None, settings: PipelineSettings,
                   expected: int | None = None, skipped: list[str] | None = None, tally: SourceTally | None = None,
                   keep: Callable[[Article], bool] | None = None, trigger: str = "flow",
                   health: HealthSettings = HealthSettings(), runner: str = LOCAL) -> State:
    """Run the stages batch by batch inside the calling flow; publish the run's artifacts; return its state.

    `tally` may arrive holding sources that already failed (feeds whose fetch task failed); `keep`
    selects the articles to land (the backfill's date range) and leaves the others for another run.
    """
    tally = tally or SourceTally()
    progress = ProgressArtifact(expected)
    warehouse = Warehouse(db)
    deferred = 0
    run_id = run_id_of(flow_run.get_id())
    dask = dask_task_runner(runner, settings.workers)  # None: extraction in this machine's guarded workers
    with IngestRun(warehouse, settings, trigger=trigger, run_id=run_id, inputs=inputs) as run, dask or nullcontext():
        run.summary.skipped_files = skipped or []
        # The workers extract the next batch while this thread deduplicates and lands the current one.
        ahead: tuple[int, tuple[list[RawDocument], list[Rejection]], Callable[[], ExtractResult]] | None = None
        for number, batch in enumerate(batches(items, settings.batch_size, settings.batch_bytes), start=1):
            tally.add(batch)
            unseen = filter_unseen(run, opaque(batch), number)
            extraction = extract_on(dask, run, unseen[0], number)
            if ahead is not None:
                deferred += decide_and_land(run, *ahead, keep)
                progress.update(run.summary.documents_seen)
            ahead = (number, unseen, extraction)
        if ahead is not None:
            deferred += decide_and_land(run, *ahead, keep)
        alerts, failed = record_sources(warehouse, run.summary, tally, health)
    progress.finish()
    return report_run(warehouse, run.summary, alerts, failed, deferred)


def run_id_of(flow_run_id: object) -> str | None:
    """The warehouse run id of a flow run: its whole id. Prefect's ids begin with a timestamp, so a prefix
    was shared by runs the scheduler created together (and only the first of them could land)."""
    return str(flow_run_id).replace("-", "") if flow_run_id else None


def decide_and_land(run: IngestRun, number: int, unseen: tuple[list[RawDocument], list[Rejection]],
                    extraction: Callable[[], ExtractResult], keep: Callable[[Article], bool] | None) -> int:
    """Dedup, stories, reuse and landing of one extracted batch; returns how many articles `keep` left out."""
    raws, rejections = unseen
    found = extraction()
    extracted, left = _only(found, keep) if keep is not None else (found, 0)
    decisions = dedup(run, opaque(extracted.articles), number, opaque(extracted.signatures))
    story_decisions = stories(run, opaque(extracted.articles), opaque(decisions), number, opaque(extracted.terms))
    reuse_found = reuse(run, opaque(extracted.articles), opaque(decisions), number)
    land(run, opaque(raws), opaque(extracted), opaque(decisions), opaque(rejections), number,
         story_decisions=opaque(story_decisions), reuse_found=opaque(reuse_found))
    forget_lineage(unseen, found, decisions, story_decisions, reuse_found)
    get_run_logger().info("batch %d: %s", number, _counts(run.summary))
    return left


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


def _only(extracted: ExtractResult, keep: Callable[[Article], bool]) -> tuple[ExtractResult, int]:
    """The articles to land (with their features when extraction computed them), and how many were left."""
    wanted = [keep(article) for article in extracted.articles]
    features = extracted.features
    return ExtractResult(articles=list(compress(extracted.articles, wanted)), rejections=extracted.rejections,
                         features=None if features is None else list(compress(features, wanted))), \
        wanted.count(False)


def report_run(warehouse: Warehouse, summary: RunSummary, alerts: list[SourceAlert] | None = None,
               failed: list[str] | None = None, deferred: int = 0) -> State:
    """Publish a finished run's artifacts and return the state the flow run should end in."""
    report = build_report(warehouse, summary, alerts or [], failed or [], deferred)
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
    """Completed with the summary; Failed (data still landed) when a source failed or needs attention."""
    logger = get_run_logger()
    summary = report.summary
    logger.info("run %s %s: %s", summary.run_id, summary.status, _counts(summary))
    if report.needs_attention:
        message = report.problems()
        logger.error("run %s needs attention: %s", summary.run_id, message)
        return Failed(name="NeedsAttention", message=message, data=NeedsAttention(message, summary))
    return Completed(message=_counts(summary), data=summary)


@flow(name="ingest", flow_run_name=run_name)
def ingest_flow(inputs: list[str], db: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE, workers: int = 2,
                allow_hosts: list[str] | None = None, deny_hosts: list[str] | None = None,
                since: date | None = None, until: date | None = None, force: bool = False,
                allow_private_network: bool = False, runner: str = LOCAL, redis: str | None = None) -> RunSummary:
    """Ingest files, folders and WARC files (.warc, .warc.gz) into the DuckDB warehouse; publishes summary,
    table and progress artifacts. The host and fetch-date filters and `force` apply to WARC records.
    Feed, sitemap and article URLs and sources files (.toml) are fetched politely, incrementally;
    `allow_private_network` lets the fetcher reach loopback/private addresses. `runner`: `local`, `dask` (a
    LocalCluster of `workers` processes) or a Dask scheduler address (tcp://HOST:8786) for extraction and
    signatures; `redis`: redis://HOST:PORT/DB for a dedup index shared with other runs (README "Scaling out")."""
    settings = PipelineSettings(batch_size=batch_size, workers=workers, redis=redis)
    warc = WarcOptions(WarcFilters.of(allow_hosts or (), deny_hosts or (), since, until), force=force,
                       max_bytes=settings.max_bytes)
    web = WebCrawl.from_inputs(inputs, FetchSettings(allow_private_network=allow_private_network),
                               FetchState(Warehouse(db)))
    items, skipped = iter_source_items(inputs, settings.max_bytes, warc, Warehouse(db).warc_progress, web=web)
    summary = ingest_batches(items, inputs, db, settings, expected_documents(inputs), skipped, runner=runner)
    if web.sources:
        get_run_logger().info("web: %s", web.stats.describe())
    return summary


def _counts(summary: RunSummary) -> str:
    return (f"{summary.documents_seen} documents, {summary.new} new, {summary.duplicates} duplicates, "
            f"{summary.rejected} rejected, {summary.already_seen} already seen")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the ingest flow locally (ephemeral Prefect API).")
    parser.add_argument("inputs", nargs="+", help="files or folders to ingest")
    parser.add_argument("--db", default=None, help="DuckDB file (default: $NEWSINGEST_DB or warehouse/news.duckdb)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runner", default=LOCAL,
                        help="where extraction runs: local, dask (a local Dask cluster), or tcp://SCHEDULER:8786")
    parser.add_argument("--redis", default=None, help="shared dedup index: redis://HOST:PORT/DB")
    args = parser.parse_args()
    attention = None
    try:
        summary = ingest_flow(inputs=args.inputs, db=args.db, workers=args.workers, runner=args.runner,
                              redis=args.redis)
    except NeedsAttention as exc:
        summary, attention = exc.summary, exc
    print(f"ingested {summary.ingested} articles ({summary.new} unique, {summary.duplicates} duplicates), "
          f"rejected {summary.rejected}, already seen {summary.already_seen}")
    if attention is not None:
        sys.exit(f"needs attention: {attention}")


if __name__ == "__main__":
    main()
