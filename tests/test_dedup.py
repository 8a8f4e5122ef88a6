
from types import SimpleNamespace

import numpy as np
import pytest

from newsingest.dedup import dedup_batch, restore
from newsingest.dedup.clusters import Deduplicator, day_of
from newsingest.dedup.signatures import SignatureSettings, compute_signatures, from_stored, shingles, to_stored
from newsingest.fingerprint import normalise, text_hash
from newsingest.records import DedupStatus, RememberedArticle
from helpers import OTHER, STORY, article, reference_minhash


def test_normalise_folds_case_width_punctuation_and_space():
    assert normalise("  Ｃafé — “Déjà”\tVU!! ") == "café déjà vu"
    assert text_hash("The Bridge, closed.") == text_hash("the  bridge closed")


def test_shingles_of_short_text_are_one_shingle():
    assert shingles("two words", 3) == {b"two words"}
    assert shingles("", 3) == set()
    assert len(shingles("a b c d e", 3)) == 3


def test_signature_round_trip_through_bytes():
    settings = SignatureSettings()
    (signature,) = compute_signatures([STORY], settings)
    restored = from_stored(to_stored(signature), settings)
    for part in ("minhash", "lead", "chars"):
        assert np.array_equal(getattr(restored, part).hashvalues, getattr(signature, part).hashvalues)
        assert getattr(restored, part).hashvalues.dtype == np.uint32
    assert restored.shingle_count == signature.shingle_count == len(shingles(STORY, settings.shingle_size))


def datasketch_values(words: list[str], size: int, settings: SignatureSettings) -> np.ndarray:
    """A signature the way datasketch documents it: its own MinHash of the UTF-8 word n-grams."""
    grams = [" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))] if words else []
    return reference_minhash([gram.encode("utf-8") for gram in grams], settings)


@pytest.mark.parametrize("text, words", [
    ("", []),
    ("Word.", ["word"]),
    ("Two, short WORDS!", ["two", "short", "words"]),
    ("東京都は晴れ", list("東京都は晴れ")),
    (STORY, normalise(STORY).split()),
    (" ".join([OTHER, STORY] * 10), normalise(" ".join([OTHER, STORY] * 10)).split()),
])
@pytest.mark.parametrize("shingle_size, lead_words", [(5, 40), (3, 3), (5, 4), (1, 40)])
def test_signatures_are_datasketchs_own(text, words, shingle_size, lead_words):
    """Stored signatures keep their meaning only while they equal datasketch's for the same shingles
    (a lead shorter than a shingle is one shingle of the lead's words)."""
    settings = SignatureSettings(shingle_size=shingle_size, lead_words=lead_words)
    (signature,) = compute_signatures([text], settings)
    assert np.array_equal(signature.minhash.hashvalues, datasketch_values(words, shingle_size, settings))
    assert np.array_equal(signature.lead.hashvalues,
                          datasketch_values(words[:lead_words], shingle_size, settings))
    assert signature.minhash.hashvalues.dtype == np.uint32
    assert signature.shingle_count == len(shingles(text, shingle_size))


def test_three_levels_and_stable_clusters():
    deduplicator = Deduplicator()
    edited = STORY.replace("next month", "on 4 June") + " Officials said the closure would cost 2 million euros."
    batch = [
        article("a", STORY, "https://news.example/bridge"),
        article("b", OTHER),
        article("c", STORY.upper().replace(",", "")),            # exact after normalisation
        article("d", edited),                                     # near duplicate
        article("e", "Entirely different text " + OTHER[:60], "https://news.example/bridge"),  # same URL
    ]
    decisions = dedup_batch(batch, deduplicator).decisions
    assert [d.status for d in decisions] == [DedupStatus.NEW, DedupStatus.NEW, DedupStatus.EXACT_DUPLICATE,
                                             DedupStatus.NEAR_DUPLICATE, DedupStatus.URL_DUPLICATE]
    assert [d.cluster_id for d in decisions] == ["a", "b", "a", "a", "a"]
    assert decisions[3].duplicate_of == "a" and 0.5 <= decisions[3].similarity < 1.0
    assert decisions[1].duplicate_of is None and decisions[1].similarity is None


def test_restored_state_catches_copies_in_a_later_run():
    first = Deduplicator()
    result = dedup_batch([article("a", STORY)], first)
    stored = result.signatures[0]
    later = Deduplicator()
    restore(later, [RememberedArticle("a", result.decisions[0].cluster_id, None, text_hash(STORY), day_of(None), stored),
                    # stored under another signature scheme: only its text comes back
                    RememberedArticle("b", "b", None, text_hash(OTHER), day_of(None), None, OTHER)])
    copies = [article("z", STORY + " Updated with a new final sentence here."),
              article("y", OTHER + " Updated with a new final sentence here.")]
    decisions = dedup_batch(copies, later).decisions
    assert [(d.status, d.cluster_id) for d in decisions] == [(DedupStatus.NEAR_DUPLICATE, "a"),
                                                            (DedupStatus.NEAR_DUPLICATE, "b")]


def test_unrelated_texts_on_one_topic_are_not_linked():
    deduplicator = Deduplicator()
    related_topic = STORY.replace("harbour bridge", "river tunnel").split(". ")[0] + ". " + OTHER
    decisions = dedup_batch([article("a", STORY), article("b", related_topic)], deduplicator).decisions
    assert decisions[1].status is DedupStatus.NEW


QUOTE = ("“We will not accept a deal that leaves our members poorer at the end of the contract than at the "
         "start, and we will keep the picket lines open for as long as it takes to get a fair offer on the "
         "table from the employers,” the union's general secretary told reporters outside the hall.")


def test_teaser_is_contained_but_shared_quote_is_not():
    deduplicator = Deduplicator()
    teaser = " ".join(STORY.split()[:30]) + " Read more"
    quoting = OTHER + " " + QUOTE
    quoted_again = ("Dock workers in the northern port voted on Friday to extend their strike into a third week, "
                    "leaving more than forty container ships waiting at anchor in the bay. Talks between the union "
                    "and the port operators broke down on Wednesday evening after the employers withdrew an "
                    "offer of a four per cent rise spread over two years. " + QUOTE + " Shipping lines said they "
                    "would divert vessels to other ports along the coast, and supermarkets warned that shelves "
                    "of imported fruit could be empty by the end of the month if the dispute is not settled.")
    long_story = STORY + " " + OTHER  # a long article whose opening the teaser repeats
    decisions = dedup_batch([article("a", long_story), article("t", teaser), article("q1", quoting),
                             article("q2", quoted_again)], deduplicator).decisions
    teaser_decision = decisions[1]
    assert teaser_decision.status is DedupStatus.NEAR_DUPLICATE and teaser_decision.cluster_id == "a"
    # too short to pass as similar: only the containment check can link it
    assert teaser_decision.similarity < deduplicator.index.settings.threshold
    assert teaser_decision.containment >= 0.9
    assert decisions[3].status is DedupStatus.NEW


def test_band_keys_find_exactly_the_rows_sharing_a_band_across_merges():
    import numpy as np

    from newsingest.dedup.index import Bands, KeyIndex

    rng = np.random.default_rng(7)
    bands, other_route = Bands(threshold=0.5, num_perm=128, recall=0.99), Bands(0.5, 128, 0.99, route=1)
    index = KeyIndex(merge_at=300)  # merges every ~5 inserts
    signatures = [rng.integers(0, 2**32, 128, dtype=np.uint64) for _ in range(200)]
    for row in range(0, 200, 2):  # every odd row copies one band of the row before it
        signatures[row + 1][: bands.rows] = signatures[row][: bands.rows]
    for row, values in enumerate(signatures):
        index.insert(row, bands.keys(values))
    assert len(index.keys) > 0 and index.pending_entries < len(index.keys)  # both in use
    rows_of = lambda v: {tuple(v[b * bands.rows:(b + 1) * bands.rows]) for b in range(bands.bands)}
    for row in (0, 1, 57, 198, 199):
        expected = {other for other in range(200) if rows_of(signatures[row]) & rows_of(signatures[other])}
        assert set(index.query(bands.keys(signatures[row]))) == expected
        assert len(index.query(other_route.keys(signatures[row]))) == 0  # routes never share keys

        found = index.query(bands.keys(signatures[row]))
        assert list(found) == sorted(set(found.tolist()))  # each row once, in order


def test_a_frequent_band_key_finds_only_its_latest_rows_however_they_are_held():
    """A key shared by more rows than `latest` finds its latest ones, whether they wait in the pending dict,
    were merged into the sorted arrays, or some of each; keys held by fewer rows find them all."""
    import numpy as np

    from newsingest.dedup.index import KeyIndex

    stock, rare = np.uint64(7), np.uint64(8)

    def rows_found(merge_at: int, latest: int) -> dict[str, list[int]]:
        index = KeyIndex(merge_at=merge_at, latest=latest)
        for row in range(40):  # every row holds the stock key, every fifth the rare one too, each its own
            own = np.array([1000 + row], dtype=np.uint64)
            index.insert(row, np.concatenate(([stock], [rare] if row % 5 == 0 else [], own)))
        return {"stock": index.query(np.array([stock])).tolist(), "rare": index.query(np.array([rare])).tolist(),
                "both": index.query(np.array([stock, rare, np.uint64(1003)])).tolist()}

    for merge_at in (10**6, 50, 7):  # never merged; merged every ~25 rows (some pending); every ~4
        assert rows_found(merge_at, latest=10) == {"stock": list(range(30, 40)), "rare": [0, 5, 10, 15, 20, 25, 30, 35],
                                                    "both": sorted({3, *range(30, 40), 0, 5, 10, 15, 20, 25})}
        assert rows_found(merge_at, latest=3)["rare"] == [25, 30, 35]
        assert rows_found(merge_at, latest=100)["stock"] == list(range(40))


def test_rows_sharing_fewer_keys_than_min_hits_are_not_found_however_they_are_held():
    """With min_hits=2 a row is found only when it holds two or more of the keys asked (its hits counted over
    pending and merged entries alike); with 1, any one key finds it."""
    import numpy as np

    from newsingest.dedup.index import KeyIndex

    asked = np.arange(1, 5, dtype=np.uint64)

    def rows_found(merge_at: int, min_hits: int) -> list[int]:
        index = KeyIndex(merge_at=merge_at)
        for row in range(12):  # row r holds r % 4 of the asked keys (rows 4 and 8 too) and one of its own
            held = asked[(np.arange(4) + row) % 4][: row % 4]
            index.insert(row, np.concatenate((held, [np.uint64(100 + row)])))
        return index.query(asked, min_hits).tolist()

    for merge_at in (10**6, 5, 2):  # never merged; merged every few rows (some pending); after each
        assert rows_found(merge_at, min_hits=1) == [1, 2, 3, 5, 6, 7, 9, 10, 11]
        assert rows_found(merge_at, min_hits=2) == [2, 3, 6, 7, 10, 11]
        assert rows_found(merge_at, min_hits=3) == [3, 7, 11]


def test_candidate_probability_counts_the_bands_a_pair_must_share():
    """One band: the S-curve 1 - (1 - J^r)^b; two or more: the binomial tail, here enumerated by hand for 3
    bands of 1 row at J = 0.5 (2 of 3 or all 3: 3/8 + 1/8)."""
    from newsingest.dedup.index import band_layout, candidate_probability

    assert candidate_probability(0.3, 20, 2) == pytest.approx(1 - (1 - 0.3**2) ** 20)
    assert candidate_probability(0.5, 3, 1, hits=2) == pytest.approx(0.5)
    assert candidate_probability(0.5, 3, 1, hits=4) == pytest.approx(0.0)
    # the character route: 32 bands of 2 rows hold >= 0.99 at its threshold with two hits asked
    assert band_layout(0.5, 64, 0.99, hits=2) == band_layout(0.5, 64, 0.99) == (32, 2)
    assert candidate_probability(0.5, 32, 2, hits=2) > 0.998


def test_sentence_containment_of_many_candidates_at_once_is_each_pairs_own():
    """verify's vectorised sentence containment equals the per-pair definition (shared hashes over the
    shorter's count), also for candidates without sentences and a text without any."""
    import numpy as np

    from newsingest.dedup.index import Ragged, _sentence_containment
    from newsingest.dedup.text_units import shared, sorted_distinct

    rng = np.random.default_rng(3)
    pool = rng.integers(0, 2**63, 60, dtype=np.uint64)
    stored = [sorted_distinct(rng.choice(pool, size)) for size in (0, 1, 5, 30, 12, 0, 40)]
    for own in (sorted_distinct(rng.choice(pool, 20)), sorted_distinct(pool[:0])):
        signature = SimpleNamespace(sentences=own)
        expected = [shared(own, s) / max(1, min(len(own), len(s))) for s in stored]
        assert _sentence_containment(signature, Ragged.of(stored)).tolist() == expected
        picked = np.array([6, 2, 3])
        assert _sentence_containment(signature, Ragged.of(stored).take(picked)).tolist() == [expected[i] for i in picked]


def test_text_without_spaces_is_shingled_by_character():
    chinese = "地方政府周二宣布将关闭旧港口大桥，因为工程师警告说腐蚀削弱了两根钢支柱。市长表示公交车和自行车仍可通行。"
    edited = chinese.replace("周二", "周三")
    assert len(shingles(chinese, 5)) > 30  # one token per character, not one per sentence
    deduplicator = Deduplicator()
    decisions = dedup_batch([article("zh", chinese), article("zh2", edited)], deduplicator).decisions
    assert decisions[1].status is DedupStatus.NEAR_DUPLICATE
    assert shingles("Mixed 中文 text", 2) == {b"mixed \\xe4\\xb8\\xad".decode("unicode_escape").encode("latin-1"),
                                              "中 文".encode(), "文 text".encode()}
