"""Source health: which sources went quiet, fail every time, or suddenly yield far less than usual.

A scheduled ingest that "succeeds" while a feed has been returning nothing for an hour hides a problem;
these checks compare what each source yielded in this run with its own recent history.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath

from newsingest.records import RawDocument, Rejection
from newsingest.urls import source_host
from newsingest.warehouse import Warehouse, load_sql


@dataclass(frozen=True, slots=True)
class HealthSettings:
    consecutive_runs: int = 3  # a source is flagged after this many runs in a row with nothing (or only errors)
    history_runs: int = 10  # the baseline for volume drops: the median of this many earlier runs
    drop_ratio: float = 0.25  # below this share of its baseline, a source has dropped
    min_baseline: int = 8  # sources usually yielding fewer items are too noisy to judge drops
# Rejections at these stages mean the source itself failed to deliver (unreadable file, refused fetch).
SOURCE_STAGES = frozenset({"source", "fetch"})


class AlertKind(StrEnum):
    SILENT = "silent"  # no items for several runs in a row
    FAILING = "failing"  # only errors for several runs in a row
    VOLUME_DROP = "volume_drop"  # far fewer items than its recent median


@dataclass(frozen=True, slots=True)
class SourceAlert:
    source: str
    kind: AlertKind
    message: str


@dataclass(slots=True)
class SourceTally:
    """Items and source-stage errors per source in one run."""

    items: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, items: Iterable[RawDocument | Rejection]) -> None:
        for item in items:
            source = source_of(item)
            self.items[source] += 1
            if isinstance(item, Rejection) and item.stage in SOURCE_STAGES:
                self.errors[source] += 1

    def fail(self, source: str) -> None:
        """A source whose reading failed as a whole (its task failed): it yielded one error."""
        self.items[source] += 1
        self.errors[source] += 1

    def rows(self, expected: Iterable[str] = ()) -> list[tuple[str, int, int]]:
        """(source, items, errors) for every source seen now or expected from history (zeros if silent)."""
        sources = sorted(set(self.items) | set(expected))
        return [(s, self.items[s], self.errors[s]) for s in sources]


def source_of(item: RawDocument | Rejection) -> str:
    """The outlet host for URLs; for local files without URL, the folder they were read from."""
    url = getattr(item, "url", None) or (item.origin if item.origin.startswith(("http://", "https://")) else None)
    host = source_host(url)
    if host:
        return host
    path = item.origin.rsplit(":", 1)[0] if item.origin.rsplit(":", 1)[-1].isdigit() else item.origin
    return f"file:{PurePath(path).parent}"


def source_alerts(current: dict[str, tuple[int, int]], history: list[dict[str, tuple[int, int]]],
                  settings: HealthSettings = HealthSettings()) -> list[SourceAlert]:
    """Alerts for this run. `current` and each run of `history` (newest first) map source -> (items, errors)."""
    alerts = []
    for source, (items, errors) in sorted(current.items()):
        earlier = [run.get(source, (0, 0)) for run in history]
        recent = [(items, errors)] + earlier[: settings.consecutive_runs - 1]
        streak = len(recent) == settings.consecutive_runs
        baseline = statistics.median([n - e for n, e in earlier[: settings.history_runs]]) if earlier else 0
        if streak and all(n == 0 for n, _ in recent):
            alerts.append(SourceAlert(source, AlertKind.SILENT,
                                      f"no items in the last {settings.consecutive_runs} runs"))
        elif streak and all(n > 0 and e == n for n, e in recent):
            alerts.append(SourceAlert(source, AlertKind.FAILING,
                                      f"only errors in the last {settings.consecutive_runs} runs"))
        elif baseline >= settings.min_baseline and items - errors < settings.drop_ratio * baseline:
            alerts.append(SourceAlert(source, AlertKind.VOLUME_DROP,
                                      f"{items - errors} items, usually about {baseline:g}"))
    return alerts


def record_source_run(warehouse: Warehouse, run_id: str, rows: list[tuple[str, int, int]]) -> None:
    if rows:
        with warehouse.transaction() as con:
            con.executemany(load_sql("insert_source_run"), [(run_id, *row) for row in rows])


def source_history(warehouse: Warehouse, inputs: list[str], run_id: str,
                   runs: int) -> list[dict[str, tuple[int, int]]]:
    """What each source yielded in the latest earlier runs over the same inputs, newest run first."""
    with warehouse.transaction() as con:
        rows = con.execute(load_sql("source_history"), {"inputs": inputs, "run_id": run_id, "runs": runs}).fetchall()
    history: dict[str, dict[str, tuple[int, int]]] = {}
    for run, source, items, errors in rows:  # ordered newest run first
        history.setdefault(run, {})[source] = (items, errors)
    return list(history.values())


def alerts_markdown(alerts: list[SourceAlert]) -> str:
    if not alerts:
        return ""
    lines = ["## Sources needing attention", "", "| source | problem | detail |", "|---|---|---|"]
    lines += [f"| {a.source} | {a.kind} | {a.message} |" for a in alerts]
    return "\n".join(lines)
