"""Property tests (hypothesis): the cleaner, normalisation, shingling and ids on arbitrary Unicode.

Generated text is any sequence of Unicode scalar values (hypothesis leaves out lone surrogates, which are
not text: the sources replace them before anything else sees them, see sources/files.valid_unicode).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsingest.arrays import counted
from newsingest.dedup.signatures import SignatureSettings, compute_signatures, shingles
from newsingest.fingerprint import normalise, text_hash
from newsingest.extract import ExtractSettings, count_words, extract_document
from newsingest.extract.decode import decode
from newsingest.extract.quality import ShingledText
from newsingest.extract.quality import shingles as quality_shingles
from newsingest.extract.text import clean_lines, clean_text, normalise_line
from newsingest.records import RawDocument, document_id
from newsingest.sources.files import valid_unicode
from newsingest.urls import canonical_url
from helpers import reference_minhash

# Lines that look like news: words, capitals, bylines, datelines, prompts, plus arbitrary Unicode.
NEWSY = st.sampled_from([
    "By Jane Smith, Political Correspondent", "Published: 12 March 2024 10:15 GMT", "Share this article",
    "Read more: Storm closes harbour", "Sign up for our newsletter", "Council Approves Harbour Cycle Lanes",
    "The council voted on Tuesday to approve new cycle lanes along the harbour road.",
    "Jane Smith is a reporter covering transport.", "Advertisement", "", "   ", "\u00a0",
    "Follow us on Twitter", "Comments (12)", "Updated 3 March 2024", "Photo: Reuters",
])
LINE = st.one_of(NEWSY, st.text(max_size=120), st.text(alphabet="ab Cd.\u00e9\u4e2d", max_size=60))
LINES = st.lists(LINE, max_size=30)
TITLES = st.one_of(st.none(), LINE)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def is_subsequence(kept: list[str], candidates: list[str]) -> bool:
    remaining = iter(candidates)
    return all(any(line == candidate for candidate in remaining) for line in kept)


@FAST
@given(LINES, TITLES)
def test_cleaner_keeps_a_subset_of_its_input_lines_in_order(lines, title):
    cleaned = clean_lines(lines, title=title)
    assert is_subsequence(cleaned.lines, [normalise_line(line) for line in lines])
    # every non-blank input line is either kept or removed with a rule, never both, never lost
    assert len(cleaned.lines) + len(cleaned.removed) == sum(1 for line in lines if normalise_line(line))
    assert all(removed.rule for removed in cleaned.removed)


@FAST
@given(LINES, TITLES)
# Found by this test: a removed "ad" marker counted as the headline's continuation, and the language was
# detected on the lines with their cruft and spaces (so the second run weighed words in another language).
@example(["Council Approves Harbour Cycle Lanes", "aD"], None)
@example(["Council Approves Harbour Cycle Lanes", "0b", "Fám", " á ", "00000"], None)
@example(["Council Approves Harbour Cycle Lanes", "Jj", "ad", "á®í", "0 ái", "000000"], None)
def test_cleaner_is_idempotent(lines, title):
    once = clean_lines(lines, title=title)
    twice = clean_lines(once.lines, title=title)
    assert twice.lines == once.lines


@FAST
@given(st.text(max_size=2000), TITLES)
def test_cleaning_any_text_never_raises(text, title):
    cleaned = clean_text(text, title=title)
    assert isinstance(cleaned.text, str)


@FAST
@given(st.text(max_size=2000))
def test_normalisation_and_shingling_never_raise_and_agree(text):
    normalised = normalise(text)
    assert normalise(normalised) == normalised  # normalising twice changes nothing
    assert text_hash(text) == text_hash(normalised)
    for size in (1, 3, 5):
        assert shingles(text, size) == shingles(normalised, size)
    (signature,) = compute_signatures([text], SignatureSettings())
    (again,) = compute_signatures([text], SignatureSettings())
    assert (signature.minhash.hashvalues == again.minhash.hashvalues).all()


@FAST
@given(st.one_of(st.text(max_size=2000), st.text(alphabet="ab Cd.\u00e9\u4e2d\u00a0\n", max_size=2000)),
       st.sampled_from([(5, 40), (2, 3), (4, 3)]))
def test_signatures_are_datasketchs_own_of_the_same_shingles(text, sizes):
    shingle_size, lead_words = sizes
    signature_settings = SignatureSettings(shingle_size=shingle_size, lead_words=lead_words)
    (signature,) = compute_signatures([text], signature_settings)
    for minhash, max_words in ((signature.minhash, None), (signature.lead, lead_words)):
        reference = reference_minhash(shingles(text, shingle_size, max_words), signature_settings)
        assert np.array_equal(minhash.hashvalues, reference)
    assert signature.shingle_count == len(shingles(text, shingle_size))


@FAST
@given(st.text(max_size=300), st.binary(max_size=300))
def test_ids_are_deterministic_and_depend_only_on_url_or_bytes(url, body):
    assert document_id(url, body) == document_id(url, body)
    if url:
        assert document_id(url, body) == document_id(url, body + b"other bytes")  # a URL names the document
    canonical_url(url)  # never raises, whatever the string


@FAST
@given(st.binary(max_size=3000), st.sampled_from([None, "utf-8", "latin-1", "shift_jis", "no-such-charset"]))
def test_decoding_any_bytes_gives_text_or_a_reason(body, declared):
    try:
        decoded = decode(body, declared)
    except ValueError as refused:
        assert getattr(refused, "reason", None) in {"empty", "binary_content", "undecodable"}
    else:
        assert "\x00" not in decoded.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=1500), st.sampled_from(["text/plain", "text/html"]),
       st.one_of(st.none(), st.just("https://news.example/story?id=1&utm_source=x")))
def test_extraction_of_any_text_is_an_article_or_rejection_and_deterministic(text, content_type, url):
    raw = RawDocument(origin="generated", body=valid_unicode(text).encode("utf-8"), url=url,
                      content_type=content_type)
    first, second = extract_document(raw, ExtractSettings()), extract_document(raw, ExtractSettings())
    assert first == second
    assert first.id == raw.doc_id if hasattr(first, "text") else first.doc_id == raw.doc_id


@FAST
@given(st.text(max_size=500))
def test_word_count_never_raises_and_counts_spaced_words_like_split(text):
    if not any("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
               for ch in text):
        assert count_words(text) == len(text.split())


def metric_shingles(text: str) -> Counter:
    """The benchmark metric's shingles as written in ../shared/checks: every 4 tokens; fewer tokens, one."""
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i:i + 4]) for i in range(max(1, len(tokens) - 3)) if tokens[i:i + 4])


# Few distinct words, so that shingles repeat within a line and a text (multiset counts matter).
FEW_WORDS = st.text(alphabet="ab c.", max_size=60)


@FAST
@given(FEW_WORDS, FEW_WORDS)
def test_a_line_is_in_a_text_when_half_its_shingles_are_or_all_its_words_in_a_row(text, line):
    """ShingledText's fast paths (shingles by zip, the intersection counted without a Counter) answer as the
    definition: a multiset intersection of the metric's shingles; a line of under four words, found whole."""
    tokens, text_tokens, own = re.findall(r"\w+", line), re.findall(r"\w+", text), metric_shingles(line)
    if len(tokens) < 4:
        expected = bool(tokens) and f" {' '.join(tokens)} " in f" {' '.join(text_tokens)} "
    else:
        expected = sum((own & metric_shingles(text)).values()) * 2 >= sum(own.values())
    assert quality_shingles(text) == metric_shingles(text)
    assert ShingledText.of(text).contains(line) == expected


def test_ids_and_hashes_are_the_same_in_another_interpreter():
    """No dependence on hash randomisation or process state: another Python computes the same values."""
    inputs = [("https://news.example/a?utm_source=x", b"body"), (None, "caf\u00e9 \u4e2d\u6587".encode()), ("", b"")]
    here = [(document_id(url, body), text_hash(body.decode())) for url, body in inputs]
    script = ("import sys; from newsingest.records import document_id; "
              "from newsingest.fingerprint import text_hash; "
              f"print([(document_id(u, b), text_hash(b.decode())) for u, b in {inputs!r}])")
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345"})
    assert other.stdout.strip() == repr(here)


@given(st.lists(st.integers(0, 199), max_size=400), st.integers(200, 2000), st.integers(1, 4))
def test_counted_is_unique_with_counts_at_least_a_floor_dense_or_sparse(values, bound, at_least):
    """Both ways of counting (a bincount where the values are many for their range, else a sort) agree with
    np.unique's."""
    array = np.array(values, dtype=np.int64)
    distinct, counts = np.unique(array, return_counts=True)
    found = counted(array, bound, at_least)
    assert np.array_equal(found[0], distinct[counts >= at_least])
    assert np.array_equal(found[1], counts[counts >= at_least])
