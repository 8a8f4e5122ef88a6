"""What an operator is shown about one ingest run: the summary, its new duplicates and rejections,
and the sources that need attention. Plain data here; flows/ publishes it as Prefect artifacts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsingest.health import HealthSettings, SourceAlert, SourceTally, alerts_markdown, record_source_run, \
    source_alerts, source_history
from newsingest.pipeline import RunSummary
from newsingest.warehouse import Warehouse, load_sql

TABLE_ROWS = 200  # artifacts are for a glance; the warehouse has every row


@dataclass(slots=True)
class RunReport:
    summary: RunSummary
    alerts: list[SourceAlert] = field(default_factory=list)
    failed_sources: list[str] = field(default_factory=list)  # sources that yielded only errors this run
    deferred: int = 0  # articles left for another run (outside a backfill's date range)
    duplicates: list[dict] = field(default_factory=list)
    rejections: list[dict] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.alerts or self.failed_sources or self.summary.failed)

    def problems(self) -> str:
        """One line for the run's final state message."""
        parts = ["no input landed and some failed"] if self.summary.failed else []
        parts += [f"source failed: {s}" for s in self.failed_sources]
        parts += [f"{a.source} {a.kind}: {a.message}" for a in self.alerts]
        return "; ".join(parts)

    def to_markdown(self) -> str:
        sections = [self.summary.to_markdown()]
        if self.summary.status == "interrupted":
            sections.append("Stopped by a signal (Ctrl-C, SIGTERM, a cancellation) before all of its inputs were "
                            "read: what is counted here landed. Run it again with the same inputs to finish; the "
                            "rerun skips what landed.")
        if self.failed_sources:
            sections.append("## Failed sources\n\n" + "\n".join(f"- `{s}`: every item failed (see the "
                                                                 "rejections table artifact)"
                                                                 for s in self.failed_sources))
        if self.alerts:
            sections.append(alerts_markdown(self.alerts))
        if self.deferred:
            sections.append(f"{self.deferred} articles were published outside the requested date range and "
                            f"were left for another run (nothing recorded for them).")
        return "\n\n".join(sections)


def record_sources(warehouse: Warehouse, summary: RunSummary, tally: SourceTally,
                   settings: HealthSettings = HealthSettings()) -> tuple[list[SourceAlert], list[str]]:
    """Store what each source yielded in this run; return the health alerts and the sources that failed."""
    history = source_history(warehouse, summary.inputs, summary.run_id, settings.history_runs)
    expected = {source for run in history for source in run}
    rows = tally.rows(expected)
    record_source_run(warehouse, summary.run_id, rows)
    alerts = source_alerts({s: (items, errors) for s, items, errors in rows}, history, settings)
    failed = [s for s, items, errors in rows if items and errors == items]
    return alerts, failed


def run_rows(warehouse: Warehouse, statement: str, run_id: str) -> list[dict]:
    columns, rows = warehouse.query(load_sql(statement), {"run_id": run_id, "limit": TABLE_ROWS})
    return [dict(zip(columns, row)) for row in rows]


def build_report(warehouse: Warehouse, summary: RunSummary, alerts: list[SourceAlert], failed: list[str],
                 deferred: int = 0) -> RunReport:
    """Everything to show for a finished run (reads the warehouse read-only)."""
    return RunReport(summary=summary, alerts=alerts, failed_sources=failed, deferred=deferred,
                     duplicates=run_rows(warehouse, "run_duplicates", summary.run_id),
                     rejections=run_rows(warehouse, "run_rejections", summary.run_id))
