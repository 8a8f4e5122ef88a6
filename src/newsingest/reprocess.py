"""Reprocessing: run extraction and dedup again on the archived raw bytes, without fetching anything.

After a cleaner or threshold change, every archived input goes through the current code again, in the
order it first landed, and its rows are replaced batch by batch (one transaction each). A crash midway
leaves every input either old or new, never missing; rerunning finishes the job.
"""

from __future__ import annotations

import re
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime

from newsingest.dedup import RememberedDays
from newsingest.dedup.clusters import Deduplicator
from newsingest.pipeline import Admitted, Batch, IngestRun, PipelineSettings
from newsingest.records import RawDocument, WarcPointer
from newsingest.sources.warc import archived_body
from newsingest.stories import StoryIndex
from newsingest.warehouse import Warehouse, load_sql

# A JSONL record (`file.jsonl:12`): its title, author and date came from the record, not from the bytes.
RECORD_ORIGIN = re.compile(r"\.(jsonl|ndjson)(\.gz)?:\d+$")


@dataclass(frozen=True, slots=True)
class ArchivedDocument:
    """An input as it was landed: its id then, where it came from, and the key of its archived bytes."""

    doc_id: str
    origin: str
    url: str | None
    raw_hash: str
    title: str | None
    author: str | None
    published_at: datetime | None


def archived_documents(warehouse: Warehouse) -> list[ArchivedDocument]:
    """What to reprocess (ids and pointers only: the bytes are read batch by batch)."""
    with warehouse.transaction() as con:
        return [ArchivedDocument(*row) for row in con.execute(load_sql("reprocess_documents")).fetchall()]


def raw_documents(warehouse: Warehouse, documents: list[ArchivedDocument]) -> list[RawDocument]:
    """The archived bytes of a batch, as RawDocuments equal to the ones first ingested."""
    with warehouse.transaction() as con:
        rows = con.execute(load_sql("raw_bodies"), {"raw_hashes": [d.raw_hash for d in documents]}).fetchall()
    raw = {row[0]: row[1:] for row in rows}
    return [_raw_document(d, *raw[d.raw_hash]) for d in documents]


def _raw_document(document: ArchivedDocument, content_type, encoding, status, headers, fetched_at,
                  body_zlib, warc_path, warc_offset) -> RawDocument:
    record = RECORD_ORIGIN.search(document.origin) is not None
    # Records of a WARC file are archived as a pointer into it (body_zlib NULL): read them from there.
    warc = WarcPointer(warc_path, warc_offset) if body_zlib is None else None
    body = archived_body(warc, document.url, document.raw_hash) if warc else zlib.decompress(body_zlib)
    return RawDocument(origin=document.origin, body=body, url=document.url, warc=warc,
                       content_type=content_type, fetched_at=fetched_at, status=status, headers=dict(headers or {}),
                       encoding=encoding,
                       title_hint=document.title if record else None, title_given=record,
                       author_hint=document.author if record else None,
                       published_hint=document.published_at.isoformat() if record and document.published_at else None)


class ReprocessRun(IngestRun):
    """A run over the raw archive (batches of ArchivedDocument, from `archived_documents`) through the same
    loop and stages as an ingest (pipeline.run_batches): each batch's inputs are read back from the archive
    instead of filtered as unseen, and their rows are replaced in the batch's transaction."""

    archives_inputs = False  # the bytes are in raw_documents already
    learns_boilerplate = False  # its articles' lines were counted when they were first ingested

    def __init__(self, warehouse: Warehouse, settings: PipelineSettings = PipelineSettings(),
                 run_id: str | None = None, stop: threading.Event | None = None):
        super().__init__(warehouse, settings, trigger="reprocess", run_id=run_id, inputs=["raw_documents"],
                         stop=stop)

    def __enter__(self) -> ReprocessRun:
        super().__enter__()
        # Every decision is made again, from the first input on, with the dedup settings the warehouse keeps:
        # restore nothing stored, or each article would meet its own earlier row. Stories too, with IDF
        # statistics that grow again input by input (each batch's landing takes its inputs' earlier counts out
        # of the stored statistics and adds the new ones).
        self.deduplicator = Deduplicator(self.settings.lsh)
        self.remembered = RememberedDays(None, everything=True)
        self.story_index = StoryIndex(self.settings.stories)
        return self

    def admit(self, batch: Batch[ArchivedDocument]) -> Admitted:
        self.summary.documents_seen += len(batch.items)
        return Admitted(raw_documents(self.warehouse, batch.items), [])

    def replaced(self, batch: Batch[ArchivedDocument]) -> list[str]:
        return [document.doc_id for document in batch.items]
