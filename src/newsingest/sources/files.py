"""Local files: HTML, plain text and JSONL, each optionally gzipped, from paths or directory trees."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from newsingest.records import RawDocument, Rejection, document_id
from newsingest.sources.base import SourceItem, SourceProgress

if TYPE_CHECKING:
    from newsingest.sources.registry import SourceOptions

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES | JSONL_SUFFIXES

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A JSONL file is a container of many documents of any total size: it is read a record at a time, and only
# a record (a line) is held to max_bytes.
SKIP_BYTES = 1024 * 1024  # how much of an oversized record is read at a time while passing over it


@dataclass(slots=True)
class FileScan:
    """Which files a set of paths expands to, and which directory entries were passed over."""

    files: list[Path]
    skipped: list[Path]


def content_suffix(path: Path) -> str:
    """The suffix that says what a file holds: `a.html.gz` holds HTML."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def scan_paths(paths: Iterable[Path], suffixes: Iterable[str] = SUPPORTED_SUFFIXES) -> FileScan:
    """Expand directories recursively (sorted, hidden entries ignored) to the files whose content suffix is
    one of `suffixes`; named files are always kept."""
    suffixes = set(suffixes)
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for child in sorted(path.rglob("*")):
            if not child.is_file() or any(part.startswith(".") for part in child.relative_to(path).parts):
                continue
            (files if content_suffix(child) in suffixes else skipped).append(child)
    return FileScan(files=files, skipped=skipped)


def _rejection(origin: str, reason: str, message: str) -> Rejection:
    # A file that cannot be read has no trustworthy bytes; its path names it, so a rerun recognises it.
    return Rejection(doc_id=document_id(f"file:{origin}", b""), origin=origin, stage="source",
                     reason=reason, message=message)


def _open(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")


def read_limited(path: Path, max_bytes: int) -> bytes:
    """Read a file, gunzipping `.gz`, refusing more than max_bytes of *decompressed* output (gzip bombs)."""
    with _open(path) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OverflowError(f"more than {max_bytes} bytes")
    return data


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[SourceItem]:
    """One file's documents (a JSONL file holds many), or a rejection saying why it could not be read."""
    origin = str(path)
    suffix = content_suffix(path)
    if suffix not in SUPPORTED_SUFFIXES:
        yield _rejection(origin, "unsupported_file_type",
                         f"'{path.name}' is not {', '.join(sorted(SUPPORTED_SUFFIXES))} (optionally .gz)")
        return
    try:
        if suffix in JSONL_SUFFIXES:
            yield from read_jsonl(path, max_bytes)
            return
        data = read_limited(path, max_bytes)
        fetched_at = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OverflowError:
        yield _rejection(origin, "too_large", f"larger than the {max_bytes:,}-byte limit once decompressed")
        return
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield _rejection(origin, "corrupt_gzip", f"cannot decompress: {exc}")
        return
    except OSError as exc:
        yield _rejection(origin, "unreadable", f"cannot read file: {exc}")
        return
    content_type = "text/html" if suffix in HTML_SUFFIXES else "text/plain"
    yield RawDocument(origin=origin, body=data, content_type=content_type, fetched_at=fetched_at)


def _optional_str(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(f"field '{key}' must be a string, got {type(value).__name__}")
    return valid_unicode(value)


def valid_unicode(value: str) -> str:
    """The string with lone surrogates (valid as JSON escapes, not as Unicode) replaced by U+FFFD: they
    cannot be encoded as UTF-8, so neither hashing nor DuckDB would accept them."""
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def parse_jsonl_record(line: bytes, origin: str, fetched_at: datetime) -> SourceItem:
    """One JSONL line: `{"url", "title", "text"}` (already flat text) or `{"url", "html"}`."""
    try:
        record = json.loads(line)
    # ValueError covers JSONDecodeError, UnicodeDecodeError and numbers past int_max_str_digits;
    # RecursionError a 100k-deep array. Either is one bad line, not a reason to stop the run.
    except (ValueError, RecursionError) as exc:
        return _rejection(origin, "malformed_json", f"not valid JSON: {type(exc).__name__}: {exc}"[:500])
    if not isinstance(record, dict):
        return _rejection(origin, "invalid_record", f"expected a JSON object, got {type(record).__name__}")
    try:
        url = _optional_str(record, "url")
        html = _optional_str(record, "html")
        text = _optional_str(record, "text")
        title = _optional_str(record, "title")
        author = _optional_str(record, "author")
        published = _optional_str(record, "published_at") or _optional_str(record, "date")
    except TypeError as exc:
        return _rejection(origin, "invalid_record", str(exc))
    if html is None and text is None:
        return _rejection(origin, "invalid_record", "record has neither a 'text' nor an 'html' field")
    body, content_type = (html, "text/html") if html is not None else (text, "text/plain")
    # A record's title is its `title` field only: `text` is the article as given, its first paragraph
    # included (taking that for a title left a one-paragraph brief too short to keep).
    return RawDocument(origin=origin, body=body.encode("utf-8"), url=url, content_type=content_type,
                       fetched_at=fetched_at, encoding="utf-8", title_hint=title, author_hint=author,
                       published_hint=published, title_given=True)


def read_jsonl(path: Path, max_bytes: int) -> Iterator[SourceItem]:
    """A JSONL file of any size, one record at a time: memory stays at one record of at most max_bytes. A
    longer record is passed over (rejected with its size) and the records after it are read. A read error
    (a gzip stream cut short) ends the file there, after the records before it."""
    fetched_at = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    with _open(path) as handle:
        for number, line, size in _records(handle, max_bytes):
            line_origin = f"{path}:{number}"
            if line is None:
                yield _rejection(line_origin, "too_large",
                                 f"record of {size:,} bytes, larger than the {max_bytes:,}-byte limit")
            elif line.strip():
                yield parse_jsonl_record(line, line_origin, fetched_at)


def _records(handle: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line or None when longer than max_bytes, its size) for each line of the file."""
    number = 0
    while line := handle.readline(max_bytes + 1):
        number += 1
        if len(line.rstrip(b"\r\n")) <= max_bytes:
            yield number, line, len(line)
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := handle.readline(SKIP_BYTES)):
            size += len(line)
        yield number, None, size


def read_files(files: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[SourceItem]:
    for path in files:
        yield from read_file(path, max_bytes)


class FileSource:
    """Local files (HTML, text, JSONL), read in the order given; a batch commits nothing for them: a
    rerun recognises each landed document by its id."""

    def __init__(self, files: list[Path], max_bytes: int = DEFAULT_MAX_BYTES):
        self.files = files
        self.max_bytes = max_bytes

    def items(self) -> Iterator[SourceItem]:
        return read_files(self.files, self.max_bytes)

    def progress(self, batch: Sequence[SourceItem]) -> SourceProgress:
        return SourceProgress()


class FilesKind:
    """Registered in sources/registry.py; also reads named files no other kind claims (it rejects those
    it cannot read as unsupported_file_type)."""

    name = "files"
    suffixes = frozenset(SUPPORTED_SUFFIXES)

    def claims(self, value: str) -> bool:
        return content_suffix(Path(value)) in self.suffixes

    def open(self, inputs: list[str], options: SourceOptions) -> FileSource:
        return FileSource([Path(i) for i in inputs], options.max_bytes)


FILES = FilesKind()
