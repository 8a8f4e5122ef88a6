"""Per-source learned boilerplate: lines one outlet repeats across its articles are counted in the warehouse
and removed from its later articles with rule `source_boilerplate`."""

from __future__ import annotations

import json
import threading

import duckdb
import pytest

from newsingest.extract.boilerplate import SOURCE_BOILERPLATE, BoilerplateSettings, learnable_lines, line_key
from newsingest.extract.text import clean_lines
from newsingest.pipeline import IngestRun, PipelineSettings, batches, run_batches
from newsingest.records import Article, RemovedLine
from newsingest.sources.registry import SourceOptions, open_sources
from newsingest.warehouse import Warehouse
from helpers import ingest, rows

FOOTER = "The Northfield Courier has served the valley's readers since 1881, thanks to you."
BODY = "The council met on Tuesday and agreed a new budget for the town's parks and libraries."


def test_line_key_ignores_case_and_spacing():
    assert line_key("Support  local news\u00a0today") == line_key("support local news today")
    assert line_key("Support local news") != line_key("Support local journalism")


def test_learnable_lines_are_short_and_include_learned_removals():
    long_paragraph = " ".join(["word"] * 41)
    article = Article(id="a", origin="o", raw_hash="h", url=None, canonical_url=None, source="s", title="t",
                      author=None, published_at=None, language="en", text=f"{BODY}\n{long_paragraph}",
                      text_hash="x", word_count=57, extractor="text-cleaner", extractor_version="1",
                      removed=[RemovedLine(FOOTER, SOURCE_BOILERPLATE, 3), RemovedLine("Share", "share_prompt", 4)])
    assert set(learnable_lines(article).values()) == {BODY, FOOTER}


def test_learned_line_is_removed_and_named_rules_win():
    learned = frozenset({line_key(FOOTER), line_key("Advertisement")})
    cleaned = clean_lines([BODY, "", FOOTER, "Advertisement"], title="Budget agreed", learned=learned, start=1)
    assert cleaned.lines == [BODY]
    assert [(r.line, r.rule, r.position) for r in cleaned.removed] == [
        (FOOTER, SOURCE_BOILERPLATE, 3), ("Advertisement", "advertisement", 4)]


@pytest.mark.parametrize("settings", [BoilerplateSettings(), BoilerplateSettings(min_articles=2, min_share=0.35)])
def test_settings_learn_what_the_warehouse_learns(tmp_path, settings):
    """BoilerplateSettings.learned (benchmarks/source_learning_quality.py learns without a warehouse) draws
    the line where the warehouse's query does, at the boundaries of both thresholds."""
    warehouse = Warehouse(tmp_path / "news.duckdb")
    warehouse.migrate()
    cases = [(seen, total) for total in (5, 6, 20, 25, 26, 100) for seen in (1, 2, 4, 5, 6, 9, 20) if seen <= total]
    with warehouse.transaction() as con:
        for index, (seen, total) in enumerate(cases):
            con.execute("INSERT INTO source_line_totals VALUES (?, ?)", [f"source{index}", total])
            con.execute("INSERT INTO source_lines VALUES (?, 'key', 'A line', ?, now())", [f"source{index}", seen])
    warehouse.start_run("run", "test", [])
    learned = warehouse.run_boilerplate("run", settings)
    expected = {f"source{index}" for index, (seen, total) in enumerate(cases) if settings.learned(seen, total)}
    assert set(learned) == expected
    assert 0 < len(expected) < len(cases)


def _article(n: int, host: str) -> dict:
    # Distinct bodies (no shared shingles), so that dedup keeps every article as new.
    words = " ".join(f"item{n}x{i}" for i in range(30))
    return {"url": f"https://{host}/news/{n}", "title": f"Story number {n} from the valley",
            "text": f"Story number {n} from the valley\n\nThe report lists {words}.\n\n{FOOTER}"}


def _write(path, records) -> None:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


@pytest.mark.slow
def test_lines_learned_in_one_run_are_removed_in_the_next(tmp_path, db_path):
    first = tmp_path / "first.jsonl"
    _write(first, [_article(n, "www.northfield.example") for n in range(5)])
    ingest([first], db_path)
    second = tmp_path / "second.jsonl"
    _write(second, [_article(5, "www.northfield.example"), _article(6, "www.elsewhere.example")])
    ingest([second], db_path)

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        removed = con.execute("SELECT a.url, r.rule FROM removed_lines r JOIN articles a ON a.id = r.article_id "
                              "WHERE r.line = ? ORDER BY 1", [FOOTER]).fetchall()
        texts = dict(con.execute("SELECT url, text FROM articles").fetchall())
        totals = dict(con.execute("SELECT source, articles FROM source_line_totals").fetchall())
    finally:
        con.close()
    # Learned from the five articles of the first run: gone from the sixth, nowhere else.
    assert removed == [("https://www.northfield.example/news/5", SOURCE_BOILERPLATE)]
    assert FOOTER not in texts["https://www.northfield.example/news/5"]
    assert all(FOOTER in texts[f"https://www.northfield.example/news/{n}"] for n in range(5))
    # Another outlet's copy of the line is its own business.
    assert FOOTER in texts["https://www.elsewhere.example/news/6"]
    assert totals == {"northfield.example": 6, "elsewhere.example": 1}


def _interrupted_ingest(path, db_path) -> str:
    """An ingest of `path` that lands it all and ends `interrupted`, as one stopped by Ctrl-C after its last batch."""
    stopped = threading.Event()
    stopped.set()
    with IngestRun(Warehouse(db_path), PipelineSettings(workers=1), stop=stopped) as run:
        for _ in run_batches(run, batches(open_sources([str(path)], SourceOptions()).items(), 2)):
            pass
    return run.summary.status


@pytest.mark.slow
def test_a_rerun_after_an_interruption_cleans_with_the_lines_the_interrupted_run_started_with(tmp_path, db_path):
    """One run over articles 0-5 would keep the footer in all six (its learning is read as it starts). Cut into an
    interrupted run (0-4, which teach the footer) and its rerun (5), the rerun must keep it too; the run after a
    completed one learns from both."""
    first, rerun, later = tmp_path / "first.jsonl", tmp_path / "rerun.jsonl", tmp_path / "later.jsonl"
    _write(first, [_article(n, "www.northfield.example") for n in range(5)])
    _write(rerun, [_article(n, "www.northfield.example") for n in range(6)])
    _write(later, [_article(6, "www.northfield.example")])
    assert _interrupted_ingest(first, db_path) == "interrupted"
    ingest([rerun], db_path)
    ingest([later], db_path)
    removed = rows(db_path, "SELECT a.url FROM removed_lines r JOIN articles a ON a.id = r.article_id "
                            f"WHERE r.rule = '{SOURCE_BOILERPLATE}'")
    assert removed == [("https://www.northfield.example/news/6",)]
    assert rows(db_path, "SELECT status FROM runs ORDER BY started_at") == [
        ("interrupted",), ("completed",), ("completed",)]


@pytest.mark.slow
def test_duplicates_do_not_count_as_repeats(tmp_path, db_path):
    copies = tmp_path / "copies.jsonl"
    record = _article(1, "www.northfield.example")
    _write(copies, [{**record, "url": f"https://www.northfield.example/copy/{n}"} for n in range(6)])
    ingest([copies], db_path)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        counts = con.execute("SELECT max(articles) FROM source_lines").fetchone()[0]
    finally:
        con.close()
    assert counts == 1
