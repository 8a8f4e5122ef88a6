import gzip
import json

from newsingest.records import RawDocument, Rejection
from newsingest.sources.files import read_file, read_files, scan_paths


def test_scan_expands_folders_and_passes_over_unsupported(tmp_path):
    (tmp_path / "a.html").write_text("<html></html>")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt.gz").write_bytes(gzip.compress(b"t"))
    (tmp_path / "notes.md").write_text("not news")
    (tmp_path / ".hidden.txt").write_text("hidden")
    scan = scan_paths([tmp_path])
    assert [p.name for p in scan.files] == ["a.html", "b.txt.gz"]
    assert [p.name for p in scan.skipped] == ["notes.md"]


def test_gzip_html_is_read_decompressed_as_html(tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(b"<html><body>hi</body></html>"))
    (doc,) = read_file(path)
    assert isinstance(doc, RawDocument)
    assert doc.body == b"<html><body>hi</body></html>"
    assert doc.content_type == "text/html"


def test_gzip_bomb_is_rejected_as_too_large(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"\0" * 5_000_000))
    (rejection,) = read_file(path, max_bytes=1_000_000)
    assert isinstance(rejection, Rejection)
    assert rejection.reason == "too_large"


def test_truncated_gzip_is_rejected(tmp_path):
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(gzip.compress(b"some text " * 1000)[:50])
    (rejection,) = read_file(path)
    assert rejection.reason == "corrupt_gzip"


def test_jsonl_keeps_good_records_around_bad_lines(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"url": "https://a.example/1", "title": "T1", "text": "body one"}),
        "{broken json",
        json.dumps({"url": "https://a.example/2", "html": "<p>x</p>"}),
        json.dumps({"url": 42, "text": "wrong type"}),
        json.dumps({"title": "no body"}),
        "",
    ]
    path.write_text("\n".join(lines))
    items = list(read_file(path))
    assert [type(i).__name__ for i in items] == ["RawDocument", "Rejection", "RawDocument", "Rejection", "Rejection"]
    assert items[0].title_hint == "T1" and items[0].content_type == "text/plain"
    assert items[2].content_type == "text/html"
    assert [i.reason for i in items if isinstance(i, Rejection)] == ["malformed_json", "invalid_record", "invalid_record"]
    assert items[1].origin.endswith("feed.jsonl:2")


def test_unsupported_named_file_is_rejected_not_skipped(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    (rejection,) = read_files([path])
    assert rejection.reason == "unsupported_file_type"
    assert all(suffix in rejection.message for suffix in (".html", ".xhtml", ".text", ".ndjson", ".jsonl"))


def test_document_ids_are_deterministic_and_url_based_when_possible(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("Title\nBody")
    (first,) = read_file(path)
    (second,) = read_file(path)
    assert first.doc_id == second.doc_id
    with_url = RawDocument(origin="o", body=b"same", url="https://a.example/1")
    other_bytes = RawDocument(origin="o", body=b"different", url="https://a.example/1")
    assert with_url.doc_id == other_bytes.doc_id


def test_a_jsonl_record_is_titled_by_its_title_field_only(tmp_path):
    from newsingest.extract import extract_document

    brief = ("Firefighters brought a blaze at a disused warehouse on the harbour front under control early on "
             "Sunday, the fire service said; nobody was hurt and the cause is being investigated.")
    path = tmp_path / "briefs.jsonl"
    path.write_text(json.dumps({"url": "https://a.example/brief", "text": brief}) + "\n"
                    + json.dumps({"url": "https://a.example/titled", "title": "Warehouse fire", "text": brief}))
    untitled, titled = (extract_document(raw) for raw in read_file(path))
    # The one paragraph is the text, not a title: kept whole, counted whole, so the brief is long enough.
    assert untitled.title is None and untitled.text == brief and untitled.word_count == len(brief.split())
    assert titled.title == "Warehouse fire" and titled.text == brief
