"""The source registry: which kind reads each input, in what order, and the progress each batch carries.
Our own generated inputs (regression tests)."""

import gzip

from newsingest.pipeline import batches
from newsingest.records import RawDocument
from newsingest.sources.registry import SOURCE_KINDS, SourceOptions, classify, expected_documents, open_sources

from helpers import article_html, request, response, write_warc


def test_each_input_goes_to_the_first_kind_that_claims_it(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text("<p>a</p>")
    (folder / "b.jsonl").write_text("{}\n")
    (folder / "c.txt.gz").write_bytes(gzip.compress(b"c"))
    (folder / "notes.md").write_text("not news")
    write_warc(folder / "d.warc.gz", [response("https://x.example/d", article_html(1, "D"))])
    named = tmp_path / "list.csv"
    named.write_text("x")
    found = classify(["https://x.example/feed.xml", str(tmp_path / "sources.toml"), str(folder), str(named),
                      str(tmp_path / "missing.html")])
    assert [kind.name for kind in SOURCE_KINDS] == ["web", "files", "warc"]
    assert found.inputs == {
        "web": ["https://x.example/feed.xml", str(tmp_path / "sources.toml")],
        # a named file no kind claims is read (and rejected as unsupported) by the files kind
        "files": [str(folder / "a.html"), str(folder / "b.jsonl"), str(folder / "c.txt.gz"), str(named)],
        "warc": [str(folder / "d.warc.gz")]}
    assert found.missing == [str(tmp_path / "missing.html")] and found.skipped == [str(folder / "notes.md")]
    assert expected_documents([str(folder), "https://x.example/feed.xml"]) == 5


def test_warc_progress_rides_on_the_batches_and_no_marker_enters_the_items(tmp_path):
    records = [response(f"https://x.example/{n}", article_html(n, f"Story {n}")) for n in range(5)]
    first = write_warc(tmp_path / "1.warc.gz", records[:3] + [request("https://x.example/r")])
    second = write_warc(tmp_path / "2.warc", records[3:])
    sources = open_sources([str(tmp_path)])
    cut = list(batches(sources.items(), 2, progress=sources.progress))
    assert all(isinstance(item, RawDocument) for batch in cut for item in batch.items)
    assert [len(batch.items) for batch in cut] == [2, 2, 1]
    offsets = {batch.number: {p.path: (p.last_offset, p.complete) for p in batch.progress.warc} for batch in cut}
    pointer = [[item.warc for item in batch.items] for batch in cut]
    # Batch 2 holds the first file's last record and the second file's first: the first file finished with
    # it (its end was reached before the second file's first record was read).
    assert offsets[1] == {str(first): (pointer[0][1].offset, False)}
    assert offsets[2] == {str(first): (pointer[1][0].offset, True), str(second): (pointer[1][1].offset, False)}
    assert offsets[3] == {str(second): (pointer[2][0].offset, True)}
    assert [dict(batch.progress.files_finished) for batch in cut] == [{}, {"read": 1}, {"read": 1}]
    assert cut[1].progress.skipped_records == {"request": 1}


def test_a_file_already_read_still_reports_its_end_in_a_batch_of_its_own(tmp_path):
    warc = write_warc(tmp_path / "done.warc.gz", [response("https://x.example/1", article_html(1, "One"))])
    earlier = open_sources([str(warc)]).opened[0]
    list(earlier.items())
    (state,) = earlier.progress([]).warc  # what the earlier run committed: complete
    sources = open_sources([str(warc)], SourceOptions(warc_state=lambda path: state))
    (batch,) = batches(sources.items(), 10, progress=sources.progress)
    assert batch.items == [] and dict(batch.progress.files_finished) == {"already_ingested": 1}

