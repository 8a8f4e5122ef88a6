"""`newsingest`: ingest news into DuckDB, clean single articles, and query the warehouse."""

from __future__ import annotations

import csv
import json
import os
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsingest.defaults import DEFAULT_BATCH_SIZE
from newsingest.export import ExportFormat, ExportRefused, export_warehouse
from newsingest.warehouse import Warehouse, WarehouseError, load_sql

# Each command imports the stages it runs: trafilatura, httpx and Prefect (datasketch with --redis) take seconds to
# import, and `query`, `stats` or `--help` need none of them (python -X importtime, README "Command line").
if TYPE_CHECKING:
    from newsingest.health import SourceAlert
    from newsingest.pipeline import RunSummary
    from newsingest.records import Article

# Words of DuckDB errors that mean the file itself is damaged (truncated, overwritten), not the statement.
DAMAGE_SIGNS = ("could not read enough bytes", "not a valid duckdb database", "checksum", "corrupt",
                "serialization", "failed to read")


class _App(typer.Typer):
    """Every command explains a warehouse it cannot read or write in one line, never with a traceback."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except duckdb.Error as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if any(sign in f"{type(exc).__name__} {detail}".lower() for sign in DAMAGE_SIGNS):
                detail += ". The warehouse file looks damaged or truncated: restore it from a backup, or pass --db"
            raise SystemExit(_explain(detail))
        except OSError as exc:
            raise SystemExit(_explain(f"cannot use {exc.filename or 'a file'}: {exc.strerror or exc}"))


def _explain(message: str) -> int:
    errors.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return 2


app = _App(
    help="News ingestion and deduplication: load articles, strip boilerplate, flag duplicates, land in DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Markdown joins a docstring's wrapped lines into paragraphs; typer 0.29's default ("rich") prints each
    # source line break, so every help text broke mid-sentence.
    rich_markup_mode="markdown",
)
console = Console()
errors = Console(stderr=True)

# Not "[default: ...]": rich reads square brackets as markup and printed "DuckDB file ." (issue 23).
DbOption = Annotated[Path | None, typer.Option(
    "--db", help="DuckDB file (default: $NEWSINGEST_DB, else warehouse/news.duckdb).", show_default=False)]


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print the error line; the caller raises what this returns, to exit with `code`."""
    _explain(message)
    return typer.Exit(code)


def _existing(db: Path | None) -> Warehouse:
    """The warehouse a command that must not create one works on: a mistyped --db is an error."""
    warehouse = Warehouse(db)
    if not warehouse.path.exists():
        raise _fail(f"no warehouse at {warehouse.path}: check --db (or $NEWSINGEST_DB), or run `newsingest ingest`")
    return warehouse


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(
        help="Files or folders (.html, .htm, .txt, .jsonl, and .gz of those; .warc and .warc.gz web archives); "
             "folders are read recursively. Feed, sitemap and article URLs and sources files (.toml) are fetched.",
        show_default=False)],
    db: DbOption = None,
    batch_size: Annotated[int, typer.Option(
        min=1, help="Documents per batch (one transaction each).")] = DEFAULT_BATCH_SIZE,
    workers: Annotated[int, typer.Option(min=1, help="Extraction processes.")] = max(1, os.cpu_count() or 1),
    lock_timeout: Annotated[float, typer.Option(
        help="Seconds to wait while another ingest holds the database.")] = 60.0,
    window_days: Annotated[int, typer.Option(
        min=0, help="Dedup links articles dated (undated: ingested) at most this many days apart, counted from "
                    "each article's own date (backfills decide as live runs); 0: any. Memory: about 5.7 KB "
                    "per remembered article.")] = 30,
    allow_host: Annotated[list[str] | None, typer.Option(
        help="WARC: keep only records of this host or its subdomains (repeatable).", show_default=False)] = None,
    deny_host: Annotated[list[str] | None, typer.Option(
        help="WARC: skip records of this host or its subdomains (repeatable; wins over --allow-host).",
        show_default=False)] = None,
    since: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], help="WARC: skip records fetched (WARC-Date, UTC) before this day.",
        show_default=False)] = None,
    until: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], help="WARC: skip records fetched after this day.", show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="WARC: read files an earlier run read to the end again (landed records stay seen).")]
    = False,
    allow_private_network: Annotated[bool, typer.Option(
        "--allow-private-network", envvar="NEWSINGEST_ALLOW_PRIVATE_NETWORK",
        help="Web: fetch from loopback/private/link-local addresses (refused as blocked_address otherwise).")]
    = False,
    contact: Annotated[str | None, typer.Option(
        envvar="NEWSINGEST_CONTACT", help="Web: e-mail or URL for site operators, sent in the User-Agent.",
        show_default=False)] = None,
    redis: Annotated[str | None, typer.Option(
        envvar="NEWSINGEST_REDIS", help="Dedup index shared with other runs and machines: redis://HOST:PORT/DB.",
        show_default=False)] = None,
) -> object:  # the RunSummary (typer evaluates annotations; the pipeline is imported lazily)
    """Run the pipeline on files, web archives, feeds, sitemaps or URLs: extract, deduplicate (against
    every earlier run too), group into stories and land in DuckDB.

    Exits 0 when the run completed and landed something (or had nothing new to land), even if some inputs
    were rejected: rejections are counted here and recorded with their reason in the `rejections` table.
    Exits 1 when no input landed (in this run or an earlier one) and some input failed; inputs rejected by
    an earlier run count, reported as "still failing". Ctrl-C or SIGTERM stops the run within seconds: what was read so far lands,
    the run is marked `interrupted`, and the exit status is 130 (press Ctrl-C twice to abort at once).

    Example: newsingest ingest samples/ --db /tmp/news.duckdb
    """
    from newsingest import worker_server

    worker_server.start()  # the workers' imports and warm-up run beside this process's imports and migrations
    from newsingest.health import HealthSettings
    from newsingest.pipeline import IngestRun, PipelineSettings, batches, run_batches
    from newsingest.progress import IngestProgress
    from newsingest.reports import record_sources
    from newsingest.sources.fetch import FetchSettings
    from newsingest.sources.registry import SourceOptions, expected_documents, open_sources
    from newsingest.sources.state import FetchState
    from newsingest.sources.warc import WarcFilters, WarcOptions
    from newsingest.sources.web import WebCrawl
    from newsingest.stopping import StopOnSignal

    settings = PipelineSettings(redis=redis, batch_size=batch_size, workers=workers, window_days=window_days or None)
    warehouse = Warehouse(db, lock_timeout=lock_timeout)
    warc = WarcOptions(WarcFilters.of(allow_host or (), deny_host or (), since and since.date(),
                                      until and until.date()), force=force, max_bytes=settings.max_bytes)
    try:
        with StopOnSignal() as stop:
            web = WebCrawl.from_inputs(inputs, FetchSettings(allow_private_network=allow_private_network,
                                                             contact=contact), FetchState(warehouse), stop)
            sources = open_sources(inputs, SourceOptions(settings.max_bytes, warc, warehouse.warc_progress, web))
            display = IngestProgress(errors, expected_documents(inputs), lambda: web.stats.articles_requested)
            with IngestRun(warehouse, settings, trigger="cli", inputs=inputs, stop=stop) as run, display:
                run.summary.skipped_files = sources.skipped
                for _ in run_batches(run, batches(display.counted(sources.items()), settings.batch_size,
                                                  settings.batch_bytes, stop, sources.progress)):
                    summary = run.summary
                    display.landed(summary.documents_seen, summary.new, summary.duplicates, summary.rejected)
                alerts, failed = record_sources(warehouse, run.summary, run.tally, HealthSettings())
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    _print_summary(run.summary, warehouse.path)
    _print_health(alerts, failed)
    if web.sources:
        console.print(f"  web: {web.stats.describe()}")
    if run.summary.status == "interrupted":
        raise _fail("interrupted: what was read so far landed; run the same command again to finish", 130)
    if run.summary.failed:
        raise _fail("no input landed and some failed (see the rejections above)", 1)
    return run.summary


def _print_health(alerts: list[SourceAlert], failed: list[str]) -> None:
    """What the flows' summary artifact says of source health (reports.RunReport)."""
    for source in failed:
        console.print(f"  [bold red]failed source[/] {source}: every item failed")
    for alert in alerts:
        console.print(f"  [yellow]source {alert.kind}[/] {alert.source}: {alert.message}")


def _print_summary(summary: RunSummary, db: Path) -> None:
    table = Table(title=f"run {summary.run_id} → {db}", show_header=True)
    for column in ("documents", "already seen", "new", "URL dup.", "exact dup.", "near dup.", "rejected"):
        table.add_column(column, justify="right")
    table.add_row(*map(str, (summary.documents_seen, summary.already_seen, summary.new,
                             summary.url_duplicates, summary.exact_duplicates, summary.near_duplicates,
                             summary.rejected)))
    console.print(table)
    if summary.derived_wholly or summary.derived_partially:
        console.print(f"  derived from earlier articles: {summary.derived_wholly} wholly, "
                      f"{summary.derived_partially} partially (see: newsingest reuse ID)")
    for reason, count in summary.rejections_by_reason.most_common():
        console.print(f"  rejected [yellow]{reason}[/]: {count}")
    for reason, count in summary.still_failing.most_common():
        console.print(f"  still failing (rejected before) [yellow]{reason}[/]: {count}")
    if summary.skipped_files:
        console.print(f"  passed over {len(summary.skipped_files)} files with unsupported extensions")
    for how, count in summary.warc_files.most_common():
        console.print(f"  WARC files {how.replace('_', ' ')}: {count}")
    for reason, count in summary.skipped_records.most_common():
        console.print(f"  WARC records passed over, [cyan]{reason}[/]: {count}")
    console.print(f"  {summary.duration_s:.1f}s. See why with: newsingest query \"select * from rejections\"")


def _article_json(path: str, article: Article) -> str:
    return json.dumps({
        "path": path,
        "title": article.title,
        "author": article.author,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "language": article.language,
        "text": article.text,
        "removed": [{"line": r.line, "reason": r.rule} for r in article.removed],
    }, ensure_ascii=False)


@app.command()
def clean(
    files: Annotated[list[Path], typer.Argument(help="HTML or plain-text articles (or .gz of them).",
                                                show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file, with removed lines.")] = False,
) -> None:
    """Print each cleaned article: the title line, then the body paragraphs, one per line.

    Plain text is expected as a title line followed by the body; HTML goes through trafilatura. Every
    removed line is listed with the rule that removed it under --json. Exits 1 if any file was rejected.
    """
    from newsingest.extract import extract_document
    from newsingest.records import Article, RawDocument
    from newsingest.sources.files import read_file

    failed = 0
    for number, path in enumerate(files):
        for item in read_file(path):
            outcome = extract_document(item) if isinstance(item, RawDocument) else item
            if not isinstance(outcome, Article):
                print(f"{outcome.origin}: rejected ({outcome.reason}): {outcome.message}", file=sys.stderr)
                failed += 1
                continue
            if as_json:
                print(_article_json(str(path), outcome))
            else:
                if number:
                    print()
                print(outcome.title or "")
                print(outcome.text)
    if failed:
        raise typer.Exit(1)


def _render(columns: list[str], rows: list[tuple], output: OutputFormat) -> None:
    if output is OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output is OutputFormat.json:
        for row in rows:
            print(json.dumps(dict(zip(columns, row)), default=str, ensure_ascii=False))
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)


@app.command()
def query(
    sql: Annotated[str | None, typer.Argument(
        help="SQL to run, e.g. \"select source, count(*) from articles group by 1\"", show_default=False)] = None,
    file: Annotated[Path | None, typer.Option(
        "--file", "-f", help="Read the SQL from a file, e.g. warehouse/queries/duplicate_clusters.sql.",
        exists=True, dir_okay=False)] = None,
    db: DbOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table for people, csv/json for scripts.")]
    = OutputFormat.table,
) -> None:
    """Run SQL against the warehouse, read-only (it can run beside an ingest, between its batches)."""
    if sql is None and file is None:
        raise _fail('no SQL given: pass it as an argument ("select ...") or as a file with --file')
    if sql is not None and file is not None:
        raise _fail("SQL given both as an argument and with --file: pass one")
    statement = sql if sql is not None else file.read_text(encoding="utf-8")
    try:
        columns, rows = Warehouse(db).query(statement)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:  # duckdb's parser/binder/catalog errors: show them, not a traceback
        raise _fail(f"{type(exc).__name__}: {exc}") from None
    _render(columns, rows, output)


@app.command()
def rededup(
    db: DbOption = None,
    threshold: Annotated[float | None, typer.Option(
        min=0.05, max=1.0, help="Jaccard similarity at or above which texts are near duplicates.")] = None,
    containment: Annotated[float | None, typer.Option(
        min=0.05, max=1.0, help="Share of a teaser/truncated copy that must be inside the longer text.")] = None,
    char_threshold: Annotated[float | None, typer.Option(
        min=0.05, max=1.0, help="Character-n-gram Jaccard similarity at or above which texts are copies.")] = None,
    shingle_size: Annotated[int | None, typer.Option(min=1, max=20, help="Words per shingle.")] = None,
    num_perm: Annotated[int | None, typer.Option(min=16, max=1024, help="MinHash permutations.")] = None,
) -> None:
    """Re-decide every stored article's duplicates with new parameters, without re-extracting.

    Parameters not given keep their current value. The new parameters are stored in the warehouse and
    used by every later ingest. Signatures are recomputed from the stored text only when the shingle
    size or number of permutations changed.

    Example: newsingest rededup --threshold 0.4
    """
    from newsingest.rededup import DedupChanges
    from newsingest.rededup import rededup as rededup_warehouse

    warehouse = _existing(db)
    changes = DedupChanges(threshold=threshold, containment_threshold=containment, shingle_size=shingle_size,
                           num_perm=num_perm, char_threshold=char_threshold)
    try:
        report = rededup_warehouse(warehouse, changes)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    table = Table("status", "before", "after", title=f"{report.articles} articles re-decided, {report.changed} changed")
    for status in sorted(set(report.before) | set(report.after)):
        table.add_row(status, str(report.before[status]), str(report.after[status]))
    console.print(table)
    settings = report.settings
    console.print(f"  signatures recomputed: {report.recomputed_signatures}; settings now: threshold "
                  f"{settings.threshold}, containment {settings.containment_threshold}, characters "
                  f"{settings.char_threshold}, shingles of "
                  f"{settings.signature.shingle_size} words, {settings.signature.num_perm} permutations")
    console.print(f"  text_reuse refilled: {report.derived['wholly']} articles wholly, "
                  f"{report.derived['partially']} partially derived from earlier ones")


@app.command()
def stats(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Most sources to list (the largest first).")] = 50,
) -> None:
    """Counts of articles per dedup status, source and day, and of rejections per reason."""
    warehouse = Warehouse(db)
    try:
        for name, title in (("stats_by_status", "by dedup status"), ("stats_by_source", "by source"),
                            ("stats_by_day", "by day"), ("stats_rejections", "rejections")):
            columns, rows = warehouse.query(load_sql(name), {"limit": limit} if name == "stats_by_source" else None)
            if name == "stats_by_source":
                sources = rows[0][-1] if rows else 0
                columns, rows = columns[:-1], [row[:-1] for row in rows]
                title = f"by source: {len(rows)} of {sources}" + (
                    f" (the {limit} largest; --limit N for more)" if sources > len(rows) else "")
            console.rule(title)
            _render(columns, rows, OutputFormat.table)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write articles/ and rejections/ under.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="parquet, or csv with a header row.")]
    = ExportFormat.parquet,
    db: DbOption = None,
) -> None:
    """Write the warehouse as files partitioned by day and source: OUT/articles/day=.../source=.../ and
    OUT/rejections/day=.../, replacing an earlier export there (never files an export did not write: then
    it stops and says so). Read-only: it can run beside an ingest.

    Example: newsingest export --format parquet --out /tmp/news-export
    """
    try:
        result = export_warehouse(Warehouse(db), out, fmt)
    except (WarehouseError, ExportRefused) as exc:
        raise _fail(str(exc)) from None
    tables = ", ".join(f"{rows} {table}" for table, rows in result.rows.items())
    console.print(f"exported {tables} as {result.files} {fmt} files under {result.out}")


@app.command()
def search(
    terms: Annotated[str, typer.Argument(help="Words to look for in titles and texts.", show_default=False)],
    limit: Annotated[int, typer.Option(min=1, help="Most results to show.")] = 20,
    stale_ok: Annotated[bool, typer.Option(
        "--stale-ok", help="Use the existing index even if articles landed since it was built (no rebuild wait).")]
    = False,
    db: DbOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table for people, csv/json for scripts.")]
    = OutputFormat.table,
) -> None:
    """Full-text search (BM25, DuckDB FTS) over titles and texts: the best match of each duplicate cluster.

    The index is a file beside the database (DB.search), rebuilt on first use after the warehouse changed.

    Example: newsingest search "dockworkers strike"
    """
    from newsingest.search import SearchIndex

    try:
        hits = SearchIndex(Warehouse(db)).search(terms, limit, refresh=not stale_ok)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    _render(["score", "title", "source", "published_at", "id", "copies"],
            [(round(h.score, 3), h.title, h.source, h.published_at, h.id, h.copies) for h in hits], output)


# One style per source, in order of share; a passage taken from several sources shows the last one's.
SOURCE_STYLES = ("bold yellow", "bold cyan", "bold magenta", "bold green", "bold red", "bold blue")


@app.command()
def reuse(
    article_id: Annotated[str, typer.Argument(help="The article's id (articles.id).", show_default=False)],
    db: DbOption = None,
) -> None:
    """Print an article with the passages it takes from earlier articles marked, one colour per source.

    Example: newsingest reuse 3f2a9c0d1b7e4a55
    """
    warehouse = Warehouse(db)
    try:
        _, found = warehouse.query(load_sql("reuse_article"), {"id": article_id})
        _, sources = warehouse.query(load_sql("article_reuse"), {"id": article_id})
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    if not found:
        raise _fail(f"no article with id {article_id} in {warehouse.path}")
    _, outlet, title, published_at, text = found[0]
    console.print(Text(f"{title or '(no title)'}  ·  {outlet or '(unknown source)'}  ·  {published_at or 'undated'}",
                       style="bold"))
    marked = Text(text)
    legend = []
    for k, (source_id, source_outlet, source_title, source_published, _, share, derivation, passages) in \
            enumerate(sources):
        style = SOURCE_STYLES[k % len(SOURCE_STYLES)]
        for passage in passages:
            marked.stylize(style, passage["start"], passage["end"])
        legend.append(Text.assemble(("■ ", style), f"{share:.0%} of its words ({len(passages)} passages) from "
                                    f"{source_id}, {derivation} derived: {source_title or '(no title)'}  ·  "
                                    f"{source_outlet or '(unknown source)'}  ·  {source_published or 'undated'}"))
    console.print(marked)
    for line in legend or [Text("no text taken from earlier articles (no rows in text_reuse)", style="dim")]:
        console.print(line)


state_app = typer.Typer(help="Fetch state of web sources: stored validators and the links found, per source.",
                        no_args_is_help=True, rich_markup_mode="markdown")
app.add_typer(state_app, name="state")
SourceOption = Annotated[str | None, typer.Option(
    "--source", help="Only this source (a sources-file name, or the host of a URL input).", show_default=False)]


@state_app.command("show")
def state_show(source: SourceOption = None, db: DbOption = None) -> None:
    """Per source: listings (feeds, sitemaps) with their validators and last answer, links found, landed,
    refused for good and still waiting. Explains a run that found "0 new articles"."""
    from newsingest.sources.state import FetchState

    state = FetchState(Warehouse(db))
    try:
        for title, (columns, rows) in (("sources", state.summary(source)), ("listings", state.listings(source))):
            console.rule(title)
            _render(columns, rows, OutputFormat.table)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    except duckdb.CatalogException:
        raise _fail("this warehouse has no fetch state yet: run `newsingest ingest` on a URL first") from None


@state_app.command("reset")
def state_reset(source: SourceOption = None, db: DbOption = None) -> None:
    """Forget validators and links (of one source, or all): the next run fetches feeds and sitemaps in
    full and retries links refused before. Landed articles stay in the warehouse and stay "already seen"."""
    from newsingest.sources.state import FetchState

    warehouse = _existing(db)
    try:
        with warehouse.writer_lock():
            warehouse.migrate()
            listings, links = FetchState(warehouse).reset(source)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    console.print(f"forgot {listings} listings and {links} links" + (f" of source {source}" if source else ""))


if __name__ == "__main__":
    app()
