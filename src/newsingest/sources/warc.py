"""Web archives: WARC files (`.warc`, `.warc.gz`), such as Common Crawl's CC-NEWS, streamed record by record.

What becomes what:
- a `response` record with HTTP 200 and an HTML (or unlabelled) body becomes a RawDocument whose bytes
  stay in the WARC file: it carries a WarcPointer (file + record offset) and the raw archive keeps that;
- a `response` that cannot be an article (other status or content type, too large, truncated, an HTTP
  encoding that cannot be undone) and unreadable stretches of the file become Rejections, like any
  other refused input, one row each, so "why is this URL missing?" has an answer in SQL;
- records that are not documents (request, metadata, warcinfo, revisit, ...) and records the load
  filters exclude are only counted, by reason: they are not inputs, and a row for each would cost more
  than the filter saves.

Progress is explicit and the source's own (WarcSource.progress): each batch lands, in its transaction, a
WarcProgress per file it holds records of or finished, so a rerun resumes after the last landed record.
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import brotli
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from newsingest.records import RawDocument, Rejection, WarcPointer, WarcProgress, document_id
from newsingest.sources.base import SourceItem, SourceProgress
from newsingest.sources.files import DEFAULT_MAX_BYTES, content_suffix

if TYPE_CHECKING:
    from newsingest.sources.registry import SourceOptions

WARC_SUFFIX = ".warc"
HTML_TYPES = ("text/html", "application/xhtml+xml")
KEPT_HEADERS = ("Content-Type", "Last-Modified", "ETag")
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
SCAN_CHUNK = 1 << 16
# fastwarc raises OSError for broken gzip data and ValueError/RuntimeError for unparsable records.
CORRUPT_ERRORS = (OSError, ValueError, RuntimeError)

WarcStateLookup = Callable[[str], WarcProgress | None]


def is_warc(path: Path) -> bool:
    return content_suffix(path) == WARC_SUFFIX


def _host_matches(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


@dataclass(frozen=True, slots=True)
class WarcFilters:
    """Load-time filters, decided on the WARC headers before the payload is read.

    A host entry matches the host and its subdomains ("example.com" matches "www.example.com"); a denied
    host is skipped even when it is also allowed. The date range is on the fetch date (WARC-Date, UTC),
    both ends inclusive: the publication date is only known after extraction.
    """

    allow_hosts: tuple[str, ...] = ()
    deny_hosts: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    @classmethod
    def of(cls, allow_hosts: Iterable[str] = (), deny_hosts: Iterable[str] = (), since: date | None = None,
           until: date | None = None) -> WarcFilters:
        def normalise(hosts: Iterable[str]) -> tuple[str, ...]:
            return tuple(h.strip().lower().strip(".") for h in hosts if h.strip())
        return cls(normalise(allow_hosts), normalise(deny_hosts), since, until)

    def skip_reason(self, url: str, fetched_at: datetime | None) -> str | None:
        host = (urlsplit(url).hostname or "").lower()
        if self.deny_hosts and _host_matches(host, self.deny_hosts):
            return "host_denied"
        if self.allow_hosts and not _host_matches(host, self.allow_hosts):
            return "host_not_allowed"
        if fetched_at is not None and (self.since or self.until):
            day = fetched_at.astimezone(UTC).date()
            if (self.since and day < self.since) or (self.until and day > self.until):
                return "outside_date_range"
        return None


@dataclass(frozen=True, slots=True)
class WarcOptions:
    filters: WarcFilters = field(default_factory=WarcFilters)
    force: bool = False  # read files already ingested again, from the start (landed records stay seen)
    max_bytes: int = DEFAULT_MAX_BYTES  # largest payload accepted as a document


@dataclass(frozen=True, slots=True)
class WarcFileEnd:
    """Follows a WARC file's last item in read_warc's stream; WarcSource keeps it for the batch cut next."""

    path: str
    size_bytes: int
    how: str  # "read", "resumed" (after an interrupted run) or "already_ingested" (not read again)
    skipped: dict[str, int]  # records counted, not landed, by reason (record type or filter)


def _origin(pointer: WarcPointer) -> str:
    return f"{pointer.path}@{pointer.offset}"


def _reject(pointer: WarcPointer, reason: str, message: str, kind: str = "warc", url: str | None = None) -> Rejection:
    """A refused record. Its origin is its URL when it has one (what analysts look for, and the outlet
    source-health counts it against), else its place in the file; the message always names that place.

    The id names the record, not its URL: a 404 must not hide a later 200 capture of the same page.
    """
    return Rejection(doc_id=document_id(f"{kind}:{_origin(pointer)}", b""), origin=url or _origin(pointer),
                     stage="source", reason=reason, message=f"{_origin(pointer)}: {message}" if url else message,
                     warc=pointer)


def response_item(record: WarcRecord, pointer: WarcPointer, max_bytes: int) -> SourceItem:
    """A response record as a document, or the reason it cannot be one. Reads the payload last."""
    url = record.headers.get("WARC-Target-URI")
    if not url:
        return _reject(pointer, "no_url", "response record without WARC-Target-URI")
    status = record.http_headers.status_code if record.is_http else None
    if status != 200:
        return _reject(pointer, "http_status", f"HTTP status {status}, not 200", url=url)
    content_type = record.http_content_type
    if content_type is not None and content_type.lower() not in HTML_TYPES:
        return _reject(pointer, "not_html", f"content type {content_type}, not HTML", url=url)
    if record.content_length > max_bytes:
        return _reject(pointer, "too_large", f"payload of {record.content_length:,} bytes is over "
                                             f"the {max_bytes:,}-byte limit", url=url)
    payload = record.reader.read()
    if len(payload) < record.content_length:
        return _reject(pointer, "truncated_record",
                       f"payload has {len(payload):,} of {record.content_length:,} bytes (cut-off file?)", url=url)
    try:
        body = http_body(payload, record.http_headers, max_bytes)
    except OverflowError:
        return _reject(pointer, "too_large", f"more than {max_bytes:,} bytes once decompressed", url=url)
    except (ValueError, zlib.error, brotli.error) as exc:
        return _reject(pointer, "undecodable_payload", f"cannot undo the HTTP encoding: {exc}", url=url)
    headers = {name: value for name in KEPT_HEADERS if (value := record.http_headers.get(name))}
    headers["WARC-Record-ID"] = record.record_id or ""
    return RawDocument(origin=_origin(pointer), body=body, url=url, content_type=content_type,
                       fetched_at=record.record_date, status=status, headers=headers,
                       encoding=record.http_charset, warc=pointer)


def _dechunk(data: bytes) -> bytes:
    """The body of a chunked HTTP message; ValueError when the chunk framing is broken."""
    chunks, position = [], 0
    while True:
        line_end = data.index(b"\r\n", position)
        size = int(data[position:line_end].split(b";")[0].strip() or b"x", 16)
        if size == 0:
            return b"".join(chunks)
        start = line_end + 2
        if start + size > len(data):
            raise ValueError("a chunk runs past the end of the payload")
        chunks.append(data[start:start + size])
        position = start + size + 2


def _decompress(data: bytes, coding: str, max_bytes: int) -> bytes:
    """Undo one Content-Encoding, producing at most max_bytes (OverflowError past that: a bomb)."""
    if coding == "br":
        output = brotli.Decompressor().process(data, output_buffer_limit=max_bytes + 1)
    else:  # gzip, x-gzip, deflate: wbits 47 reads gzip and zlib headers, -15 raw deflate (old servers)
        try:
            output = zlib.decompressobj(wbits=47).decompress(data, max_bytes + 1)
        except zlib.error:
            if coding != "deflate":
                raise
            output = zlib.decompressobj(wbits=-15).decompress(data, max_bytes + 1)
    if len(output) > max_bytes:
        raise OverflowError(coding)
    return output


def http_body(payload: bytes, http_headers, max_bytes: int) -> bytes:
    """The page as served: transfer and content encodings undone. Common Crawl archives payloads decoded
    (with the headers renamed X-Crawler-*), wget, Heritrix and Browsertrix as sent (chunked, gzipped)."""
    if "chunked" in (http_headers.get("Transfer-Encoding") or "").lower():
        payload = _dechunk(payload)
    codings = [c.strip().lower() for c in (http_headers.get("Content-Encoding") or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip", "deflate", "br"):
            payload = _decompress(payload, coding, max_bytes)
        elif coding != "identity":
            raise ValueError(f"unknown content encoding {coding!r}")
    return payload


def _is_member_start(handle, offset: int) -> bool:
    """Whether a gzip member really starts here: 1f 8b 08 also occurs by chance inside compressed data."""
    handle.seek(offset)
    try:
        zlib.decompressobj(wbits=31).decompress(handle.read(SCAN_CHUNK), 64)
    except zlib.error:
        return False
    return True


def _next_record_start(handle, after: int, gzipped: bool) -> int | None:
    """Offset of the next gzip member (or WARC header) at or after `after`: where reading can resume."""
    magic = GZIP_MAGIC if gzipped else b"\n" + WARC_MAGIC
    position = after
    while True:
        handle.seek(position)
        data = handle.read(SCAN_CHUNK + len(magic))
        found = data.find(magic)
        if found >= 0:
            candidate = position + found + (0 if gzipped else 1)
            if not gzipped or _is_member_start(handle, candidate):
                return candidate
            position = candidate + 1
        elif len(data) <= len(magic):
            return None
        else:
            position += SCAN_CHUNK


@dataclass(frozen=True, slots=True)
class _Damage:
    """An unreadable stretch of a WARC file: where it starts (as far as known) and what went wrong."""

    offset: int
    what: str  # "the record at this offset" or "data after the record at this offset"
    error: str


def _converted(handle, start: int, gzipped: bool,
               convert: Callable[[WarcRecord], SourceItem | None]) -> Iterator[SourceItem]:
    """`convert` applied to the records from `start` on.

    A damaged stretch (broken gzip data, unparsable headers, a payload that cannot be read, a record cut
    off at the end) becomes one Rejection, and reading resumes at the next gzip member (or WARC header)
    after it: one bad record does not cost the rest of a 1 GB file.
    """
    position: int | None = start
    damage: _Damage | None = None
    while position is not None:
        handle.seek(position)
        last: int | None = None
        converting = False
        try:
            for record in ArchiveIterator(handle):
                last, converting = record.stream_pos, True
                item = convert(record)
                converting = False
                if damage is not None:
                    yield _damage_rejection(handle.name, damage, resumed_at=last)
                    damage = None
                if item is not None:
                    yield item
            failure = None
        except CORRUPT_ERRORS as exc:
            failure = f"{type(exc).__name__}: {exc}"
        after = last if last is not None else position
        position = _next_record_start(handle, after + 1, gzipped)
        if failure is None and position is not None:
            failure = "the reader stopped before a record that follows"
        if failure is not None and damage is None:
            what = "the record at this offset" if converting or last is None else "data after the record at this offset"
            damage = _Damage(after, what, failure)
    if damage is not None:
        yield _damage_rejection(handle.name, damage, resumed_at=None)


def _damage_rejection(path: str, damage: _Damage, resumed_at: int | None) -> Rejection:
    # Damage after a record shares that record's offset, so its id has a kind of its own.
    if resumed_at is None:  # damage that runs to the end of the file: a file cut off while written or copied
        return _reject(WarcPointer(path, damage.offset), "truncated_record",
                       f"cannot read {damage.what} to its end ({damage.error}); the file ends there", "warc-damage")
    return _reject(WarcPointer(path, damage.offset), "corrupt_warc",
                   f"cannot read {damage.what} ({damage.error}); reading resumed at offset {resumed_at}",
                   "warc-damage")


def read_warc(path: Path, options: WarcOptions = WarcOptions(),
              state: WarcProgress | None = None) -> Iterator[SourceItem | WarcFileEnd]:
    """Stream one WARC file's documents and rejections, then its WarcFileEnd.

    `state` is what earlier runs committed for this file: a complete file is not read again (unless
    forced), an interrupted one is read from its last committed record on, that record itself skipped.
    """
    path = path.resolve()
    try:
        size = path.stat().st_size
        handle = open(path, "rb")
    except OSError as exc:
        yield _reject(WarcPointer(str(path), 0), "unreadable", f"cannot read file: {exc}")
        return
    known = state if state is not None and state.size_bytes == size and not options.force else None
    if known is not None and known.complete:
        handle.close()
        yield WarcFileEnd(str(path), size, "already_ingested", {})
        return
    resume_at = known.last_offset if known is not None else None
    skipped: Counter[str] = Counter()

    def convert(record: WarcRecord) -> SourceItem | None:
        nonlocal resume_at
        if resume_at is not None:
            committed = record.stream_pos == resume_at
            resume_at = None
            if committed:
                return None  # the interrupted run landed it
        pointer = WarcPointer(str(path), record.stream_pos)
        if not record.headers.get("Content-Length"):
            return _reject(pointer, "truncated_record", "the record's WARC headers end early (cut-off file?)")
        if record.record_type != WarcRecordType.response:
            skipped[str(record.record_type)] += 1
            return None
        url = record.headers.get("WARC-Target-URI") or ""
        reason = options.filters.skip_reason(url, record.record_date)
        if reason:
            skipped[reason] += 1
            return None
        return response_item(record, pointer, options.max_bytes)

    start = resume_at or 0
    with handle:
        gzipped = handle.read(len(GZIP_MAGIC)) == GZIP_MAGIC
        yield from _converted(handle, start, gzipped, convert)
    yield WarcFileEnd(str(path), size, "read" if start == 0 and known is None else "resumed", dict(skipped))


class WarcSource:
    """WARC files in turn. `state_of` (the warehouse's committed progress) is asked as each file starts, so
    it sees what the batches before it landed."""

    def __init__(self, paths: list[Path], options: WarcOptions = WarcOptions(),
                 state_of: WarcStateLookup | None = None):
        self.paths = paths
        self.options = options
        self.state_of = state_of
        self._ended: list[WarcFileEnd] = []  # files finished since the last batch was cut

    def items(self) -> Iterator[SourceItem]:
        for path in self.paths:
            state = self.state_of(str(path.resolve())) if self.state_of else None
            for item in read_warc(path, self.options, state):
                if isinstance(item, WarcFileEnd):
                    self._ended.append(item)
                else:
                    yield item

    def progress(self, batch: Sequence[SourceItem]) -> SourceProgress:
        """How far each WARC file got with this batch: the last record of each file in it (items of a file
        arrive in file order) and, complete, the files finished since the last batch was cut (their last
        records are in this batch or landed before it)."""
        ends, self._ended = self._ended, []
        last_offsets: dict[str, int] = {}
        for item in batch:
            if item.warc is not None:
                last_offsets[item.warc.path] = item.warc.offset
        finished = {end.path: end for end in ends if end.how != "already_ingested"}
        progress = SourceProgress(files_finished=Counter(end.how for end in ends))
        for end in ends:
            progress.skipped_records.update(end.skipped)
        for path in dict.fromkeys([*last_offsets, *finished]):
            size = finished[path].size_bytes if path in finished else os.path.getsize(path)
            progress.warc.append(WarcProgress(path=path, size_bytes=size, last_offset=last_offsets.get(path),
                                              complete=path in finished))
        return progress


class WarcKind:
    """Registered in sources/registry.py."""

    name = "warc"
    suffixes = frozenset({WARC_SUFFIX})

    def claims(self, value: str) -> bool:
        return is_warc(Path(value))

    def open(self, inputs: list[str], options: SourceOptions) -> WarcSource:
        return WarcSource([Path(i) for i in inputs], options.warc or WarcOptions(max_bytes=options.max_bytes),
                          options.warc_state)


WARC = WarcKind()


class ArchiveMoved(RuntimeError):
    """The WARC file a raw_documents row points to is gone or no longer holds the archived bytes."""


def archived_body(pointer: WarcPointer, url: str | None, raw_hash: str) -> bytes:
    """The archived bytes of a raw_documents row that keeps a WARC pointer instead of a copy."""
    try:
        item = read_document_at(pointer, url)
    except CORRUPT_ERRORS as exc:  # OSError included: a missing file
        raise ArchiveMoved(f"cannot read {_origin(pointer)}, where the raw archive keeps {url}: {exc}") from exc
    if not isinstance(item, RawDocument) or item.raw_hash != raw_hash:
        raise ArchiveMoved(f"{_origin(pointer)} no longer holds the archived bytes of {url}: was the file replaced?")
    return item.body


def read_document_at(pointer: WarcPointer, url: str | None = None,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> SourceItem:
    """Read one response again from its WARC file (re-extraction from the raw archive's pointer).

    In a non-conforming .warc.gz with several records per gzip member, `url` picks the right one.
    """
    with open(pointer.path, "rb") as handle:
        handle.seek(pointer.offset)
        for record in ArchiveIterator(handle, record_types=WarcRecordType.response):
            if record.stream_pos != pointer.offset:
                break
            if url is None or record.headers.get("WARC-Target-URI") == url:
                return response_item(record, pointer, max_bytes)
    return _reject(pointer, "not_found", "no response record at this offset")
