"""The DuckDB warehouse: connections, migrations, batch landing and the reads the pipeline needs.

DuckDB lets one process open a file for writing and then no other process may open it, not even
read-only. So an ingest holds a *writer lock* (a lock file beside the database) for its whole run, but
opens the database only for short transactions, one per batch; between them analysts can query.
"""

from __future__ import annotations

import base64
import fcntl
import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from newsingest.records import (ArchivedRaw, Article, DatedText, DedupDecision, RededupInput, Rejection,
                                RememberedArticle, SourceLines, StoredSignature, StoryMember, TextReuse, WarcProgress)

# The stages' modules are imported where used: they pull in trafilatura and numpy (over a second),
# which CLI commands that only read the warehouse (query, stats, search) should not wait for.
if TYPE_CHECKING:
    from newsingest.dedup.index import LshSettings
    from newsingest.extract.boilerplate import BoilerplateSettings
    from newsingest.stories import StoryResult

SQL_ROOT = Path(__file__).resolve().parents[2] / "warehouse"
DEFAULT_DB = Path("warehouse/news.duckdb")
LOCK_RETRY_SECONDS = 0.2
# DuckDB's words when a transaction landed but the checkpoint after it ran out of the landing memory_limit:
# it rewrites the table's last, partly filled row group, holding its long strings (texts over a few KB) in
# memory, so a row group of ~250 MB of long texts cannot be checkpointed under 256 MB, batch after batch.
CHECKPOINT_FAILED_AFTER_COMMIT = "COMMIT succeeded and is durable, but the autocheckpoint failed"
# Raw bodies (their size as they arrived) per insert_raw_documents statement. A batch's raw documents went in one
# statement: their zlib bodies in base64 in one JSON document, built here and parsed by DuckDB, were the run's
# own process's largest allocation while landing a batch of 32 MB of pages (benchmarks/startup.py).
RAW_BYTES_PER_STATEMENT = 4 * 1024 * 1024
# strerror texts DuckDB passes on when the file system refuses a write.
STORAGE_FAILURES = ("No space left on device", "Disk quota exceeded", "Read-only file system",
                    "Permission denied", "Operation not permitted")


def _record_missing_pandas() -> None:
    """DuckDB's Python client tries `import pandas` for every parameter value it converts (to recognise
    pandas' missing values). Without pandas installed, each failed import searches sys.path again, which
    made landing a batch ~10x slower (benchmarks/run.py). A None entry in sys.modules makes those imports
    fail at once; it is set only when pandas is truly not installed, so nothing that has pandas changes."""
    if "pandas" not in sys.modules and importlib.util.find_spec("pandas") is None:
        sys.modules["pandas"] = None


_record_missing_pandas()


class WarehouseError(RuntimeError):
    """The warehouse cannot be used as asked (locked, unwritable, corrupt); the message says what to do."""


class WarehouseLocked(WarehouseError):
    pass


def default_db_path() -> Path:
    return Path(os.environ.get("NEWSINGEST_DB") or DEFAULT_DB)


@cache
def load_sql(name: str) -> str:
    """A statement from warehouse/sql/<name>.sql (SQL lives in .sql files, Python passes parameters)."""
    return (SQL_ROOT / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of warehouse/migrations/NNN_name.sql, in order."""
    found = []
    for path in sorted((SQL_ROOT / "migrations").glob("[0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:3]), path.stem[4:], path.read_text(encoding="utf-8")))
    return found


@dataclass(slots=True)
class LandingBatch:
    """Everything one batch produced; written in one transaction so a crash never half-lands a batch."""

    run_id: str
    articles: list[tuple[Article, DedupDecision, StoredSignature]] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    raw_documents: list[ArchivedRaw] = field(default_factory=list)
    warc_progress: list[WarcProgress] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)  # ids whose earlier rows this batch replaces (reprocess)
    stories: StoryResult | None = None  # the articles' stories and term weights, in the order of `articles`
    reuse: list[TextReuse] = field(default_factory=list)  # the articles' sources (reuse stage)
    source_lines: list[SourceLines] = field(default_factory=list)  # what the new articles teach (boilerplate)


def _json_value(value: object) -> str:
    """What JSON has no type for: timestamps as ISO 8601 with their offset, bytes as base64 (from_base64)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot land a {type(value).__name__} value")


def _minutes(offset: timedelta | None) -> int | None:
    return None if offset is None else int(offset.total_seconds() // 60)


def _columns(rows: list, **getters) -> dict[str, str]:
    """Rows as the $batch parameter: one JSON document of parallel column lists, which the statement parses
    with from_json_strict and unnests. DuckDB's Python client converts each value of a list parameter on its
    own (5-15 us a value, ~1 ms per landed article); one string is converted once and parsed in C++."""
    columns = {name: [get(row) for row in rows] for name, get in getters.items()}
    return {"batch": json.dumps(columns, ensure_ascii=False, default=_json_value)}


def _parts_of_bytes(raws: list[ArchivedRaw], max_bytes: int) -> Iterator[list[ArchivedRaw]]:
    """Consecutive parts of `raws` whose bodies held at most `max_bytes` as they arrived (but for a single
    larger one)."""
    part: list[ArchivedRaw] = []
    held = 0
    for raw in raws:
        if part and held + raw.size_bytes > max_bytes:
            yield part
            part, held = [], 0
        part.append(raw)
        held += raw.size_bytes
    if part:
        yield part


def _land_stories(con: duckdb.DuckDBPyConnection, stories: StoryResult) -> None:
    """The term weights of the batch's (just inserted) articles and the new IDF counts."""
    rows = list(zip(stories.decisions, stories.weights, stories.days, strict=True))
    con.execute(load_sql("insert_story_features"), {**_columns(
        rows, article_id=lambda r: r[0].article_id, terms=lambda r: r[1].terms, weights=lambda r: r[1].weights,
        anchor_day=lambda r: r[2].isoformat()), "scheme": stories.scheme})
    if stories.new_documents:
        con.execute(load_sql("add_story_term_frequencies"), {**_columns(
            list(stories.new_terms.items()), term=lambda r: r[0], documents=lambda r: r[1]), "scheme": stories.scheme})
        con.execute(load_sql("add_story_documents"), {"scheme": stories.scheme, "documents": stories.new_documents})


def _insert_text_reuse(con: duckdb.DuckDBPyConnection, rows: list[TextReuse], run_id: str) -> None:
    con.execute(load_sql("insert_text_reuse"), {**_columns(
        rows, id=lambda r: r.article_id, source_id=lambda r: r.source_id, share=lambda r: r.share,
        derivation=lambda r: r.derivation.value,
        passages=lambda r: [{"start": p.start, "end": p.end, "source_start": p.source_start,
                             "source_end": p.source_end} for p in r.passages]), "run_id": run_id})


def _insert_signatures(con: duckdb.DuckDBPyConnection, signatures: list[tuple[str, StoredSignature]],
                       scheme: str) -> None:
    """(article id, signature) pairs into `signatures`."""
    con.execute(load_sql("insert_signatures"), {**_columns(
        signatures, article_id=lambda r: r[0], minhash=lambda r: r[1].minhash, lead_minhash=lambda r: r[1].lead,
        shingle_count=lambda r: r[1].shingle_count, char_minhash=lambda r: r[1].chars,
        char_count=lambda r: r[1].char_count, sentences=lambda r: r[1].sentences, facts=lambda r: r[1].facts),
        "scheme": scheme})


def _count_source_lines(con: duckdb.DuckDBPyConnection, learned: list[SourceLines], now: datetime) -> None:
    """Count each new article's short lines under its source (source_lines, migration 002)."""
    if not learned:
        return
    con.execute(load_sql("upsert_source_line_totals"), _columns(learned, source=lambda taught: taught.source))
    lines = [(taught.source, key, line) for taught in learned for key, line in taught.lines.items()]
    if lines:
        con.execute(load_sql("upsert_source_lines"), {**_columns(
            lines, source=lambda r: r[0], line_hash=lambda r: r[1], line=lambda r: r[2]), "now": now})


class Warehouse:
    def __init__(self, path: Path | str | None = None, lock_timeout: float = 60.0):
        self.path = Path(path) if path else default_db_path()
        self.lock_timeout = lock_timeout

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """Open the database, waiting up to lock_timeout while another process has it open."""
        if read_only and not self.path.exists():
            raise WarehouseError(f"no warehouse at {self.path}: run `newsingest ingest` first, or pass --db")
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WarehouseError(f"cannot create the folder for {self.path}: {exc.strerror}") from exc
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as exc:
                message = str(exc)
                if "lock" not in message.lower():
                    raise WarehouseError(f"cannot open {self.path}: {message}") from exc
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"{self.path} is held by another process (waited {self.lock_timeout:.0f}s): {message}"
                    ) from exc
                time.sleep(LOCK_RETRY_SECONDS)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: all of it lands or none. A full disk or a read-only file is a WarehouseError."""
        con = self.connect()
        try:
            con.begin()
            yield con
            con.commit()
        except BaseException as exc:
            if CHECKPOINT_FAILED_AFTER_COMMIT in str(exc):
                con.close()
                self._checkpoint_without_limit()
                return  # the transaction landed
            try:
                con.rollback()
            except duckdb.Error:
                pass  # a failed commit has already ended the transaction; the first error is the one to report
            raise self._storage_error(exc) or exc
        finally:
            try:
                con.close()
            except duckdb.Error as exc:  # closing checkpoints, which writes too
                if CHECKPOINT_FAILED_AFTER_COMMIT not in str(exc):
                    raise self._storage_error(exc) or exc
                self._checkpoint_without_limit()

    def _checkpoint_without_limit(self) -> None:
        """Finish a checkpoint the landing memory_limit stopped, under DuckDB's default limit: the data is
        committed (in the WAL), and without this every later batch would fail the same way."""
        con = self.connect()
        try:
            con.execute(load_sql("checkpoint"))
        except duckdb.Error as exc:
            raise self._storage_error(exc) or exc
        finally:
            con.close()

    def _storage_error(self, exc: BaseException) -> WarehouseError | None:
        """The clear error for a write refused by the file system, or None for any other failure."""
        if not isinstance(exc, duckdb.Error):
            return None
        cause = next((c for c in STORAGE_FAILURES if c in str(exc)), None)
        if cause is None:
            return None
        error = WarehouseError(f"cannot write to {self.path}: {cause}. The batch being written was rolled back; "
                               "batches landed before it are complete, and rerunning the same ingest once "
                               "the problem is fixed adds the rest.")
        error.__cause__ = exc
        return error

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Exclusive right to ingest into this database; a second ingest waits, then fails naming the lock."""
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.lock_path, "a+")
        except OSError as exc:
            # mkdir answers "File exists" when part of the path is a file: name that file instead.
            blocker = next((p for p in self.lock_path.parents if p.is_file()), None)
            reason = f"{blocker} is a file, not a folder" if blocker else exc.strerror
            raise WarehouseError(f"cannot create the lock file {self.lock_path}: {reason}") from exc
        deadline = time.monotonic() + self.lock_timeout
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        handle.seek(0)
                        holder = handle.read().strip() or "unknown"
                        raise WarehouseLocked(
                            f"another ingest is writing to {self.path} (lock {self.lock_path}, held by pid "
                            f"{holder}); waited {self.lock_timeout:.0f}s. Retry when it finishes.") from None
                    time.sleep(LOCK_RETRY_SECONDS)
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.close()  # closing releases the flock

    def migrate(self) -> int:
        """Apply pending migrations, each in its own transaction; returns the schema version.

        All on one connection: a connection each (opening the file, the checkpoint at close) made migrating a
        fresh warehouse take 4.4-5.0 s on a loaded machine, against 0.5-1.3 s on one connection (README
        "Performance")."""
        with self.transaction() as con:
            con.execute(load_sql("create_schema_migrations"))
            applied = {row[0] for row in con.execute(load_sql("applied_migrations")).fetchall()}
            for version, name, sql in migrations():
                if version in applied:
                    continue
                con.commit()  # what is applied so far stays applied if this migration fails
                con.begin()
                con.execute(sql)
                con.execute(load_sql("record_migration"),
                            {"version": version, "name": name, "applied_at": datetime.now(UTC)})
                applied.add(version)
        return max(applied, default=0)

    def seen_ids(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        with self.transaction() as con:
            return {row[0] for row in con.execute(load_sql("seen_ids"), {"ids": ids}).fetchall()}

    def dedup_state(self, scheme: str, days: tuple[int, int] | None) -> list[RememberedArticle]:
        """What dedup remembers of the stored articles dated within `days` (first, last; records.day_number,
        both included; None: all), in arrival order."""
        first, last = days or (None, None)
        with self.transaction() as con:
            rows = con.execute(load_sql("dedup_state"), {"scheme": scheme, "first_day": first,
                                                         "last_day": last}).fetchall()
        # The text comes only with articles that have no signature of this scheme (dedup_state.sql).
        return [RememberedArticle(*row[:5], StoredSignature(*row[5:-1]) if row[-1] is None else None, row[-1])
                for row in rows]

    def stored_day_span(self) -> tuple[int, int] | None:
        """The first and last day (records.day_number) of the stored articles as dedup_state dates them; None
        when there are none."""
        with self.transaction() as con:
            first, last = con.execute(load_sql("stored_day_span")).fetchone()
        return None if first is None else (first, last)

    def story_statistics(self, scheme: str) -> tuple[int, list[tuple[str, int]]]:
        """The stories stage's IDF statistics: documents counted, and the document frequency per term."""
        with self.transaction() as con:
            documents = con.execute(load_sql("story_corpus_size"), {"scheme": scheme}).fetchone()[0]
            return documents, con.execute(load_sql("story_term_frequencies"), {"scheme": scheme}).fetchall()

    def story_members(self, scheme: str, days: list[date]) -> list[StoryMember]:
        """Articles dated on these days, with story and term weights, for the stories stage to compare with."""
        if not days:
            return []
        with self.transaction() as con:
            rows = con.execute(load_sql("story_members"), {"scheme": scheme, "days": days}).fetchall()
        return [StoryMember(*row) for row in rows]

    def story_of_articles(self, ids: list[str]) -> dict[str, str]:
        with self.transaction() as con:
            return dict(con.execute(load_sql("story_of_articles"), {"ids": ids}).fetchall())

    def reuse_sources(self, days: list[date]) -> list[DatedText]:
        """Articles new to dedup dated on these days: the reuse stage's possible sources."""
        if not days:
            return []
        with self.transaction() as con:
            return [DatedText(*row) for row in con.execute(load_sql("reuse_sources"), {"days": days}).fetchall()]

    def reuse_replay(self, chunk: int = 2048) -> Iterator[list[DatedText]]:
        """Every article, earliest dated first, `chunk` rows at a time."""
        con = self.connect(read_only=True)
        try:
            cursor = con.execute(load_sql("reuse_replay"))
            while rows := cursor.fetchmany(chunk):
                yield [DatedText(*row) for row in rows]
        finally:
            con.close()

    def replace_text_reuse(self, rows: list[TextReuse], run_id: str) -> None:
        """All of text_reuse, found again (rededup), in one transaction."""
        with self.transaction() as con:
            con.execute(load_sql("delete_text_reuse"))
            if rows:
                _insert_text_reuse(con, rows, run_id)

    def warc_progress(self, path: str) -> WarcProgress | None:
        """What earlier runs committed for one WARC file (absolute path), None for a file never read."""
        with self.transaction() as con:
            row = con.execute(load_sql("warc_file_state"), {"path": path}).fetchone()
        return WarcProgress(*row) if row else None

    def start_run(self, run_id: str, trigger: str, inputs: list[str]) -> None:
        """Record a new run; call it holding the writer lock (runs still 'running' are then interrupted)."""
        with self.transaction() as con:
            con.execute(load_sql("interrupt_stale_runs"))
            con.execute(load_sql("start_run"), {"run_id": run_id, "started_at": datetime.now(UTC),
                                                "trigger": trigger, "inputs": inputs})

    def finish_run(self, run_id: str, status: str, counts: dict[str, int], duration_s: float) -> None:
        with self.transaction() as con:
            con.execute(load_sql("finish_run"), {"run_id": run_id, "finished_at": datetime.now(UTC),
                                                 "status": status, "duration_s": duration_s, **counts})

    def land(self, batch: LandingBatch, signature_scheme: str) -> None:
        """Write one batch in one transaction: articles, their signatures and removed lines, rejections, raw."""
        now = datetime.now(UTC)
        rows = batch.articles
        with self.transaction() as con:
            con.execute(load_sql("landing_settings"))
            if batch.replaces:
                for statement in con.extract_statements(load_sql("delete_documents")):
                    con.execute(statement, {"ids": batch.replaces})
            for raws in _parts_of_bytes(batch.raw_documents, RAW_BYTES_PER_STATEMENT):
                con.execute(load_sql("insert_raw_documents"), _columns(
                    raws, raw_hash=lambda r: r.raw_hash, origin=lambda r: r.origin,
                    url=lambda r: r.url, content_type=lambda r: r.content_type, encoding=lambda r: r.encoding,
                    http_status=lambda r: r.status, headers=lambda r: r.headers or {},
                    fetched_at=lambda r: r.fetched_at, size_bytes=lambda r: r.size_bytes,
                    body_zlib=lambda r: r.body_zlib,
                    warc_path=lambda r: r.warc and r.warc.path, warc_offset=lambda r: r.warc and r.warc.offset))
            if batch.warc_progress:
                con.execute(load_sql("upsert_warc_progress"), {**_columns(
                    batch.warc_progress, path=lambda p: p.path, size_bytes=lambda p: p.size_bytes,
                    last_offset=lambda p: p.last_offset, complete=lambda p: p.complete),
                    "run_id": batch.run_id, "updated_at": now})
            if rows:
                story_of = {} if batch.stories is None else {d.article_id: d.story_id for d in batch.stories.decisions}
                con.execute(load_sql("insert_articles"), {**_columns(
                    rows, id=lambda r: r[0].id, raw_hash=lambda r: r[0].raw_hash, origin=lambda r: r[0].origin,
                    url=lambda r: r[0].url, canonical_url=lambda r: r[0].canonical_url,
                    source=lambda r: r[0].source, sitename=lambda r: r[0].sitename, title=lambda r: r[0].title,
                    author=lambda r: r[0].author, published_at=lambda r: r[0].published_at,
                    published_date_only=lambda r: r[0].published_date_only,
                    published_utc_offset_minutes=lambda r: _minutes(r[0].published_utc_offset),
                    language=lambda r: r[0].language, text=lambda r: r[0].text,
                    text_hash=lambda r: r[0].text_hash, word_count=lambda r: r[0].word_count,
                    extractor=lambda r: r[0].extractor, extractor_version=lambda r: r[0].extractor_version,
                    dedup_status=lambda r: r[1].status.value, similarity=lambda r: r[1].similarity,
                    containment=lambda r: r[1].containment, cluster_id=lambda r: r[1].cluster_id,
                    story_id=lambda r: story_of.get(r[0].id)), "run_id": batch.run_id, "ingested_at": now})
                _insert_signatures(con, [(article.id, signature) for article, _, signature in rows], signature_scheme)
                grown = sorted({decision.cluster_id for _, decision, _ in rows if decision.duplicate_of})
                if grown:
                    con.execute(load_sql("resolve_canonical_members"), {"cluster_ids": grown})
                removed = [(article.id, line) for article, _, _ in rows for line in article.removed]
                if removed:
                    con.execute(load_sql("insert_removed_lines"), _columns(
                        removed, article_id=lambda r: r[0], position=lambda r: r[1].position,
                        line=lambda r: r[1].line, rule=lambda r: r[1].rule))
            _count_source_lines(con, batch.source_lines, now)
            if batch.stories is not None and rows:
                _land_stories(con, batch.stories)
            if batch.reuse:
                _insert_text_reuse(con, batch.reuse, batch.run_id)
            if batch.rejections:
                con.execute(load_sql("insert_rejections"), {**_columns(
                    batch.rejections, doc_id=lambda r: r.doc_id, origin=lambda r: r.origin,
                    stage=lambda r: r.stage, reason=lambda r: r.reason, message=lambda r: r.message,
                    raw_hash=lambda r: r.raw_hash), "run_id": batch.run_id, "rejected_at": now})

    def dedup_settings(self) -> LshSettings | None:
        """The dedup parameters stored by `newsingest rededup`, if it ever ran on this warehouse."""
        from newsingest.dedup.index import LshSettings, SignatureSettings

        with self.transaction() as con:
            row = con.execute(load_sql("dedup_settings")).fetchone()
        if row is None:
            return None
        shingle_size, num_perm, seed, lead_words, threshold, lead_threshold, containment, char_threshold = row
        return LshSettings(threshold=threshold, lead_threshold=lead_threshold, containment_threshold=containment,
                           char_threshold=char_threshold if char_threshold is not None else LshSettings.char_threshold,
                           signature=SignatureSettings(shingle_size=shingle_size, num_perm=num_perm, seed=seed,
                                                       lead_words=lead_words))

    def rededup_inputs(self, scheme: str) -> list[RededupInput]:
        with self.transaction() as con:
            rows = con.execute(load_sql("rededup_inputs"), {"scheme": scheme}).fetchall()
        return [RededupInput(*row[:7], StoredSignature(*row[7:])) for row in rows]

    def replace_decisions(self, decisions: list[DedupDecision], signatures: dict[str, StoredSignature],
                          scheme: str, settings: LshSettings) -> None:
        """Store re-made decisions, recomputed signatures and the settings, in one transaction."""
        with self.transaction() as con:
            con.execute(load_sql("update_dedup_decisions"), _columns(
                decisions, id=lambda d: d.article_id, dedup_status=lambda d: d.status.value,
                duplicate_of=lambda d: d.duplicate_of, similarity=lambda d: d.similarity,
                containment=lambda d: d.containment, cluster_id=lambda d: d.cluster_id))
            if signatures:
                ids = list(signatures)
                con.execute(load_sql("replace_signatures"), {"article_id": ids})
                _insert_signatures(con, list(signatures.items()), scheme)
            con.execute(load_sql("resolve_canonical_members"), {"cluster_ids": None})
            con.execute(load_sql("align_cluster_stories"))
            s = settings.signature
            con.execute(load_sql("save_dedup_settings"), {
                "shingle_size": s.shingle_size, "num_perm": s.num_perm, "seed": s.seed, "lead_words": s.lead_words,
                "threshold": settings.threshold, "lead_threshold": settings.lead_threshold,
                "containment_threshold": settings.containment_threshold, "char_threshold": settings.char_threshold})

    def run_boilerplate(self, run_id: str, settings: BoilerplateSettings | None = None) -> dict[str, frozenset[str]]:
        """Line keys of each source's learned boilerplate (migration 002) that run `run_id` cleans with, recorded
        with it (migration 015): the latest earlier run's when that run did not complete, so that its rerun
        cleans as one uninterrupted run would; else read afresh. Call it after start_run."""
        from newsingest.extract.boilerplate import BoilerplateSettings

        settings = settings or BoilerplateSettings()
        with self.transaction() as con:
            inherited = con.execute(load_sql("inherited_boilerplate"), {"run_id": run_id}).fetchone()
            if inherited:
                sources, keys = inherited
            else:
                afresh = con.execute(load_sql("source_boilerplate"), {"min_articles": settings.min_articles,
                                                                      "min_share": settings.min_share}).fetchall()
                sources, keys = [source for source, _ in afresh], [key for _, key in afresh]
            clear, record = con.extract_statements(load_sql("record_run_boilerplate"))
            con.execute(clear)
            con.execute(record, {"run_id": run_id, "sources": sources, "line_hashes": keys})
        learned: dict[str, set[str]] = {}
        for source, key in zip(sources, keys, strict=True):
            learned.setdefault(source, set()).add(key)
        return {source: frozenset(keys) for source, keys in learned.items()}

    def query(self, sql: str, parameters: dict | list | None = None) -> tuple[list[str], list[tuple]]:
        """Run SQL read-only (so it works beside an ingest between its batches); returns columns and rows."""
        con = self.connect(read_only=True)
        try:
            cursor = con.execute(sql, parameters) if parameters else con.execute(sql)
            if cursor.description is None:
                return [], []
            return [column[0] for column in cursor.description], cursor.fetchall()
        finally:
            con.close()
