"""Content-Encoding decoded as it streams, in pieces of bounded size.

httpx decodes each network chunk whole before the caller can count it: 64 KB of brotli can expand to
gigabytes in one call. Here every decoder is asked for at most `piece` bytes at a time, so a size limit
checked between pieces bounds memory at the limit plus one piece, whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import brotli

PIECE_BYTES = 64 * 1024


class UndecodableBody(Exception):
    """The body does not decode with its declared Content-Encoding."""


def _zlib_pieces(chunks: Iterable[bytes], wbits: int, piece: int) -> Iterator[bytes]:
    decoder = zlib.decompressobj(wbits)
    seen = False
    for chunk in chunks:
        data, seen = chunk, seen or bool(chunk)
        while data and not decoder.eof:
            out = decoder.decompress(data, piece)
            data = decoder.unconsumed_tail
            if out:
                yield out
    if seen and not decoder.eof:  # an empty body (a bodiless error answer) is not a broken one
        raise UndecodableBody("the compressed body ends early")


def _deflate_pieces(chunks: Iterable[bytes], piece: int) -> Iterator[bytes]:
    """HTTP "deflate" is meant to be zlib-wrapped, but some servers send raw deflate (as httpx allows)."""
    iterator = iter(chunks)
    first = next(iterator, b"")
    wbits = zlib.MAX_WBITS
    try:
        zlib.decompressobj(wbits).decompress(first, 1)
    except zlib.error:
        wbits = -zlib.MAX_WBITS
    yield from _zlib_pieces(_chain(first, iterator), wbits, piece)


def _brotli_pieces(chunks: Iterable[bytes], piece: int) -> Iterator[bytes]:
    decoder = brotli.Decompressor()
    seen = False
    for chunk in chunks:
        seen = seen or bool(chunk)
        out = decoder.process(chunk, output_buffer_limit=piece)
        while True:
            if out:
                yield out
            if decoder.can_accept_more_data():
                break
            out = decoder.process(b"", output_buffer_limit=piece)
    # Output the last input implied but the limit held back.
    while seen and not decoder.is_finished() and (out := decoder.process(b"", output_buffer_limit=piece)):
        yield out
    if seen and not decoder.is_finished():
        raise UndecodableBody("the compressed body ends early")


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _decoded(chunks: Iterable[bytes], encoding: str, piece: int) -> Iterator[bytes]:
    if encoding in ("gzip", "x-gzip"):
        return _zlib_pieces(chunks, zlib.MAX_WBITS | 16, piece)
    if encoding == "deflate":
        return _deflate_pieces(chunks, piece)
    if encoding == "br":
        return _brotli_pieces(chunks, piece)
    return iter(chunks)  # identity, or an encoding httpx would not decode either


def decoded_pieces(raw: Iterable[bytes], content_encoding: str | None,
                   piece: int = PIECE_BYTES) -> Iterator[bytes]:
    """The decoded body as pieces of at most `piece` bytes (identity chunks pass as they came); the
    encodings of a header listing several are undone last first."""
    encodings = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
    chunks: Iterable[bytes] = raw
    for encoding in reversed(encodings):
        chunks = _decoded(chunks, encoding, piece)
    try:
        yield from chunks
    except (zlib.error, brotli.error) as exc:
        raise UndecodableBody(f"{type(exc).__name__}: {exc}") from exc
