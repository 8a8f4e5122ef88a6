"""Text normalisation, exact-duplicate hashes, word shingles and MinHash signatures.

Signatures are computed a batch at a time with datasketch's `MinHash.bulk` (permuting all shingles of a
document in one numpy pass), never shingle by shingle, which measured ~8x slower. The shingles are hashed
here, all of a text's at once, to the very values datasketch's default hash (sha1_hash32) gives, so stored
signatures keep their meaning; datasketch's own per-shingle hash call was half the time (benchmarks/run.py).
"""

from __future__ import annotations

import hashlib
import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash

from newsingest.records import sha256_hex

PUNCTUATION = re.compile(r"[^\w\s]+", re.UNICODE)
WHITESPACE = re.compile(r"\s+", re.UNICODE)
# Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar): each character is a
# token there, so their shingles are character n-grams instead of one "word" per sentence.
UNSPACED_CHARACTER = re.compile(
    "([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff])")


@dataclass(frozen=True, slots=True)
class SignatureSettings:
    """Shingle size, permutations and seed together decide what a stored signature means."""

    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"  # datasketch 2.x hashing scheme: 32-bit values, stored as uint32
    # Teasers and truncated copies keep an article's opening: the lead signature finds them.
    lead_words: int = 40


@dataclass(frozen=True, slots=True)
class TextSignature:
    minhash: LeanMinHash  # all shingles of the text
    lead: LeanMinHash  # shingles of the first `lead_words` words
    shingle_count: int  # size of the shingle set, to turn a Jaccard estimate into a containment estimate


def normalise(text: str) -> str:
    """NFKC, case-folded, punctuation dropped, whitespace collapsed: equal for copies differing only there."""
    text = unicodedata.normalize("NFKC", text).casefold()
    # split() breaks at exactly the characters \s matches, and is 5x faster than substituting every space.
    return " ".join(PUNCTUATION.sub(" ", text).split())


def text_hash(text: str) -> str:
    return sha256_hex(normalise(text))


def _words(text: str) -> list[bytes]:
    # The normalised text has single spaces only, so its UTF-8 bytes split exactly into its words' bytes.
    normalised = normalise(text)
    if UNSPACED_CHARACTER.search(normalised):
        normalised = WHITESPACE.sub(" ", UNSPACED_CHARACTER.sub(r" \1 ", normalised)).strip()
    return normalised.encode("utf-8").split(b" ") if normalised else []


def _word_shingles(words: list[bytes], size: int) -> set[bytes]:
    if len(words) <= size:
        return {b" ".join(words)} if words else set()
    return {b" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def shingles(text: str, size: int, max_words: int | None = None) -> set[bytes]:
    """Word n-grams of the normalised text (of its first max_words words when given), as UTF-8; a text
    shorter than n words is one shingle of all its words."""
    return _word_shingles(_words(text)[:max_words], size)


def _hash32(shingle_set: set[bytes]) -> np.ndarray:
    """datasketch's sha1_hash32 of every shingle (first 4 bytes of SHA-1, little-endian), in one array."""
    digests = b"".join([hashlib.sha1(shingle).digest()[:4] for shingle in shingle_set])
    return np.frombuffer(digests, dtype="<u4")


def _bulk(shingle_sets: list[set[bytes]], settings: SignatureSettings) -> list[LeanMinHash]:
    # The values are hashed already: datasketch's hash step only has to turn them into ints.
    minhashes = MinHash.bulk([_hash32(s).tolist() for s in shingle_sets], num_perm=settings.num_perm,
                             seed=settings.seed, scheme=settings.scheme, hashfunc=operator.index)
    return [LeanMinHash(m) for m in minhashes]


def compute_signatures(texts: Sequence[str], settings: SignatureSettings) -> list[TextSignature]:
    """Full and lead MinHash signatures for a batch of texts (LeanMinHash: compact and picklable)."""
    word_lists = [_words(text) for text in texts]  # once per text, for both signatures
    full_sets = [_word_shingles(words, settings.shingle_size) for words in word_lists]
    lead_sets = [_word_shingles(words[:settings.lead_words], settings.shingle_size) for words in word_lists]
    return [TextSignature(full, lead, len(shingle_set)) for full, lead, shingle_set
            in zip(_bulk(full_sets, settings), _bulk(lead_sets, settings), full_sets, strict=True)]


@dataclass(frozen=True, slots=True)
class StoredSignature:
    """A TextSignature as the warehouse stores it (see warehouse/migrations: signatures)."""

    minhash: bytes
    lead: bytes | None
    shingle_count: int | None


def _to_bytes(minhash: LeanMinHash) -> bytes:
    # The affine32 scheme's values are below 2**32, so uint32 halves the stored size.
    return minhash.hashvalues.astype(np.uint32).tobytes()


def _from_bytes(data: bytes, settings: SignatureSettings) -> LeanMinHash:
    values = np.frombuffer(data, dtype=np.uint32).astype(np.uint64)
    return LeanMinHash(seed=settings.seed, hashvalues=values, scheme=settings.scheme)


def to_stored(signature: TextSignature) -> StoredSignature:
    return StoredSignature(_to_bytes(signature.minhash), _to_bytes(signature.lead), signature.shingle_count)


def from_stored(stored: StoredSignature, settings: SignatureSettings) -> TextSignature:
    """Rows written before leads were stored get their full signature as lead: they still match by
    similarity, and as the longer side of a containment their lead is never compared (the shorter's is)."""
    minhash = _from_bytes(stored.minhash, settings)
    lead = _from_bytes(stored.lead, settings) if stored.lead else minhash
    return TextSignature(minhash, lead, stored.shingle_count or 0)
