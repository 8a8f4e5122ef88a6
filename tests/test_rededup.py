"""Canonical members, the dedup window and `rededup` on a real warehouse."""

import json
from datetime import UTC, datetime, timedelta

from newsingest.rededup import DedupChanges, rededup
from newsingest.warehouse import Warehouse
from helpers import OTHER, STORY, ingest, rows, run



def ingest_records(db_path, tmp_path, name, records, **settings):
    path = tmp_path / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    ingest([path], db_path, batch_size=50, **settings)


def decisions(db_path):
    return {row[0]: row[1:] for row in rows(db_path, "select url, dedup_status, duplicate_of is null, cluster_id "
                                                     "from articles")}


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).date().isoformat()


def record(url, text, published):
    return {"url": url, "title": url, "text": text, "published_at": published}


def test_late_arriving_earlier_original_becomes_canonical_without_changing_cluster_ids(db_path, tmp_path):
    ingest_records(db_path, tmp_path, "day2", [record("https://b.example/copy", STORY + " Extra line.", days_ago(3))])
    ingest_records(db_path, tmp_path, "day3", [record("https://a.example/original", STORY, days_ago(7))])
    result = decisions(db_path)
    copy, original = result["https://b.example/copy"], result["https://a.example/original"]
    assert original[0] == "near_duplicate" and original[1] is True    # canonical: duplicate_of is NULL
    assert copy[0] == "new" and copy[1] is False                      # now points at the earlier original
    assert copy[2] == original[2]                                     # one cluster, id of its first member


def test_articles_outside_the_window_are_not_remembered(db_path, tmp_path):
    ingest_records(db_path, tmp_path, "old", [record("https://a.example/1", STORY, days_ago(60))], window_days=30)
    ingest_records(db_path, tmp_path, "new", [record("https://b.example/1", STORY + " Again.", None)], window_days=30)
    assert decisions(db_path)["https://b.example/1"][0] == "new"
    ingest_records(db_path, tmp_path, "all", [record("https://c.example/1", STORY + " Once more.", None)],
                   window_days=None)
    assert decisions(db_path)["https://c.example/1"][0] == "near_duplicate"


def test_rededup_changes_decisions_persists_settings_and_is_reproducible(db_path, tmp_path):
    edited = STORY.replace("three years", "four years").replace("next month", "in June")
    ingest_records(db_path, tmp_path, "one", [record("https://a.example/1", STORY, days_ago(7)),
                                              record("https://b.example/1", edited, days_ago(6)),
                                              record("https://c.example/1", OTHER, days_ago(6))])
    before = decisions(db_path)
    assert before["https://b.example/1"][0] == "near_duplicate"

    strict = rededup(Warehouse(db_path), DedupChanges(threshold=0.95, containment_threshold=0.99,
                                                      char_threshold=0.99))
    assert strict.changed == 1 and strict.recomputed_signatures == 0
    assert decisions(db_path)["https://b.example/1"][0] == "new"
    assert Warehouse(db_path).dedup_settings().threshold == 0.95
    assert Warehouse(db_path).dedup_settings().char_threshold == 0.99

    # a later ingest decides with the stored (strict) settings
    reworded = edited.replace("The mayor said", "The deputy mayor said").replace("next spring", "in the summer")
    ingest_records(db_path, tmp_path, "two", [record("https://d.example/1", reworded, days_ago(5))])
    assert decisions(db_path)["https://d.example/1"][0] == "new"  # the defaults would call it near_duplicate

    again = rededup(Warehouse(db_path), DedupChanges())
    assert again.changed == 0
    reshingled = rededup(Warehouse(db_path), DedupChanges(threshold=0.33, shingle_size=3, char_threshold=0.5))
    assert reshingled.recomputed_signatures == 4
    relaxed = decisions(db_path)
    assert relaxed["https://b.example/1"][0] == relaxed["https://d.example/1"][0] == "near_duplicate"


def test_rededup_keeps_near_duplicates_in_their_clusters_story(db_path, tmp_path):
    ingest_records(db_path, tmp_path, "early", [record("https://a.example/1", STORY, days_ago(20))])
    rededup(Warehouse(db_path), DedupChanges(threshold=0.99, containment_threshold=0.99, char_threshold=0.99))
    # 15 days later, beyond the story window: under strict dedup the copy starts a cluster and a story
    edited = STORY.replace("three years", "four years")
    ingest_records(db_path, tmp_path, "late", [record("https://c.example/1", edited, days_ago(5))])
    assert len(set(story_ids(db_path).values())) == 2

    relaxed = rededup(Warehouse(db_path), DedupChanges(threshold=0.33, containment_threshold=0.7))
    assert relaxed.after["near_duplicate"] == 1
    assert len(set(story_ids(db_path).values())) == 1  # the copy followed its cluster into the story


def story_ids(db_path) -> dict[str, str]:
    return dict(rows(db_path, "select url, story_id from articles"))


THIRD = ("Health officials in the valley towns reported on Thursday that the number of measles cases had "
         "doubled in a fortnight, most of them among children who had not been vaccinated. Clinics will open "
         "on Saturdays until the end of the school term, and the regional health board sent letters to every "
         "family with a child in primary school. Doctors urged parents to check their children's records.")


def cli_ingest(db_path, *paths):

    run("ingest", *paths, "--db", db_path)


def test_an_archive_split_over_runs_clusters_as_one_run(tmp_path):
    """A 1999 archive: wire copy first, the papers made of it the next day, and reprints months later.
    Through the CLI, in one run and in three; the window counts from each article's own date, for URL and
    exact-text matches as for near duplicates."""
    wire = [record(f"https://wire.example/{n}", text, "1999-03-01") for n, text in enumerate((STORY, OTHER, THIRD))]
    papers = [record("https://paper-a.example/1", "BRIDGE TO CLOSE\nBy our correspondent\n" + STORY, "1999-03-02"),
              record("https://paper-b.example/1", OTHER.replace("Wednesday", "Weds").replace(" last winter", ""),
                     "1999-03-02"),
              record("https://paper-c.example/1", " ".join(STORY.split()[:45]) + " Full story inside.", "1999-03-02"),
              record("https://paper-d.example/1", THIRD.split(". ", 1)[1], "1999-03-03")]
    reprint = [record("https://paper-a.example/2", STORY + " (First published in March.)", "1999-09-01"),
               record("https://wire.example/1?utm_source=archive", OTHER, "1999-09-01"),  # same canonical URL
               record("https://paper-e.example/1", THIRD, "1999-09-02")]  # the same text
    files = []
    for name, records in (("wire", wire), ("papers", papers), ("reprint", reprint)):
        files.append(tmp_path / f"{name}.jsonl")
        files[-1].write_text("\n".join(json.dumps(r) for r in records))

    cli_ingest(tmp_path / "one.duckdb", *files)
    for path in files:
        cli_ingest(tmp_path / "split.duckdb", path)

    one, split = decisions(tmp_path / "one.duckdb"), decisions(tmp_path / "split.duckdb")
    assert one == split
    clusters = {url: cluster for url, (_, _, cluster) in one.items()}
    assert clusters["https://paper-a.example/1"] == clusters["https://paper-c.example/1"] == clusters[
        "https://wire.example/0"]
    assert clusters["https://paper-b.example/1"] == clusters["https://wire.example/1"]
    assert clusters["https://paper-d.example/1"] == clusters["https://wire.example/2"]
    for url in ("https://paper-a.example/2", "https://wire.example/1?utm_source=archive", "https://paper-e.example/1"):
        assert one[url][0] == "new"  # six months after: outside the 30-day window


def test_a_copy_published_at_the_same_time_never_takes_over_on_arrival(db_path, tmp_path):
    same_time = "2026-03-02T09:00:00+00:00"
    longer_copy = STORY + " The council's full report runs to three hundred pages and is online."
    ingest_records(db_path, tmp_path, "first", [record("https://a.example/original", STORY, same_time)])
    ingest_records(db_path, tmp_path, "later", [record("https://b.example/copy", longer_copy, same_time)])
    ingest_records(db_path, tmp_path, "both", [record("https://c.example/copy", longer_copy + " Updated.", same_time)])
    result = decisions(db_path)
    assert result["https://a.example/original"][1] is True  # canonical: the earliest arrival of equal times
    assert result["https://b.example/copy"][1] is False and result["https://c.example/copy"][1] is False


def test_articles_signed_under_an_earlier_scheme_are_still_remembered_and_rededup_stores_them(db_path, tmp_path):
    """After an upgrade that changes how signatures are computed, the stored ones no longer count: an
    ingest computes them again from the stored text (until `rededup` stores them), so copies are found."""
    import duckdb

    ingest_records(db_path, tmp_path, "first", [record("https://a.example/1", STORY, days_ago(1))])
    con = duckdb.connect(str(db_path))
    con.execute("update signatures set scheme = 'affine32-w5-p128-s1'")  # the scheme before poly64
    con.close()
    ingest_records(db_path, tmp_path, "second", [record("https://b.example/1", STORY + " One more line.", days_ago(1))])
    assert decisions(db_path)["https://b.example/1"][0] == "near_duplicate"
    report = rededup(Warehouse(db_path))
    assert report.recomputed_signatures == 1 and report.changed == 0


class ReadsRecorded(Warehouse):
    """The real warehouse, recording which days of dedup state and of reuse sources a run reads."""

    def __init__(self, path):
        super().__init__(path)
        self.dedup_reads, self.reuse_reads = [], []

    def dedup_state(self, scheme, days):
        self.dedup_reads.append(days)
        return super().dedup_state(scheme, days)

    def reuse_sources(self, days):
        self.reuse_reads.append(days)
        return super().reuse_sources(days)


def test_a_run_reads_dedup_state_and_reuse_sources_only_for_days_earlier_runs_landed_articles_on(db_path, tmp_path):
    """Reading a range of days no earlier run landed on scanned every stored article and found nothing; the
    run's own articles are remembered as they are decided. Decisions are those of reading every range."""
    from newsingest.pipeline import IngestRun, PipelineSettings, batches, run_batches
    from newsingest.sources.registry import open_sources

    ingest_records(db_path, tmp_path, "earlier", [record("https://a.example/1", STORY, days_ago(40))])

    def second_run(name, records):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records))
        warehouse = ReadsRecorded(db_path)
        sources = open_sources([str(path)])
        with IngestRun(warehouse, PipelineSettings(window_days=5)) as ingest_run:
            for _ in run_batches(ingest_run, batches(sources.items(), 1, progress=sources.progress)):
                pass
        return warehouse.dedup_reads + warehouse.reuse_reads

    # batches of new days only (the earlier article is 40 days old): nothing read, and the copy within
    # the run is still found
    reads = second_run("new-days", [record("https://b.example/1", OTHER, days_ago(3)),
                                    record("https://c.example/1", OTHER + " Copied.", days_ago(2))])
    assert reads == []
    assert decisions(db_path)["https://c.example/1"][0] == "near_duplicate"
    # a batch whose window meets the earlier run's day reads it and finds the earlier article
    reads = second_run("old-day", [record("https://d.example/1", STORY + " Again.", days_ago(38))])
    assert len(reads) == 2  # one range of dedup state, one of reuse sources
    assert decisions(db_path)["https://d.example/1"][0] == "near_duplicate"


def test_a_day_the_reuse_index_evicted_is_read_again_when_a_later_batch_needs_it(db_path, tmp_path):
    """A run's own articles of a day are not read back while the reuse index holds the day; once it evicted
    the day (memory_days), a later article dated then still finds its source there, read from the warehouse."""
    from newsingest.pipeline import IngestRun, PipelineSettings, batches, run_batches
    from newsingest.reuse import ReuseSettings
    from newsingest.sources.registry import open_sources

    records = [record("https://a.example/1", STORY, days_ago(20)),
               record("https://b.example/1", OTHER, days_ago(10)),
               record("https://c.example/1", "Schools reopen after the storm. " * 20, days_ago(5)),
               record("https://d.example/1", STORY + " The works start in May.", days_ago(19))]
    path = tmp_path / "days.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    warehouse = ReadsRecorded(db_path)
    sources = open_sources([str(path)])
    settings = PipelineSettings(window_days=5, reuse=ReuseSettings(memory_days=1))
    with IngestRun(warehouse, settings) as ingest_run:
        for _ in run_batches(ingest_run, batches(sources.items(), 1, progress=sources.progress)):
            pass
    assert [[day.isoformat() for day in days] for days in warehouse.reuse_reads] == [[days_ago(20)]]
    assert rows(db_path, "select a.url, s.url from text_reuse r join articles a on a.id = r.id "
                         "join articles s on s.id = r.source_id") == [("https://d.example/1", "https://a.example/1")]
