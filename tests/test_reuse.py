"""Wire-copy reuse: which earlier article an article takes text from, and how much.

The wire report and the independent report come from the stories labelled set; the derived article is our
own fixture (tests/fixtures/reuse/README.md). Quality is measured on real text by benchmarks/reuse_quality.py.
"""

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import duckdb

from newsingest.records import DatedText, DedupDecision, DedupStatus, Derivation
from newsingest.reuse import Indexed, ReuseIndex, ReuseSettings, assign_reuse, find_sources
from newsingest.reuse.align import Seeds, passages
from newsingest.reuse.words import words

from conftest import FIXTURES
from helpers import RECORDS, article, run, write_jsonl

WIRE = next(r for r in RECORDS if r["id"] == "art-b362fa779d21")
INDEPENDENT = next(r for r in RECORDS if r["id"] == "art-46ced2661e47")  # the same fire, told on its own
DERIVED = json.loads((FIXTURES / "reuse" / "derived.jsonl").read_text(encoding="utf-8"))
WORD = re.compile(r"\w+")


def same_words(a: str, b: str) -> bool:
    return WORD.findall(a.lower()) == WORD.findall(b.lower())


def dated(article_id: str, text: str, published_at: datetime | None = None):
    return replace(article(article_id, text), published_at=published_at)


def new(articles) -> list[DedupDecision]:
    return [DedupDecision(a.id, DedupStatus.NEW, a.id) for a in articles]


def test_words_are_case_folded_with_their_spans_in_the_text():
    text = "Port REOPENS after strike; port reopens, Übergang ÜBERGANG"
    found = words(text)
    assert [text[s:e] for s, e in zip(found.starts, found.ends)] == WORD.findall(text)
    assert found.hashes[1] == found.hashes[5] and found.hashes[0] == found.hashes[4]
    assert found.hashes[6] == found.hashes[7] and len(set(found.hashes[:4].tolist())) == 4
    assert (words(text).hashes == found.hashes).all()  # a fixed hash: the same in every process and run


def test_alignment_finds_reordered_and_cut_sentences_where_they_now_stand():
    wire = WIRE["text"].splitlines()
    cut = " ".join(wire[2].split()[:20])  # a paragraph cut short
    derived = "\n".join([wire[4], "A local paragraph of the paper's own, about the town hall.", cut, wire[1]])
    source_words, derived_words = words(WIRE["text"]), words(derived)
    found = passages(Seeds.of(derived_words.hashes, seed_words=4), source_words.hashes, min_words=6)
    assert len(found) == 3 and [p.start for p in found] == sorted(p.start for p in found)
    for p in found:
        taken = derived[derived_words.starts[p.start]:derived_words.ends[p.end - 1]]
        source = WIRE["text"][source_words.starts[p.source_start]:source_words.ends[p.source_end - 1]]
        assert same_words(taken, source)
    assert sum(p.length for p in found) == len(words(wire[4])) + len(words(cut)) + len(words(wire[1]))


def test_a_source_must_be_earlier_by_date_then_by_arrival():
    wire = dated("wire", WIRE["text"], published_at=datetime(2024, 3, 10, 14, tzinfo=UTC))
    derived = dated("derived", DERIVED["text"], published_at=datetime(2024, 3, 10, 16, tzinfo=UTC))
    now = datetime(2024, 3, 12, tzinfo=UTC)
    # Derived arrives first, but the wire was published before it: found within the batch.
    index = ReuseIndex()
    rows = assign_reuse([derived, wire], new([derived, wire]), index, now).rows
    assert [(r.article_id, r.source_id) for r in rows] == [("derived", "wire")]
    # Dated the other way round, the paper cannot have taken from the later text: the direction is the dates'.
    later_wire = dated("later-wire", WIRE["text"], published_at=datetime(2024, 3, 11, tzinfo=UTC))
    rows = assign_reuse([derived, later_wire], new([derived, later_wire]), ReuseIndex(), now).rows
    assert [(r.article_id, r.source_id) for r in rows] == [("later-wire", "derived")]
    # Undated texts are dated by their arrival: the first to arrive is the source.
    undated = [dated("first", WIRE["text"]), dated("second", DERIVED["text"])]
    rows = assign_reuse(undated, new(undated), ReuseIndex(), now).rows
    assert [(r.article_id, r.source_id) for r in rows] == [("second", "first")]


def test_a_days_articles_added_in_several_batches_are_counted_together():
    """An n-gram in more of a day's articles than max_postings finds none of them, however many batches added
    them; below that, each batch's articles are found."""
    day = datetime(2024, 3, 10, 9, tzinfo=UTC)
    newcomer = Indexed("newcomer", day + timedelta(hours=5), 99, words(WIRE["text"]))
    for max_postings, expected in ((2, []), (3, ["copy-0", "copy-1", "copy-2"])):
        index = ReuseIndex(ReuseSettings(max_postings=max_postings))
        for n in range(3):  # one batch each
            index.add([Indexed(f"copy-{n}", day + timedelta(hours=n), n, words(WIRE["text"]))])
        (found,) = index.candidates([newcomer])
        assert [source.id for source in found] == expected


def test_copies_are_not_sources_and_a_second_source_must_add_text():
    wire = dated("wire", WIRE["text"], published_at=datetime(2024, 3, 10, 14, tzinfo=UTC))
    copy = dated("copy", WIRE["text"], published_at=datetime(2024, 3, 10, 15, tzinfo=UTC))
    derived = dated("derived", DERIVED["text"], published_at=datetime(2024, 3, 10, 16, tzinfo=UTC))
    decisions = new([wire]) + [DedupDecision("copy", DedupStatus.EXACT_DUPLICATE, "wire", "wire")] + new([derived])
    rows = assign_reuse([wire, copy, derived], decisions, ReuseIndex(), datetime.now(UTC)).rows
    assert {(r.article_id, r.source_id) for r in rows} == {("copy", "wire"), ("derived", "wire")}
    copy_row = next(r for r in rows if r.article_id == "copy")
    assert copy_row.share == 1.0 and copy_row.derivation is Derivation.WHOLLY


def test_derivation_follows_the_share_all_sources_cover():
    wire = Indexed("wire", datetime(2024, 3, 10, tzinfo=UTC), 1, words(WIRE["text"]))
    derived = Indexed("derived", datetime(2024, 3, 11, tzinfo=UTC), 2, words(DERIVED["text"]))
    index = ReuseIndex()
    index.add([wire])
    (candidates,) = index.candidates([derived])
    (row,) = find_sources(derived, candidates, ReuseSettings())
    strict = ReuseSettings(wholly=row.share + 0.01, partially=row.share - 0.01)
    assert find_sources(derived, candidates, strict)[0].derivation is Derivation.PARTIALLY
    assert find_sources(derived, candidates, ReuseSettings(wholly=row.share - 0.01))[0].derivation is Derivation.WHOLLY
    assert find_sources(derived, candidates, ReuseSettings(partially=row.share + 0.01)) == []


def test_days_past_memory_days_leave_memory_and_are_read_again_when_needed():
    index = ReuseIndex(ReuseSettings(window_days=0, memory_days=2))
    first = datetime(2024, 3, 10, 14, tzinfo=UTC)
    stored = {(first + timedelta(days=d)).date(): [DatedText(f"wire-{d}", first + timedelta(days=d), WIRE["text"])]
              for d in range(3)}
    for d in range(3):
        needed = index.missing_days([first + timedelta(days=d, hours=2)])
        assert needed == [(first + timedelta(days=d)).date()]
        index.load(needed, [row for day in needed for row in stored[day]])
    derived = Indexed("derived", first + timedelta(hours=2), index.arrival(), words(DERIVED["text"]))
    needed = index.missing_days([derived.anchor])
    assert needed == [first.date()]  # the first day was dropped for the third
    index.load(needed, [row for day in needed for row in stored[day]])
    assert [row.source_id for row in find_sources(derived, index.candidates([derived])[0], index.settings)] == ["wire-0"]


def test_a_reprocessed_source_is_aligned_in_its_new_text_not_the_stored_one():
    index = ReuseIndex()
    anchor = datetime(2024, 3, 10, 14, tzinfo=UTC)
    index.load(index.missing_days([anchor]), [DatedText("wire", anchor, "Menu Home News Sport\n" + WIRE["text"])])
    wire = Indexed("wire", anchor, index.arrival(), words(WIRE["text"]))
    derived = Indexed("derived", anchor + timedelta(hours=2), index.arrival(), words(DERIVED["text"]))
    index.add([wire])
    (candidates,) = index.candidates([derived])
    assert [candidate is wire for candidate in candidates] == [True]


def test_a_derived_article_finds_its_source_across_runs_and_rededup_refills_text_reuse(tmp_path, db_path):
    run("ingest", write_jsonl(tmp_path / "wire.jsonl", [WIRE]), "--db", db_path, "--workers", 1)
    second = run("ingest", write_jsonl(tmp_path / "papers.jsonl", [DERIVED, INDEPENDENT]), "--db", db_path,
                 "--workers", 1)
    assert "derived from earlier articles" in second.stdout
    con = duckdb.connect(str(db_path), read_only=True)
    ids = dict(con.execute("select url, id from articles").fetchall())
    texts = dict(con.execute("select id, text from articles").fetchall())
    reuse = "select id, source_id, share, derivation, passages from text_reuse order by all"
    found = con.execute(reuse).fetchall()
    con.close()
    derived_id, wire_id = ids[DERIVED["url"]], ids[WIRE["url"]]
    assert [(r[0], r[1]) for r in found] == [(derived_id, wire_id)]  # the independent report finds none
    _, _, share, derivation, taken = found[0]
    assert share >= ReuseSettings().partially and derivation in ("wholly", "partially")
    assert len(taken) >= 4
    for p in taken:
        assert same_words(texts[derived_id][p["start"]:p["end"]], texts[wire_id][p["source_start"]:p["source_end"]])
    # The lead was rewritten and the local paragraph is the paper's own: neither is marked.
    assert all(p["start"] > texts[derived_id].index("\n") for p in taken)
    assert all(p["end"] < texts[derived_id].index("In Linden Falls") for p in taken)

    shown = run("reuse", derived_id, "--db", db_path)
    assert wire_id in shown.stdout and derivation in shown.stdout and "Teresa Brandt" in shown.stdout

    con = duckdb.connect(str(db_path))
    con.execute("delete from text_reuse")
    con.close()
    refilled = run("rededup", "--db", db_path)
    assert "text_reuse refilled" in refilled.stdout
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute(reuse).fetchall() == found
    con.close()


def test_the_benchmark_counts_a_verbatim_copy_as_linked_by_the_copy_tier_and_an_independent_story_not():
    """benchmarks/reuse_quality.py's copy-tier column runs dedup as an ingest would (it once broke on a
    record change and nothing noticed)."""
    from benchmarks.reuse_quality import Example, copy_tier_links

    wire = {"wire": WIRE["text"]}
    examples = [Example("copy", WIRE["text"], "wholly", ("wire",), "verbatim"),
                Example("own", INDEPENDENT["text"], "wholly", ("wire",), "labelled wrongly on purpose")]
    assert copy_tier_links(wire, examples) == (1, 2)
