"""The one place source kinds are registered, and where every entry point (CLI, flows) classifies its inputs.

Adding a source kind: write one module with a Source (items + progress, see sources/base.py) and a
SourceKind (which inputs it claims, how to open them), and add the kind to SOURCE_KINDS (README "Adding a
source").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsingest.records import Rejection, document_id
from newsingest.sources.base import Source, SourceItem, SourceKind, SourceProgress
from newsingest.sources.files import DEFAULT_MAX_BYTES, FILES, scan_paths
from newsingest.sources.warc import WARC, WarcOptions, WarcStateLookup
from newsingest.sources.web import WEB, WebCrawl

# In reading order: a run reads the web inputs first, then local files, then WARC files. An input (or a file
# found in a folder) belongs to the first kind that claims it; a named file no kind claims goes to FILES.
SOURCE_KINDS: tuple[SourceKind, ...] = (WEB, FILES, WARC)
FALLBACK_KIND: SourceKind = FILES


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """What the kinds need to open their inputs."""

    max_bytes: int = DEFAULT_MAX_BYTES  # largest document accepted from a file or record
    warc: WarcOptions | None = None  # filters, force; by default WarcOptions(max_bytes=max_bytes)
    warc_state: WarcStateLookup | None = None  # committed WARC progress (Warehouse.warc_progress): resume
    web: WebCrawl | None = None  # the caller's crawl (fetch settings, state, stop); by default a stateless one


@dataclass(slots=True)
class Classified:
    """A run's inputs by kind, in reading order, with the paths that do not exist and the folder entries
    no kind reads."""

    inputs: dict[str, list[str]] = field(default_factory=lambda: {kind.name: [] for kind in SOURCE_KINDS})
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _claimant(value: str, kinds: Sequence[SourceKind]) -> SourceKind | None:
    return next((kind for kind in kinds if kind.claims(value)), None)


def classify(inputs: list[str]) -> Classified:
    """Which kind reads each input; folders are expanded (recursively, sorted) to the files a kind reads."""
    found = Classified()
    suffixes = frozenset().union(*(kind.suffixes for kind in SOURCE_KINDS))
    file_kinds = [kind for kind in SOURCE_KINDS if kind.suffixes]
    other_kinds = [kind for kind in SOURCE_KINDS if not kind.suffixes]  # inputs that are not paths (URLs)
    for value in inputs:
        kind = _claimant(value, other_kinds)
        if kind is not None:
            found.inputs[kind.name].append(value)
            continue
        path = Path(value)
        if not path.exists():
            found.missing.append(str(path))
            continue
        scan = scan_paths([path], suffixes)
        for file in scan.files:
            kind = _claimant(str(file), file_kinds) or FALLBACK_KIND
            found.inputs[kind.name].append(str(file))
        found.skipped += [str(p) for p in scan.skipped]
    return found


def expected_documents(inputs: list[str]) -> int:
    """About how many documents the inputs hold (a file or URL counts once, a JSONL file too), for progress."""
    classified = classify(inputs)
    return sum(len(values) for values in classified.inputs.values())


@dataclass(slots=True)
class Sources:
    """The opened sources of one run: their items in reading order, and each batch's progress."""

    opened: list[Source]
    not_found: list[Rejection]
    skipped: list[str]  # folder entries no kind reads

    def items(self) -> Iterator[SourceItem]:
        return itertools.chain(self.not_found, *(source.items() for source in self.opened))

    def progress(self, batch: Sequence[SourceItem]) -> SourceProgress:
        progress = SourceProgress()
        for source in self.opened:
            progress = progress.merged(source.progress(batch))
        return progress


def open_sources(inputs: list[str], options: SourceOptions = SourceOptions()) -> Sources:
    """A run's inputs opened by the kinds that claim them; a path that does not exist is a not_found rejection."""
    classified = classify(inputs)
    not_found = [Rejection(doc_id=document_id(f"input:{value}", b""), origin=value, stage="source",
                           reason="not_found", message=f"no such file or directory: {value}")
                 for value in classified.missing]
    opened = [kind.open(classified.inputs[kind.name], options) for kind in SOURCE_KINDS
              if classified.inputs[kind.name]]
    return Sources(opened, not_found, classified.skipped)
