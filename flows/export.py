"""The export flow: the warehouse as Parquet (or CSV) files partitioned by day and source, nightly; it also
brings the full-text search index up to date.

The export task is cached on the warehouse's content, so a night without new articles writes nothing again.
Locally:  python -m flows.export --out warehouse/export
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.context import TaskRunContext

from flows.ingest import artifact_key, run_name
from newsingest.export import ExportFormat, ExportResult, export_warehouse, warehouse_version
from newsingest.search import SearchIndex
from newsingest.warehouse import Warehouse


def _unchanged_warehouse(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """The same warehouse content exported to the same place in the same format needs no second export
    (to force one, e.g. after deleting the folder, run `newsingest export`)."""
    warehouse, out, fmt = parameters["warehouse"], Path(parameters["out"]), parameters["fmt"]
    return f"export|{warehouse.path.resolve()}|{out.resolve()}|{fmt}|{warehouse_version(warehouse)}"


@task(task_run_name="export-{fmt}", cache_key_fn=_unchanged_warehouse, persist_result=True, timeout_seconds=3600)
def export(warehouse: Warehouse, out: str, fmt: ExportFormat) -> ExportResult:
    return export_warehouse(warehouse, Path(out), fmt)


@task(task_run_name="refresh-search-index", cache_policy=NONE, timeout_seconds=3600)  # it checks staleness itself
def refresh_search_index(warehouse: Warehouse) -> bool:
    return SearchIndex(warehouse).refresh()


@flow(name="export-parquet", flow_run_name=run_name)
def export_flow(out: str = "warehouse/export", fmt: ExportFormat = ExportFormat.parquet,
                db: str | None = None) -> ExportResult:
    """Write articles (by day and source) and rejections (by day) under `out`, replacing the last export."""
    warehouse = Warehouse(db)
    result = export(warehouse, out, fmt)
    # Nightly too, so `newsingest search --stale-ok` is never more than a day behind on a large warehouse.
    refresh_search_index(warehouse)
    tables = ", ".join(f"{rows} {table}" for table, rows in result.rows.items())
    get_run_logger().info("exported %s as %d %s files under %s", tables, result.files, fmt, result.out)
    create_markdown_artifact(
        key=artifact_key("summary"), description="What the export wrote",
        markdown=f"# Export to `{result.out}`\n\n{tables}, {result.files} {fmt} files, partitioned "
                 f"`articles/day=…/source=…/` and `rejections/day=…/`.\n\nRead it back with DuckDB:\n\n"
                 f"```sql\nSELECT * FROM read_{'parquet' if fmt == 'parquet' else 'csv'}("
                 f"'{result.out}/articles/**/*.{fmt}', hive_partitioning = true);\n```")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the export flow locally (ephemeral Prefect API).")
    parser.add_argument("--out", default="warehouse/export")
    parser.add_argument("--format", dest="fmt", type=ExportFormat, default=ExportFormat.parquet)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    export_flow(out=args.out, fmt=args.fmt, db=args.db)


if __name__ == "__main__":
    main()
