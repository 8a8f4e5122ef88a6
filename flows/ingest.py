"""The ingest flow: the library's stages as Prefect tasks, one task run per stage per *batch*.

Run it locally on the samples (Prefect starts an ephemeral API, no server needed):
    python flows/ingest.py samples/ --db warehouse/news.duckdb
"""

from __future__ import annotations

import argparse
from contextlib import nullcontext
from datetime import UTC, date, datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.runtime import flow_run
from prefect.utilities.annotations import unmapped
from prefect_dask import DaskTaskRunner

from newsingest.dedup import DedupResult
from newsingest.dedup.signatures import SignatureSettings, TextSignature
from newsingest.extract import ExtractSettings
from newsingest.pipeline import ExtractResult, IngestRun, PipelineSettings, RunSummary, batches, iter_source_items
from newsingest.records import Article, RawDocument, Rejection
from newsingest.runners import LOCAL, dask_task_runner, extract_and_sign, joined, parts
from newsingest.sources.fetch import FetchSettings
from newsingest.sources.files import SourceItem
from newsingest.sources.state import FetchState
from newsingest.sources.warc import WarcFilters, WarcOptions
from newsingest.sources.web import WebCrawl
from newsingest.warehouse import Warehouse

# The run object carries open state (dedup memory, writer lock), so task inputs are never cached.
stage = task(cache_policy=NONE)


@stage(task_run_name="filter-unseen-{number}")
def filter_unseen(run: IngestRun, items: list[SourceItem], number: int) -> tuple[list[RawDocument], list[Rejection]]:
    return run.unseen(items)


@stage(task_run_name="extract-{number}")
def extract(run: IngestRun, raws: list[RawDocument], number: int) -> ExtractResult:
    return run.extract(raws)


@stage(task_run_name="extract-{number}.{part}")
def extract_part(raws: list[RawDocument], settings: ExtractSettings, signature: SignatureSettings, number: int,
                 part: int) -> ExtractResult:
    """On a Dask worker: only picklable records in and out, never the run."""
    return extract_and_sign(raws, settings, signature)


def extract_on(dask: DaskTaskRunner | None, run: IngestRun, raws: list[RawDocument], number: int) -> ExtractResult:
    """Extract a batch here (the run's guarded workers), or in parts on the Dask workers with its signatures."""
    if dask is None:
        return extract(run, raws, number)
    batch = parts(raws)
    futures = dask.map(extract_part, {"raws": batch, "settings": unmapped(run.settings.extract),
                                      "signature": unmapped(run.settings.lsh.signature),
                                      "number": unmapped(number), "part": list(range(1, len(batch) + 1))})
    return joined([future.result() for future in futures] if batch else [])


@stage(task_run_name="dedup-{number}")
def dedup(run: IngestRun, articles: list[Article], number: int,
          signatures: list[TextSignature] | None = None) -> DedupResult:
    return run.dedup(articles, signatures)


@stage(task_run_name="land-{number}", retries=2, retry_delay_seconds=5)
def land(run: IngestRun, raws: list[RawDocument], extracted: ExtractResult, decisions: DedupResult,
         rejections: list[Rejection], number: int) -> None:
    run.land(raws, extracted.articles, decisions, rejections + extracted.rejections)


def _run_name() -> str:
    return f"ingest/{datetime.now(UTC):%Y-%m-%dT%H:%M}"


@flow(name="ingest", flow_run_name=_run_name)
def ingest_flow(inputs: list[str], db: str | None = None, batch_size: int = 256, workers: int = 2,
                allow_hosts: list[str] | None = None, deny_hosts: list[str] | None = None,
                since: date | None = None, until: date | None = None, force: bool = False,
                allow_private_network: bool = False, runner: str = LOCAL, redis: str | None = None) -> RunSummary:
    """Ingest files, folders and WARC files (.warc, .warc.gz) into the DuckDB warehouse; publishes a summary
    artifact. The host and fetch-date filters and `force` apply to WARC records. Feed, sitemap and article
    URLs and sources files (.toml) are fetched politely, incrementally; `allow_private_network` lets the
    fetcher reach loopback/private addresses. `runner`: `local`, `dask` (a LocalCluster of `workers` processes) or
    a Dask scheduler address (tcp://HOST:8786) for extraction and signatures; `redis`: redis://HOST:PORT/DB for
    a dedup index shared with other runs (README "Scaling out")."""
    logger = get_run_logger()
    settings = PipelineSettings(batch_size=batch_size, workers=workers, redis=redis)
    warc = WarcOptions(WarcFilters.of(allow_hosts or (), deny_hosts or (), since, until), force=force,
                       max_bytes=settings.max_bytes)
    web = WebCrawl.from_inputs(inputs, FetchSettings(allow_private_network=allow_private_network),
                               FetchState(Warehouse(db)))
    items, skipped = iter_source_items(inputs, settings.max_bytes, warc, Warehouse(db).warc_progress, web=web)
    run_id = str(flow_run.get_id() or "").replace("-", "")[:12] or None
    dask = dask_task_runner(runner, settings.workers)  # None: extraction in this machine's guarded workers
    with IngestRun(Warehouse(db), settings, trigger="flow", run_id=run_id, inputs=inputs) as run, dask or nullcontext():
        run.summary.skipped_files = skipped
        for number, batch in enumerate(batches(items, batch_size), start=1):
            raws, rejections = filter_unseen(run, batch, number)
            extracted = extract_on(dask, run, raws, number)
            decisions = dedup(run, extracted.articles, number, extracted.signatures)
            land(run, raws, extracted, decisions, rejections, number)
            logger.info("batch %d: %s", number, _counts(run.summary))
    create_markdown_artifact(key="ingest-summary", markdown=run.summary.to_markdown(),
                             description="What this run ingested, flagged and rejected")
    logger.info("run %s %s: %s", run.summary.run_id, run.summary.status, _counts(run.summary))
    if web.sources:
        logger.info("web: %s", web.stats.describe())
    return run.summary


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
    summary = ingest_flow(inputs=args.inputs, db=args.db, workers=args.workers, runner=args.runner,
                          redis=args.redis)
    print(f"ingested {summary.ingested} articles ({summary.new} unique, {summary.duplicates} duplicates), "
          f"rejected {summary.rejected}, already seen {summary.already_seen}")


if __name__ == "__main__":
    main()
