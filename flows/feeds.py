"""The feeds flow: every 15 minutes, pull the outlets of a sources file (feeds, sitemaps, article URLs).

Fetching is newsingest's polite crawler (robots.txt, per-host concurrency and delays, retries with
backoff and Retry-After, conditional GETs against the validators stored in the warehouse), so a rerun
asks only for what changed. A source whose every request failed ends the run as NeedsAttention; one that
stays silent, keeps failing or drops in volume is flagged in the summary artifact.
Locally:  python -m flows.feeds sources.toml --db warehouse/news.duckdb
"""

from __future__ import annotations

import argparse

from prefect import flow, get_run_logger
from prefect.states import State

from flows.ingest import ingest_batches, run_from_command_line, run_name
from newsingest.health import HealthSettings
from newsingest.pipeline import DEFAULT_BATCH_SIZE, PipelineSettings
from newsingest.sources.fetch import FetchSettings
from newsingest.sources.registry import SourceOptions, open_sources
from newsingest.sources.state import FetchState
from newsingest.sources.web import WebCrawl
from newsingest.stopping import StopOnSignal
from newsingest.warehouse import Warehouse


@flow(name="ingest-feeds", flow_run_name=run_name)
def feeds_flow(sources_file: str = "sources.toml", db: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
               workers: int = 2, contact: str | None = None, allow_private_network: bool = False,
               quiet_runs: int = 8) -> State:
    """Fetch and ingest what the sources file's outlets published since the last run.

    quiet_runs: a source with no items for this many runs in a row is flagged (8 runs = 2 hours at */15).
    allow_private_network: fetch from loopback/private addresses (local test sites only).
    """
    settings = PipelineSettings(batch_size=batch_size, workers=workers)
    warehouse = Warehouse(db)
    inputs = [sources_file]
    with StopOnSignal() as stop:  # Ctrl-C, SIGTERM, a worker cancelling the run: see flows/ingest.py
        web = WebCrawl.from_inputs(inputs, FetchSettings(allow_private_network=allow_private_network,
                                                         contact=contact), FetchState(warehouse), stop)
        get_run_logger().info("%d sources in %s", len(web.sources), sources_file)
        sources = open_sources(inputs, SourceOptions(settings.max_bytes, web=web))
        health = HealthSettings(consecutive_runs=quiet_runs)
        state = ingest_batches(sources, inputs, db, settings, stop, health=health)
    get_run_logger().info("crawl: %s", web.stats.describe())
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the feeds flow locally (ephemeral Prefect API).")
    parser.add_argument("sources_file")
    parser.add_argument("--db", default=None)
    parser.add_argument("--allow-private-network", action="store_true")
    args = parser.parse_args()
    run_from_command_line(lambda: feeds_flow(args.sources_file, db=args.db,
                                             allow_private_network=args.allow_private_network))


if __name__ == "__main__":
    main()
