"""Re-decide every stored article's duplicates after a parameter change, without re-extracting.

Articles are replayed in arrival order through a fresh Deduplicator, so the result is the one a fresh
ingest with the new parameters would give (permutations are seeded: the same input gives the same
decisions). Stored signatures are reused when they were computed the current way (same shingle size,
permutations, seed); otherwise they are recomputed from the stored clean text and replaced.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from newsingest.dedup import signature_scheme
from newsingest.dedup.clusters import Deduplicator
from newsingest.dedup.index import LshSettings
from newsingest.dedup.signatures import compute_signatures, from_stored, to_stored
from newsingest.records import DedupDecision, Derivation, day_number
from newsingest.reuse import Indexed, ReuseIndex, ReuseResult, ReuseSettings, reuse_of
from newsingest.reuse.words import words
from newsingest.warehouse import Warehouse


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: str
    canonical_url: str | None
    text_hash: str
    published_at: datetime | None  # else ingested: the date the window is counted from


@dataclass(frozen=True, slots=True)
class DedupChanges:
    """The parameters to change; None keeps the warehouse's current value."""

    threshold: float | None = None
    containment_threshold: float | None = None
    shingle_size: int | None = None
    num_perm: int | None = None
    char_threshold: float | None = None

    def apply(self, current: LshSettings) -> LshSettings:
        signature = replace(current.signature, shingle_size=self.shingle_size or current.signature.shingle_size,
                            num_perm=self.num_perm or current.signature.num_perm)
        return replace(current, threshold=self.threshold or current.threshold, signature=signature,
                       containment_threshold=self.containment_threshold or current.containment_threshold,
                       char_threshold=self.char_threshold or current.char_threshold)


@dataclass(slots=True)
class RededupReport:
    settings: LshSettings
    articles: int
    changed: int
    recomputed_signatures: int
    before: Counter[str]
    after: Counter[str]
    derived: Counter[str]  # articles found derived from earlier ones, by derivation (text_reuse refilled)


def rededup(warehouse: Warehouse, changes: DedupChanges = DedupChanges()) -> RededupReport:
    """Recompute all decisions under the changed settings, store them and make the settings the warehouse's."""
    with warehouse.writer_lock():
        warehouse.migrate()
        settings = changes.apply(warehouse.dedup_settings() or LshSettings())
        rows = warehouse.rededup_inputs(signature_scheme(settings))
        missing = [row for row in rows if row.text is not None]  # text is selected only where needed
        fresh = dict(zip((row.id for row in missing),
                         compute_signatures([row.text for row in missing], settings.signature), strict=True))
        deduplicator = Deduplicator(settings)
        previous: dict[str, tuple[str, str]] = {}
        decisions: list[DedupDecision] = []
        for row in rows:
            previous[row.id] = (row.dedup_status, row.cluster_id)
            signature = fresh.get(row.id) or from_stored(row.signature, settings.signature)
            decisions.append(deduplicator.decide(StoredArticle(row.id, row.canonical_url, row.text_hash, row.dated),
                                                 signature))
        recomputed = {article_id: to_stored(signature) for article_id, signature in fresh.items()}
        warehouse.replace_decisions(decisions, recomputed, signature_scheme(settings), settings)
        derived = refill_text_reuse(warehouse)
    changed = sum(1 for d in decisions if previous[d.article_id] != (d.status.value, d.cluster_id))
    return RededupReport(settings=settings, articles=len(decisions), changed=changed, recomputed_signatures=len(recomputed),
                         before=Counter(status for status, _ in previous.values()),
                         after=Counter(d.status.value for d in decisions), derived=derived)


def refill_text_reuse(warehouse: Warehouse, settings: ReuseSettings = ReuseSettings()) -> Counter[str]:
    """Find every article's sources again, earliest dated first, as one ingest of all of them would (the
    copies among them follow the decisions just stored); replaces text_reuse. Call it holding the writer lock."""
    index = ReuseIndex(settings, complete=True)
    rows = []
    for chunk in warehouse.reuse_replay():
        index.forget_before(day_number(chunk[0].anchor) - settings.window_days)
        batch = [Indexed(row.id, row.anchor, index.arrival(), words(row.text)) for row in chunk]
        rows += reuse_of(batch, [row.new for row in chunk], index).rows
    warehouse.replace_text_reuse(rows, run_id="rededup")
    found = ReuseResult(rows)
    return Counter({derivation.value: found.derived(derivation) for derivation in Derivation})
