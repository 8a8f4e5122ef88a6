"""Bytes to text: refuse binary payloads, then find the charset (declared, BOM, UTF-8, detected)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Formats that arrive with news-like file names often enough to deserve a precise rejection message.
MAGIC_NUMBERS = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x7fELF": "ELF executable",
    b"\x1f\x8b": "gzip stream",
    b"RIFF": "RIFF media file",
}
BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
SNIFF_BYTES = 8192
# Characters that carry no text: ANSI terminal escapes, C0 controls other than tab and line breaks (stray
# NULs from broken exports), zero-width spaces and word joiners, BOMs inside the text, and bidi embeddings,
# overrides and isolates (they make displayed text differ from stored text and split words for dedup).
# ZWJ/ZWNJ stay (emoji sequences, Persian and Indic spelling need them), as do LRM/RLM marks in RTL text.
# One character class first (ESC is in it; the rest of a terminal escape follows an ESC only), so the engine
# scans a page for the class at C speed; an escape|class alternation was tried at every character.
INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]"
                       r"(?:(?<=\x1b)\[[0-?]*[ -/]*[@-~])?")


class Undecodable(ValueError):
    """Raised with a reason code (`binary_content`, `empty`, `undecodable`) and a human message."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(slots=True, frozen=True)
class DecodedText:
    text: str
    encoding: str
    how: str  # "bom", "utf-16 pattern", "utf-8", "declared", "meta", "utf-8 repaired" or "detected"


def utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 of mostly Latin text has a NUL in every other byte; which half says the byte order."""
    half = len(head) // 2
    if half < 4:
        return None
    even, odd = head[0::2], head[1::2]
    for nul_half, char_half, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nul_half.count(0) > 0.4 * half and not _mostly_control(char_half):
            return codec
    return None


def _mostly_control(data: bytes) -> bool:
    controls = sum(1 for byte in data if byte < 0x09 or 0x0E <= byte < 0x20)
    return controls > 0.05 * len(data)


def sniff_binary(body: bytes) -> str | None:
    """Name of the binary format of `body`, or None when it may be text."""
    for magic, name in MAGIC_NUMBERS.items():
        if body.startswith(magic):
            return name
    head = body[:SNIFF_BYTES]
    if any(head.startswith(bom) for bom, _ in BOMS) or utf16_without_bom(head):
        return None
    if head.count(b"\x00") > len(head) // 10:
        return "binary data (NUL bytes)"
    return None


def _try(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a truncated or spliced export), with U+FFFD for them.

    Valid multi-byte characters outnumbering the broken bytes say the text is UTF-8; a guessed single-byte
    charset would turn every one of them into mojibake to save the few broken ones.
    """
    valid = body.decode("utf-8", "ignore")
    valid_bytes = len(valid.encode("utf-8"))
    broken, multibyte = len(body) - valid_bytes, valid_bytes - len(valid)
    if 0 < broken <= multibyte and broken <= len(body) // 100:
        return body.decode("utf-8", "replace")
    return None


def decode(body: bytes, declared: str | None = None) -> DecodedText:
    """Decode a document's bytes (see `decode_charset`) and drop the characters that carry no text."""
    decoded = decode_charset(body, declared)
    return DecodedText(INVISIBLE.sub("", decoded.text), decoded.encoding, decoded.how)


def decode_charset(body: bytes, declared: str | None = None) -> DecodedText:
    """Decode a document's bytes; the order is BOM, UTF-8, declared charset, HTML meta, detection.

    Valid UTF-8 wins over a declared single-byte charset: multi-byte UTF-8 sequences almost never occur
    by chance, while "charset=iso-8859-1" on UTF-8 pages is a common mislabel that would give mojibake.
    """
    if not body.strip():
        raise Undecodable("empty", "the document is empty or only whitespace")
    binary = sniff_binary(body)
    if binary:
        raise Undecodable("binary_content", f"the bytes are a {binary}, not text")
    for bom, encoding in BOMS:
        if body.startswith(bom):
            text = _try(body, encoding)
            if text is not None:
                return DecodedText(text, encoding, "bom")
    candidates = [(utf16_without_bom(body[:SNIFF_BYTES]), "utf-16 pattern"), ("utf-8", "utf-8"),
                  (declared, "declared")]
    meta = META_CHARSET.search(body[:SNIFF_BYTES])
    if meta:
        candidates.append((meta.group(1).decode("ascii", "ignore"), "meta"))
    for encoding, how in candidates:
        if encoding and (text := _try(body, encoding)) is not None:
            return DecodedText(text, encoding.lower(), how)
    if (text := _mostly_utf8(body)) is not None:
        return DecodedText(text, "utf-8", "utf-8 repaired")
    detected = from_bytes(body[: 256 * 1024]).best()
    if detected is not None and (text := _try(body, detected.encoding)) is not None:
        return DecodedText(text, detected.encoding, "detected")
    raise Undecodable("undecodable", "no charset decodes these bytes (declared, meta, UTF-8 and detection failed)")
