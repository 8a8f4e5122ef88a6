"""What a long ingest shows while it runs: documents read or fetched one by one against the total when it
is known (files counted up front, article links once a listing is read), an ETA, what landed so far, and
how far the fetch of each web host got. Before, the bar moved once per landed batch of 512 and showed
"0/?": a 10,000-link feed looked dead for minutes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

from newsingest.records import RawDocument, Rejection

WEB_PREFIXES = ("http://", "https://")
MAX_HOST_LINES = 8  # the busiest hosts get a line each; the rest are counted in the totals only


def _host(item: RawDocument | Rejection) -> str | None:
    url = item.url if isinstance(item, RawDocument) else item.origin
    return urlsplit(url).hostname if url and url.startswith(WEB_PREFIXES) else None


class IngestProgress:
    """A rich progress display on stderr. `requested` is a callable giving the article links the web part
    has asked for so far (CrawlStats.articles_requested), which raises the total once a feed is read."""

    def __init__(self, console: Console, expected: int, requested=lambda: 0):
        self.expected = expected
        self.requested = requested
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
                                 TimeRemainingColumn(), console=console, transient=True)
        self.documents: TaskID | None = None
        self.hosts: dict[str, TaskID] = {}
        self.fetched: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()

    def __enter__(self) -> IngestProgress:
        self.progress.start()
        self.documents = self.progress.add_task("reading", total=self.expected or None)
        return self

    def __exit__(self, *exc_info) -> None:
        self.progress.stop()

    def counted(self, items: Iterable[RawDocument | Rejection]) -> Iterator[RawDocument | Rejection]:
        """The items unchanged, the display advanced by each one as it is read or fetched."""
        for item in items:
            self._advance(item)
            yield item

    def _advance(self, item: RawDocument | Rejection) -> None:
        self.progress.advance(self.documents)
        done = self.progress.tasks[self.documents].completed
        # A JSONL file counted once may hold many documents: the total is never below what was read.
        total = max(self.expected + self.requested(), done) or None
        self.progress.update(self.documents, total=total)
        if host := _host(item):
            (self.fetched if isinstance(item, RawDocument) else self.refused)[host] += 1
            self._show_host(host)

    def _show_host(self, host: str) -> None:
        description = f"  {host}: {self.fetched[host]} fetched, {self.refused[host]} refused"
        done = self.fetched[host] + self.refused[host]
        if host in self.hosts:
            self.progress.update(self.hosts[host], description=description, completed=done)
        elif len(self.hosts) < MAX_HOST_LINES:
            # A host's own total is not known ahead (its links are fetched interleaved with other hosts').
            self.hosts[host] = self.progress.add_task(description, total=None, completed=done)

    def landed(self, seen: int, new: int, duplicates: int, rejected: int) -> None:
        """After each landed batch: what the warehouse holds of this run so far."""
        self.progress.update(self.documents, description=f"landed {seen} (new {new} · duplicates {duplicates} "
                                                         f"· rejected {rejected}) · read")
