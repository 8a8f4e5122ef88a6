"""What every source kind implements (files, WARC, web; registered in sources/registry.py).

A source yields items (RawDocument or Rejection) and keeps its own progress: when the pipeline cuts a batch,
it asks each source what that batch commits for it (a WARC file's last landed record, the files it
finished). The batch carries that progress through the stages and lands it in its own transaction, so the
item stream holds documents only and a retried landing writes exactly its batch's progress.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from newsingest.records import RawDocument, Rejection, WarcProgress

if TYPE_CHECKING:
    from newsingest.sources.registry import SourceOptions

SourceItem = RawDocument | Rejection


@dataclass(slots=True)
class SourceProgress:
    """What one batch commits for its sources: resume points landed in its transaction, and counts for the
    run summary of the files it finished."""

    warc: list[WarcProgress] = field(default_factory=list)
    files_finished: Counter[str] = field(default_factory=Counter)  # WARC files, by how: read, resumed, ...
    skipped_records: Counter[str] = field(default_factory=Counter)  # records counted, not landed, by reason

    def __bool__(self) -> bool:
        return bool(self.warc or self.files_finished or self.skipped_records)

    def merged(self, other: SourceProgress) -> SourceProgress:
        return SourceProgress(self.warc + other.warc, self.files_finished + other.files_finished,
                              self.skipped_records + other.skipped_records)


class Source(Protocol):
    """One kind of input, opened on the inputs it claimed."""

    def items(self) -> Iterator[SourceItem]:
        """Documents, and rejections of what could not be read, in input order."""
        ...

    def progress(self, batch: Sequence[SourceItem]) -> SourceProgress:
        """What a batch cut now commits for this source; `batch` holds every item of the batch (of all
        sources). Called once per batch, in order, after the batch's last item was yielded."""
        ...


class SourceKind(Protocol):
    """A kind of source as the registry knows it: which inputs it claims and how to open them."""

    name: str
    # File suffixes it reads from folders (content suffix: `.html` also covers `.html.gz`); empty for
    # kinds whose inputs are not files in folders (URLs).
    suffixes: frozenset[str]

    def claims(self, value: str) -> bool:
        """Whether a given input (a path, URL, ...) or a file found in a folder is this kind's."""
        ...

    def open(self, inputs: list[str], options: SourceOptions) -> Source:
        ...
