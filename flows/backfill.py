"""The backfill flow: ingest given files, folders or URLs once, optionally only a range of publication dates.

Its parameters are one pydantic model, so the Prefect UI shows them as a form ("Run" > "Custom run").
Locally:  python -m flows.backfill samples/ --from 2024-01-01 --to 2024-12-31
"""

from __future__ import annotations

import argparse
from datetime import date

from prefect import flow
from prefect.states import State
from pydantic import BaseModel, Field, model_validator

from flows.ingest import ingest_batches, run_from_command_line, run_name
from newsingest.pipeline import DEFAULT_BATCH_SIZE, PipelineSettings
from newsingest.records import Article, utc_date
from newsingest.sources.registry import SourceOptions, expected_documents, open_sources
from newsingest.sources.web import WebCrawl
from newsingest.stopping import StopOnSignal


class BackfillRequest(BaseModel):
    """What to load. Articles published outside [published_from, published_to] are left for another run."""

    inputs: list[str] = Field(default=["samples/"], min_length=1,
                              description="Files, folders (read recursively) or URLs to ingest")
    published_from: date | None = Field(default=None, description="First publication day to land (UTC)")
    published_to: date | None = Field(default=None, description="Last publication day to land (UTC)")
    include_undated: bool = Field(default=True, description="Land articles without a publication date")
    db: str | None = Field(default=None, description="DuckDB file; default $NEWSINGEST_DB or warehouse/news.duckdb")
    batch_size: int = Field(default=DEFAULT_BATCH_SIZE, ge=1, le=10_000,
                            description="Documents per batch and transaction")
    workers: int = Field(default=2, ge=1, le=64, description="Extraction processes")

    @model_validator(mode="after")
    def _range_is_ordered(self) -> BackfillRequest:
        if self.published_from and self.published_to and self.published_from > self.published_to:
            raise ValueError("published_from is after published_to")
        return self

    def wants(self, article: Article) -> bool:
        if article.published_at is None:
            return self.include_undated
        day = utc_date(article.published_at)  # the range is in UTC days, as every stage's window
        return ((self.published_from is None or day >= self.published_from)
                and (self.published_to is None or day <= self.published_to))


@flow(name="ingest-backfill", flow_run_name=run_name)
def backfill_flow(request: BackfillRequest = BackfillRequest()) -> State:
    """Ingest paths or URLs once (a backfill), optionally only articles published in a date range."""
    settings = PipelineSettings(batch_size=request.batch_size, workers=request.workers)
    dated = request.published_from is not None or request.published_to is not None
    with StopOnSignal() as stop:  # Ctrl-C, SIGTERM, a worker cancelling the run: see flows/ingest.py
        web = WebCrawl.from_inputs(request.inputs, stop=stop)  # stateless, as a backfill fetches once
        sources = open_sources(request.inputs, SourceOptions(settings.max_bytes, web=web))
        return ingest_batches(sources, request.inputs, request.db, settings, stop,
                              expected_documents(request.inputs), keep=request.wants if dated else None,
                              trigger="backfill")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the backfill flow locally (ephemeral Prefect API).")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--from", dest="published_from", type=date.fromisoformat, default=None)
    parser.add_argument("--to", dest="published_to", type=date.fromisoformat, default=None)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    run_from_command_line(lambda: backfill_flow(BackfillRequest(
        inputs=args.inputs, published_from=args.published_from, published_to=args.published_to, db=args.db)))


if __name__ == "__main__":
    main()
