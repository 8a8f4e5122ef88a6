"""Extraction in worker processes, each document under a wall-clock and a memory limit.

A pathological page (a parser or regex stuck for minutes, a tree that needs gigabytes) must cost one
rejection, never the run, and never the other documents of its batch. So every worker extracts one
document at a time with its address space capped (RLIMIT_AS); the parent kills a worker whose document
runs past its deadline and starts a fresh one. Each worker has a pipe of its own: a killed or crashed
worker loses only the document it held. (ProcessPoolExecutor marks the whole pool broken when one worker
dies, failing every pending document; pebble shares one task channel between workers, which a worker
killed mid-read can leave blocked, pebble#97.)
"""

from __future__ import annotations

import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable
from itertools import count
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import NamedTuple

from newsingest.extract import ExtractSettings, _reject, extract_document
from newsingest.memory import release_free_memory
from newsingest.records import ArchivedRaw, Article, RawDocument, Rejection
from newsingest.stopping import STOP_SIGNALS
from newsingest.worker_server import worker_context

Outcome = Article | Rejection
# What a worker computes from each article beside its extraction (article_features.FeatureMaker): a
# picklable callable; its module is preloaded by the forkserver like this one (warm_up).
Annotate = Callable[[Article], object]


class Annotated(NamedTuple):
    """One document's extraction, as a worker sends it back."""

    outcome: Outcome
    features: object | None  # what `annotate` made of an article; None for a rejection
    # The document as the raw archive keeps it, when the run archives its inputs (RawDocument.archived): made
    # here, so the run's own process lands bytes it did not compress and can let go of the plain ones.
    archived: ArchivedRaw | None = None


READY = "ready"  # a worker's first message: warmed up and limited, the clock may start
START_TIMEOUT_S = 120.0  # imports and warm-up of a fresh worker on a loaded machine
# A worker hands what its documents freed back to the system every this many documents: glibc kept ~12 MB
# per worker after 60 real pages; a trim costs ~0.6 ms, ~1% of a page's extraction if done after each one.
RELEASE_EVERY = 8
# An article that goes all the way through (metadata, cleaning, language detection).
WARM_UP = RawDocument(origin="warm-up", content_type="text/html", body=(
    b"<html><head><title>Harbour road gets cycle lanes</title></head><body><article>"
    b"<h1>Harbour road gets cycle lanes</h1>"
    b"<p>The council voted on Tuesday to approve new cycle lanes along the harbour road, ending a debate "
    b"that had divided residents and shop owners for more than two years.</p>"
    b"<p>Work is due to start in the spring and should take about four months, the transport committee "
    b"said, with the road staying open to buses and delivery vans throughout.</p>"
    b"</article></body></html>"))


class WorkerStartError(RuntimeError):
    """An extraction worker died or hung before serving: a broken installation, not a bad document."""


@dataclass(frozen=True, slots=True)
class ExtractLimits:
    """Per-document limits. A 10 MB page (the source size limit) takes ~9 s and ~300 MB on one core here."""

    timeout_s: float = 60.0  # wall-clock seconds for one document, decode to cleaned text
    memory_mb: int = 1024  # address space a worker may add to its start-up size while extracting


def _address_space() -> int:
    """Bytes of virtual memory this process has mapped now (VmSize)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _extract_one(raw: RawDocument, settings: ExtractSettings, memory_mb: int,
                 annotate: Annotate | None = None, archive: bool = False) -> Annotated:
    """The document's outcome, what `annotate` made of it when it is an article, and (`archive`) the document
    as the raw archive keeps it."""
    features = None
    try:
        outcome = extract_document(raw, settings)
        if annotate is not None and isinstance(outcome, Article):
            features = annotate(outcome)
    except MemoryError:
        outcome = _reject(raw, "extract_memory", f"extraction needed more than the {memory_mb} MB memory limit")
    except Exception as exc:  # a parser failure on one page must cost that page only, and say what it was
        outcome = _reject(raw, "extract_error", f"extraction failed: {type(exc).__name__}: {exc}"[:1000])
    return Annotated(outcome, features, raw.archived() if archive else None)


def _serve(conn: Connection, settings: ExtractSettings, memory_mb: int, annotate: Annotate | None,
           archive: bool) -> None:
    """Worker loop: one document in, one outcome out, until the parent closes its end."""
    # The parent handles Ctrl-C and SIGTERM (StopOnSignal), which a terminal, a Prefect worker cancelling a run
    # or a service manager may send to the whole process group: a worker ended by one would only print a
    # traceback, or land its document as `extract_crash`, while the parent still lands what it read.
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    # The first extraction loads models (language identifier, trafilatura's tables): pay for it before
    # the clock and the memory cap apply, so each document is measured on its own cost.
    _extract_one(WARM_UP, settings, memory_mb, annotate)
    limit = _address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(READY)
    for served in count(1):
        try:
            raw = conn.recv()
        except EOFError:
            return
        conn.send(_extract_one(raw, settings, memory_mb, annotate, archive))
        if served % RELEASE_EVERY == 0:
            release_free_memory()


class _Worker:
    def __init__(self, context, settings: ExtractSettings, limits: ExtractLimits, annotate: Annotate | None,
                 archive: bool):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, settings, limits.memory_mb, annotate, archive),
                                       name="newsingest-extract", daemon=True)
        self.process.start()
        child.close()  # only the worker holds its end, so the worker's death reads as EOF here
        self.ready = False
        self.index: int | None = None  # position in the batch of the document it is extracting
        self.deadline = time.monotonic() + START_TIMEOUT_S  # to get ready, then to finish its document

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.process.close()


def _death_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = " (the kernel's OOM killer sends SIGKILL)" if name == "SIGKILL" else ""
        return f"the extraction worker died of {name}{hint} while extracting this document"
    return f"the extraction worker exited with status {exitcode} while extracting this document"


class ExtractWorkers:
    """A fixed number of guarded worker processes, started on first use and kept for the run."""

    def __init__(self, workers: int, settings: ExtractSettings, limits: ExtractLimits = ExtractLimits(),
                 annotate: Annotate | None = None, archive: bool = False):
        self.size = max(1, workers)
        self.settings = settings
        self.limits = limits
        self.annotate = annotate
        self.archive = archive  # each outcome comes with its document as the raw archive keeps it
        # Starting (or replacing) a worker forks a warm process, not seconds of imports (worker_server.py).
        self._context = worker_context()
        self._workers: list[_Worker] = []

    def __enter__(self) -> ExtractWorkers:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        self._workers[self._workers.index(worker)] = self._start()

    def _start(self) -> _Worker:
        return _Worker(self._context, self.settings, self.limits, self.annotate, self.archive)

    def _assign(self, worker: _Worker, index: int, raw: RawDocument) -> bool:
        """Hand a document to an idle worker; False when the worker turned out dead (not the document's fault)."""
        try:
            worker.conn.send(raw)
        except OSError:  # killed from outside while idle
            self._replace(worker)
            return False
        worker.index = index
        worker.deadline = time.monotonic() + self.limits.timeout_s
        return True

    def extract(self, raws: list[RawDocument]) -> list[Outcome]:
        """One outcome per document, in input order; a stuck or crashed document becomes a Rejection."""
        return [annotated.outcome for annotated in self.extract_annotated(raws)]

    def extract_annotated(self, raws: list[RawDocument]) -> list[Annotated]:
        """Each document's outcome with what `annotate` made of it (None for rejections), in input order."""
        while len(self._workers) < min(self.size, len(raws)):
            self._workers.append(self._start())
        outcomes: list[Annotated | None] = [None] * len(raws)
        queue = deque(range(len(raws)))
        while True:
            for worker in self._workers:
                if queue and worker.ready and worker.index is None:
                    index = queue.popleft()
                    if not self._assign(worker, index, raws[index]):
                        queue.appendleft(index)
            waiting = [w for w in self._workers if not w.ready or w.index is not None]
            if not queue and all(w.index is None for w in waiting):
                return outcomes  # type: ignore[return-value]  # every slot is filled by now
            timeout = max(0.0, min(w.deadline for w in waiting) - time.monotonic())
            ready = wait([w.conn for w in waiting], timeout)
            for worker in waiting:
                if not worker.ready:
                    self._await_start(worker, worker.conn in ready)
                elif worker.conn in ready:
                    self._collect(worker, raws, outcomes)
                elif time.monotonic() >= worker.deadline:
                    outcomes[worker.index] = self._failed(
                        raws[worker.index], "extract_timeout",
                        f"extraction took longer than {self.limits.timeout_s:g}s; stopped")
                    self._replace(worker)

    def _await_start(self, worker: _Worker, has_message: bool) -> None:
        if has_message:
            try:
                worker.ready = worker.conn.recv() == READY
            except (EOFError, OSError):
                worker.process.join(5)
                raise WorkerStartError(f"an extraction worker failed to start: "
                                       f"{_death_message(worker.process.exitcode)}") from None
        elif time.monotonic() >= worker.deadline:
            raise WorkerStartError(f"an extraction worker did not start within {START_TIMEOUT_S:g}s")

    def _collect(self, worker: _Worker, raws: list[RawDocument], outcomes: list[Annotated | None]) -> None:
        """The outcome of a worker's document, or the rejection saying how the worker died on it."""
        try:
            outcomes[worker.index] = worker.conn.recv()
            worker.index = None
        except (EOFError, OSError):
            worker.process.join(5)
            outcomes[worker.index] = self._failed(raws[worker.index], "extract_crash",
                                                  _death_message(worker.process.exitcode))
            self._replace(worker)

    def _failed(self, raw: RawDocument, reason: str, message: str) -> Annotated:
        """A document whose worker was stopped or died: its rejection, archived here."""
        return Annotated(_reject(raw, reason, message), None, raw.archived() if self.archive else None)
