"""The reprocess flow: extraction and dedup again over the raw archive, after a cleaner or threshold change.

Nothing is fetched: the bytes come from `raw_documents`. Every article and extract/dedup rejection is
replaced, batch by batch, by what the current code makes of the same bytes; dedup starts from nothing and
meets the inputs in the order they first landed. The batches go through the same loop and stages as an
ingest (pipeline.run_batches; newsingest.reprocess.ReprocessRun).
Locally:  python -m flows.reprocess --db warehouse/news.duckdb
"""

from __future__ import annotations

import argparse

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import State

from flows.ingest import (PrefectStages, ProgressArtifact, read_archive, report_run, run_from_command_line, run_id_of,
                          run_name)
from newsingest.pipeline import DEFAULT_BATCH_SIZE, PipelineSettings, batches, run_batches
from newsingest.reprocess import ReprocessRun, archived_documents
from newsingest.stopping import StopOnSignal
from newsingest.warehouse import Warehouse


@flow(name="reprocess", flow_run_name=run_name)
def reprocess_flow(db: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE, workers: int = 2) -> State:
    """Re-extract and re-deduplicate every archived input with the current code; replaces its rows."""
    settings = PipelineSettings(batch_size=batch_size, workers=workers)
    warehouse = Warehouse(db)
    # Ctrl-C, SIGTERM, a worker cancelling the run (see flows/ingest.py): the batches read so far are replaced,
    # the others keep their rows until a rerun, which reprocesses everything again.
    with StopOnSignal() as stop, ReprocessRun(warehouse, settings, run_id=run_id_of(flow_run.get_id()),
                                              stop=stop) as run:
        documents = archived_documents(warehouse)
        get_run_logger().info("reprocessing %d archived inputs", len(documents))
        progress = ProgressArtifact(len(documents))
        for _ in run_batches(run, batches(documents, batch_size, stop=stop),
                             PrefectStages(progress=progress, admit_task=read_archive)):
            pass
    progress.finish()
    return report_run(warehouse, run.summary)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the reprocess flow locally (ephemeral Prefect API).")
    parser.add_argument("--db", default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    run_from_command_line(lambda: reprocess_flow(db=args.db, workers=args.workers))


if __name__ == "__main__":
    main()
