"""Text normalisation, exact-duplicate hashes, word and character shingles and MinHash signatures.

Signatures are the values datasketch's MinHash (affine32 scheme) gives for a text's word shingles with
`shingle_hash` as its hash function, but computed here for the whole text at once in numpy: each word's
bytes hashed as a polynomial (a sum over the word, no loop over words), each n-gram's hash combined from
its words' hashes, and every n-gram permuted in one pass; the lead's signature from the first n-grams.
SHA-1 per shingle (datasketch's default hash, used until this scheme: `SHINGLE_HASH`) was a third of a
signature's cost (benchmarks/dedup_cost.py); tests compare the values with datasketch's own.

The character signature is made for copies damaged by scanning or retyping: byte n-grams of the normalised
text with its spaces removed, so a word split in two or two words run together change nothing and a
misspelt letter only the n-grams over it. There are as many n-grams as bytes, so only those whose hash is
0 modulo `char_sample` are kept (Broder's "mod m" sample: the same n-gram is kept in every text, so the
Jaccard similarity of the samples estimates that of the whole sets), hashed 8 bytes at a time in numpy.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
import numpy as np

from newsingest.dedup.text_units import (fact_hashes, normalise_with_sentences, sorted_distinct, splitmix64,
                                         word_hashes)
from newsingest.fingerprint import normalise
from newsingest.records import StoredSignature

WHITESPACE = re.compile(r"\s+", re.UNICODE)
# Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar): each character is a
# token there, so their shingles are character n-grams instead of one "word" per sentence.
UNSPACED_CHARACTER = re.compile(
    "([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff])")
AFFINE32 = "affine32"
EMPTY_VALUE = np.uint32(2**32 - 1)  # an affine32 MinHash of no shingles has this value everywhere
CHAR_SIZE = 8  # bytes per character n-gram: one uint64
# How a word shingle becomes a number (module docstring), part of the signature scheme's name: stored
# signatures of another shingle hash are computed again from the text (dedup.signature_scheme).
SHINGLE_HASH = "poly64"
GRAM_BASE = np.uint64(0xC2B2AE3D27D4EB4F)  # odd, from xxHash64


@dataclass(frozen=True, slots=True)
class SignatureSettings:
    """Shingle size, permutations and seed together decide what a stored signature means."""

    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    scheme: str = AFFINE32  # datasketch 2.x hashing scheme: 32-bit values, stored as uint32
    # Teasers and truncated copies keep an article's opening: the lead signature finds them.
    lead_words: int = 40
    char_perm: int = 64  # permutations of the character signature
    char_sample: int = 8  # one character n-gram in this many is kept (by hash value)


@dataclass(frozen=True, slots=True, eq=False)
class MinHashValues:
    """The values of one MinHash signature, as datasketch's LeanMinHash holds them (uint32 for affine32).
    Not datasketch's class: importing datasketch imports scipy and redis (~65 MB and ~0.5 s of CPU), in
    every extraction worker, their forkserver and the run's own process, which use none of it."""

    hashvalues: np.ndarray


@dataclass(frozen=True, slots=True)
class TextSignature:
    minhash: MinHashValues  # all shingles of the text
    lead: MinHashValues  # shingles of the first `lead_words` words
    shingle_count: int  # size of the shingle set, to turn a Jaccard estimate into a containment estimate
    chars: MinHashValues  # sampled 8-byte n-grams of the text without spaces (see the module's docstring)
    char_count: int  # size of that sample
    sentences: np.ndarray  # dedup/text_units.py: sorted distinct hashes of the normalised sentences
    facts: np.ndarray  # and of the figures and names


def _normalised_utf8(text: str, normalised: str | None = None) -> bytes:
    """The normalised text (given, or made here) as UTF-8, each character of an unspaced script a word of
    its own: its words separated by single spaces."""
    normalised = normalise(text) if normalised is None else normalised
    # isascii reads a flag, the search scans the text (~2% of a signature): ASCII has no unspaced script.
    if not normalised.isascii() and UNSPACED_CHARACTER.search(normalised):
        normalised = WHITESPACE.sub(" ", UNSPACED_CHARACTER.sub(r" \1 ", normalised)).strip()
    return normalised.encode("utf-8")


def _first_words(words: bytes, count: int) -> bytes:
    return b" ".join(words.split(b" ", count)[:count])


def _shingle_spans(words: bytes, size: int) -> Iterable[tuple[int, int]]:
    """Start and end of each word n-gram of `words` (single-space separated) in text order, repeats
    included; fewer than n words are one shingle of all of them."""
    if not words:
        return []
    # Each n-gram is one slice of the text, from a word's start to the end of the n-th word: no joining.
    spaces = np.flatnonzero(np.frombuffer(words, dtype=np.uint8) == ord(" "))
    starts, ends = [0, *(spaces + 1).tolist()], [*spaces.tolist(), len(words)]
    if len(starts) <= size:
        return [(0, len(words))]
    return zip(starts, ends[size - 1:])


def shingles(text: str, size: int, max_words: int | None = None) -> set[bytes]:
    """Word n-grams of the normalised text (of its first max_words words when given), as UTF-8; a text
    shorter than n words is one shingle of all its words."""
    words = _normalised_utf8(text)
    words = words if max_words is None else _first_words(words, max_words)
    return {words[start:end] for start, end in _shingle_spans(words, size)}


def _gram_hashes(hashed_words: np.ndarray, size: int) -> np.ndarray:
    """The 64-bit hash of each run of `size` words in text order (fewer words: one of all of them): its
    words' hashes combined as a polynomial in GRAM_BASE, mixed."""
    count = max(1, len(hashed_words) - size + 1) if len(hashed_words) else 0
    grams = hashed_words[:count].copy()
    with np.errstate(over="ignore"):
        for k in range(1, min(size, len(hashed_words))):
            grams *= GRAM_BASE
            grams += hashed_words[k:k + count]
    return splitmix64(grams)


def _hash32(hashes: np.ndarray) -> np.ndarray:
    """The 32 bits of each hash that MinHash permutes (datasketch's hash functions give 32)."""
    return (hashes >> np.uint64(32)).astype(np.uint32)


@functools.cache
def _affine32_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) datasketch's MinHash(num_perm, seed, scheme="affine32") draws (its _init_permutations):
    odd multipliers, then offsets, from numpy's RandomState(seed). Tests compare the signatures with
    datasketch's own."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(hashes: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: datasketch's affine32 mixes every input hash with it first."""
    hashes = hashes ^ (hashes >> 16)
    hashes = hashes * np.uint32(0x85EBCA6B)
    hashes = hashes ^ (hashes >> 13)
    hashes = hashes * np.uint32(0xC2B2AE35)
    return hashes ^ (hashes >> 16)


def _permuted(hashes: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """Row k: datasketch's affine32 permutation k of every hash, a_k * fmix32(h) + b_k mod 2**32 (uint32
    arithmetic wraps). All of a text's hashes at once: datasketch's update_batch first turns every value
    into a Python int. A row per permutation: minimums along rows measured 3x faster than down columns."""
    a, b = _affine32_permutations(num_perm, seed)
    permuted = np.multiply.outer(a, _fmix32(hashes))
    permuted += b[:, np.newaxis]
    return permuted


def _minimum(permuted: np.ndarray) -> np.ndarray:
    # Of no shingles, all 2**32 - 1: datasketch's empty MinHash.
    return permuted.min(axis=1, initial=EMPTY_VALUE)


def _full_and_lead(hashed_words: np.ndarray, grams: np.ndarray,
                   settings: SignatureSettings) -> tuple[np.ndarray, np.ndarray]:
    """Signature values of the text (its shingles' hashes: `grams`) and of its first `lead_words` words."""
    permuted = _permuted(_hash32(grams), settings.num_perm, settings.seed)
    if settings.lead_words < settings.shingle_size:  # the lead is then a shingle of its own
        lead_grams = _gram_hashes(hashed_words[:settings.lead_words], settings.shingle_size)
        return _minimum(permuted), _minimum(_permuted(_hash32(lead_grams), settings.num_perm, settings.seed))
    # Else the lead's shingles are the text's first ones, permuted already.
    lead_count = settings.lead_words - settings.shingle_size + 1
    lead = _minimum(permuted[:, :lead_count])
    return np.minimum(lead, _minimum(permuted[:, lead_count:])), lead


def char_hashes(words: bytes, sample: int) -> np.ndarray:
    """32-bit hashes of the kept, distinct CHAR_SIZE-byte n-grams of `words` with its spaces removed."""
    data = words.replace(b" ", b"")
    grams = len(data) - CHAR_SIZE + 1
    if grams <= 0:
        return np.empty(0, dtype=np.uint32)
    # The n-gram at every byte offset as one little-endian uint64: a view with a stride of one byte.
    every = np.ndarray((grams,), dtype="<u8", buffer=data, strides=(1,))
    mixed = splitmix64(every)
    return sorted_distinct(_hash32(mixed[mixed % np.uint64(sample) == 0]))


def _signature(text: str, settings: SignatureSettings) -> TextSignature:
    normalised, sentences = normalise_with_sentences(text)
    words = _normalised_utf8(text, normalised)
    hashed_words = word_hashes(words)
    # Repeated shingles are hashed too: rare, and a repeat cannot change a minimum.
    grams = _gram_hashes(hashed_words, settings.shingle_size)
    full, lead = _full_and_lead(hashed_words, grams, settings)
    chars = char_hashes(words, settings.char_sample)
    char_values = MinHashValues(_minimum(_permuted(chars, settings.char_perm, settings.seed)))
    # Distinct 64-bit hashes are distinct shingles (a collision among a text's shingles: ~1 in 10**13).
    return TextSignature(MinHashValues(full), MinHashValues(lead), len(sorted_distinct(grams)), char_values,
                         len(chars), sentences, fact_hashes(text))


def compute_signatures(texts: Sequence[str], settings: SignatureSettings) -> list[TextSignature]:
    """Full and lead MinHash signatures for a batch of texts."""
    if settings.scheme != AFFINE32:
        raise ValueError(f"signatures are computed with datasketch's {AFFINE32} scheme, not {settings.scheme}")
    return [_signature(text, settings) for text in texts]


def _to_bytes(minhash: MinHashValues) -> bytes:
    # The affine32 scheme's values are below 2**32, so uint32 halves the stored size.
    return minhash.hashvalues.astype(np.uint32).tobytes()


def _from_bytes(data: bytes) -> MinHashValues:
    return MinHashValues(np.frombuffer(data, dtype=np.uint32).copy())


def to_stored(signature: TextSignature) -> StoredSignature:
    return StoredSignature(_to_bytes(signature.minhash), _to_bytes(signature.lead), signature.shingle_count,
                           _to_bytes(signature.chars), signature.char_count,
                           signature.sentences.astype("<u8").tobytes(), signature.facts.astype("<u8").tobytes())


def _hashes_from_bytes(data: bytes | None) -> np.ndarray:
    return np.frombuffer(data or b"", dtype="<u8").astype(np.uint64)


def from_stored(stored: StoredSignature, settings: SignatureSettings) -> TextSignature:
    """Rows written before leads were stored get their full signature as lead: they still match by
    similarity, and as the longer side of a containment their lead is never compared (the shorter's is).
    Rows from before migration 012 have no character signature (a count of 0 never matches), sentences
    or facts (no facts: nothing to contradict)."""
    minhash = _from_bytes(stored.minhash)
    lead = _from_bytes(stored.lead) if stored.lead else minhash
    chars = _from_bytes(stored.chars) if stored.chars else MinHashValues(np.full(settings.char_perm, EMPTY_VALUE))
    return TextSignature(minhash, lead, stored.shingle_count or 0, chars, stored.char_count or 0,
                         _hashes_from_bytes(stored.sentences), _hashes_from_bytes(stored.facts))
