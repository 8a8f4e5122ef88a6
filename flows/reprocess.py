"""The reprocess flow: extraction and dedup again over the raw archive, after a cleaner or threshold change.

Nothing is fetched: the bytes come from `raw_documents`. Every article and extract/dedup rejection is
replaced, batch by batch, by what the current code makes of the same bytes; dedup starts from nothing and
meets the inputs in the order they first landed. Locally:  python -m flows.reprocess --db warehouse/news.duckdb
"""

from __future__ import annotations

import argparse

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import State
from prefect.utilities.annotations import opaque

from flows.ingest import ProgressArtifact, dedup, extract, land, report_run, run_id_of, run_name, stage
from newsingest.pipeline import DEFAULT_BATCH_SIZE, IngestRun, PipelineSettings, batches
from newsingest.records import RawDocument
from newsingest.reprocess import ArchivedDocument, archived_documents, raw_documents
from newsingest.stories import StoryIndex
from newsingest.warehouse import Warehouse


@stage(task_run_name="read-archive-{number}")
def read_archive(warehouse: Warehouse, documents: list[ArchivedDocument], number: int) -> list[RawDocument]:
    return raw_documents(warehouse, documents)


@flow(name="reprocess", flow_run_name=run_name)
def reprocess_flow(db: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE, workers: int = 2) -> State:
    """Re-extract and re-deduplicate every archived input with the current code; replaces its rows."""
    logger = get_run_logger()
    settings = PipelineSettings(batch_size=batch_size, workers=workers)
    warehouse = Warehouse(db)
    run_id = run_id_of(flow_run.get_id())
    with IngestRun(warehouse, settings, trigger="reprocess", run_id=run_id, inputs=["raw_documents"]) as run:
        # Every decision is made again, from the first input on, with the dedup settings the warehouse keeps;
        # stories too, with IDF statistics that grow again input by input (each batch's landing takes its
        # inputs' earlier counts out of the stored statistics and adds the new ones).
        run.decide_afresh()
        run.story_index = StoryIndex(run.settings.stories)
        documents = archived_documents(warehouse)
        logger.info("reprocessing %d archived inputs", len(documents))
        progress = ProgressArtifact(len(documents))
        for number, batch in enumerate(batches(documents, batch_size), start=1):
            # opaque: the stages' inputs are tracked without Prefect walking every document (flows/ingest.py)
            raws = read_archive(warehouse, opaque(batch), number)
            extracted = extract(run, opaque(raws), number)
            decisions = dedup(run, opaque(extracted.articles), number, opaque(extracted.signatures))
            land(run, [], opaque(extracted), opaque(decisions), [], number, replaces=[d.doc_id for d in batch])
            run.summary.documents_seen += len(batch)
            progress.update(run.summary.documents_seen)
    progress.finish()
    return report_run(warehouse, run.summary)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the reprocess flow locally (ephemeral Prefect API).")
    parser.add_argument("--db", default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    reprocess_flow(db=args.db, workers=args.workers)


if __name__ == "__main__":
    main()
