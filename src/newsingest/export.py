"""Export the warehouse as Parquet or CSV files, partitioned by day and source (Hive layout).

`DIR/articles/day=2024-03-14/source=harborcourier.example/data_0.parquet` and `DIR/rejections/day=.../`:
DuckDB, Spark, pandas and polars read the tree back with the partition columns restored. Each table is
written next to the old one and swapped in when complete, so a reader never sees half an export. Only
an earlier export is replaced: a folder there that an export did not write is left alone (ExportRefused).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from newsingest.warehouse import Warehouse, load_sql


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


# table -> (statement, partition columns)
EXPORTS = {"articles": ("export_articles", ("day", "source")), "rejections": ("export_rejections", ("day",))}
# Written into each exported table folder: the proof that replacing the folder deletes only an export.
MARKER = ".newsingest-export"
# What COPY ... PARTITION_BY writes, for exports made before the marker existed.
EXPORTED_FILE = re.compile(r"data_\d+\.(parquet|csv)")


class ExportRefused(Exception):
    """The export would replace files it did not write."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    out: Path
    rows: dict[str, int]  # per table
    files: int


def warehouse_version(warehouse: Warehouse) -> str:
    """Changes whenever an export would: lets a scheduled export (and the search index) skip an unchanged
    warehouse. Runs that land nothing do not change it."""
    return repr(warehouse.query(load_sql("warehouse_version"))[1][0])


def _copy_options(fmt: ExportFormat, partitions: tuple[str, ...]) -> str:
    options = [f"FORMAT {fmt.value}", f"PARTITION_BY ({', '.join(partitions)})"]
    options.append("COMPRESSION zstd" if fmt is ExportFormat.parquet else "HEADER true")
    return ", ".join(options)


def export_warehouse(warehouse: Warehouse, out: Path, fmt: ExportFormat = ExportFormat.parquet) -> ExportResult:
    """Write every exported table under `out`, replacing an earlier export of the same tables."""
    for table in EXPORTS:
        if not _written_by_export(out / table):
            raise ExportRefused(f"{out / table} holds files an export did not write; they are left alone: "
                                "choose another --out (or move them away)")
    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    con = warehouse.connect(read_only=True)  # an export only reads: it runs beside an ingest
    try:
        for table, (statement, partitions) in EXPORTS.items():
            staging = out / f".{table}.partial-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            target = str(staging).replace("'", "''")
            copy = f"COPY ({load_sql(statement)}) TO '{target}' ({_copy_options(fmt, partitions)})"
            rows[table] = con.execute(copy).fetchone()[0]  # COPY answers with the rows it wrote
            _swap_in(staging, out / table)
    finally:
        con.close()
    files = sum(1 for path in out.rglob(f"*.{fmt.value}") if not path.parent.name.startswith("."))
    return ExportResult(out=out, rows=rows, files=files)


def _written_by_export(folder: Path) -> bool:
    """True for a folder an export wrote (or none at all): its marker, or only partition folders of data files."""
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    if (folder / MARKER).is_file():
        return True
    for path in folder.rglob("*"):
        if not (("=" in path.name) if path.is_dir() else EXPORTED_FILE.fullmatch(path.name)):
            return False
    return True


def _swap_in(staging: Path, target: Path) -> None:
    if not staging.exists():  # an empty table writes no files
        staging.mkdir()
    (staging / MARKER).touch()
    retired = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
