"""Text normalisation, exact-duplicate hashes, word shingles and MinHash signatures.

Signatures are computed a batch at a time with datasketch's `MinHash.bulk` (hashing all shingles of a
document in one numpy pass), never shingle by shingle, which measured ~8x slower.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash

from newsingest.records import sha256_hex

PUNCTUATION = re.compile(r"[^\w\s]+", re.UNICODE)
WHITESPACE = re.compile(r"\s+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SignatureSettings:
    """Shingle size, permutations and seed together decide what a stored signature means."""

    shingle_size: int = 3
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"  # datasketch 2.x hashing scheme: 32-bit values, stored as uint32


def normalise(text: str) -> str:
    """NFKC, case-folded, punctuation dropped, whitespace collapsed: equal for copies differing only there."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = PUNCTUATION.sub(" ", text)
    return WHITESPACE.sub(" ", text).strip()


def text_hash(text: str) -> str:
    return sha256_hex(normalise(text))


def shingles(text: str, size: int) -> set[bytes]:
    """Word n-grams of the normalised text; a text shorter than n words is one shingle of all its words."""
    words = normalise(text).split()
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def compute_signatures(texts: Sequence[str], settings: SignatureSettings) -> list[LeanMinHash]:
    """MinHash signatures for a batch of texts (LeanMinHash: compact, picklable, enough for LSH)."""
    shingle_sets = [shingles(text, settings.shingle_size) for text in texts]
    minhashes = MinHash.bulk(shingle_sets, num_perm=settings.num_perm, seed=settings.seed,
                             scheme=settings.scheme)
    return [LeanMinHash(m) for m in minhashes]


def signature_to_bytes(signature: LeanMinHash) -> bytes:
    # The affine32 scheme's values are below 2**32, so uint32 halves the stored size.
    return signature.hashvalues.astype(np.uint32).tobytes()


def signature_from_bytes(data: bytes, settings: SignatureSettings) -> LeanMinHash:
    values = np.frombuffer(data, dtype=np.uint32).astype(np.uint64)
    return LeanMinHash(seed=settings.seed, hashvalues=values, scheme=settings.scheme)
