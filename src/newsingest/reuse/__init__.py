"""Reuse stage: Articles -> TextReuse rows, how much of each article came from which earlier article.

Between copies (dedup: the same text) and stories (the same event in other words) sits the article a
newsroom built from wire copy: cut, reordered, its lead rewritten, a local paragraph added. It keeps few of
the wire story's word 5-grams, yet most of its sentences come from the wire. For each article:

1. candidates: earlier articles (published, then arrived, before it) within `window_days`, sharing at
   least `min_shared` sampled word n-grams with it (index.py);
2. alignment: the passages of at least `min_words` words it shares with each candidate (align.py);
3. sources: candidates by words covered, most first; one counts when its passages add `min_added_share`
   of the article's words to those of the sources before it (so a second copy of the same wire story adds
   nothing, while a second wire story combined into the article does);
4. derivation, from the share of the article's words covered by all its sources together: `wholly` from
   `ReuseSettings.wholly`, `partially` from `ReuseSettings.partially`, below that no row (a shared quote or
   a stock sentence is not reuse). Every source of the article gets a row with the article's derivation
   and its own `share` (the share of the article's words in passages shared with that source).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from newsingest.records import Article, DedupDecision, DedupStatus, Derivation, ReusedPassage, TextReuse
from newsingest.reuse.align import Seeds, WordPassage, coverage, passages
from newsingest.reuse.index import Indexed, ReuseIndex, ReuseSettings
from newsingest.reuse.words import Words, words

__all__ = ["AlignedSources", "Indexed", "ReuseIndex", "ReuseResult", "ReuseSettings", "aligned_sources",
           "assign_reuse", "derivation_of", "find_sources", "reuse_of"]


@dataclass(slots=True)
class ReuseResult:
    rows: list[TextReuse]  # every (article, source) pair of the batch, articles in input order

    def derived(self, derivation: Derivation) -> int:
        return len({row.article_id for row in self.rows if row.derivation is derivation})


@dataclass(frozen=True, slots=True)
class AlignedSource:
    """An earlier article the article shares passages with (not an input source: see sources/)."""

    article: Indexed
    words_covered: int  # of the article's words, those in passages shared with this source
    passages: list[WordPassage]


@dataclass(frozen=True, slots=True)
class AlignedSources:
    """An article's sources (steps 2-3 above), before its derivation is decided."""

    share: float  # of the article's words, the share covered by its sources together
    sources: list[AlignedSource]  # most words covered first


def aligned_sources(article: Indexed, candidates: list[Indexed], settings: ReuseSettings) -> AlignedSources:
    """The earlier articles the article draws text from (steps 2-3 above), whatever their share."""
    size = len(article.words)
    aligned = []
    seeds = Seeds.of(article.words.hashes, settings.seed_words)
    for candidate in candidates if size else ():
        found = passages(seeds, candidate.words.hashes, settings.min_words)
        if found:
            covered = coverage(found, size)
            aligned.append((AlignedSource(candidate, int(covered.sum()), found), covered))
    aligned.sort(key=lambda a: -a[0].words_covered)  # candidates come earliest first: ties keep that order
    union = np.zeros(size, dtype=bool)
    sources = []
    for source, covered in aligned:
        if (covered & ~union).sum() >= settings.min_added_share * size:
            union |= covered
            sources.append(source)
    return AlignedSources(float(union.sum() / size) if size else 0.0, sources)


def derivation_of(share: float, settings: ReuseSettings) -> Derivation | None:
    """Step 4: the article's derivation from the share its sources cover together; None: not derived."""
    if share >= settings.wholly:
        return Derivation.WHOLLY
    return Derivation.PARTIALLY if share >= settings.partially else None


def find_sources(article: Indexed, candidates: list[Indexed], settings: ReuseSettings) -> list[TextReuse]:
    """The rows of one article: its sources among its candidates, none when not derived."""
    found = aligned_sources(article, candidates, settings)
    derivation = derivation_of(found.share, settings)
    if derivation is None:
        return []
    size = len(article.words)
    return [TextReuse(article.id, source.article.id, round(source.words_covered / size, 4), derivation,
                      [_characters(p, article.words, source.article.words) for p in source.passages])
            for source in found.sources]


def _characters(passage: WordPassage, article: Words, source: Words) -> ReusedPassage:
    return ReusedPassage(int(article.starts[passage.start]), int(article.ends[passage.end - 1]),
                         int(source.starts[passage.source_start]), int(source.ends[passage.source_end - 1]))


def reuse_of(batch: list[Indexed], new: list[bool], index: ReuseIndex) -> ReuseResult:
    """The rows of a batch of articles in the order they arrive. Those new to dedup join the index first
    (copies add no text of their own): an article finds the earlier ones of its own batch too."""
    index.add([item for item, is_new in zip(batch, new, strict=True) if is_new])
    return ReuseResult([row for item, candidates in zip(batch, index.candidates(batch), strict=True)
                        for row in find_sources(item, candidates, index.settings)])


def assign_reuse(articles: list[Article], dedup: list[DedupDecision], index: ReuseIndex, now: datetime) -> ReuseResult:
    """The batch's rows, in input order; `now` stands in for a missing publication date."""
    batch = [Indexed(article.id, article.published_at or now, index.arrival(), words(article.text))
             for article in articles]
    return reuse_of(batch, [decision.status is DedupStatus.NEW for decision in dedup], index)
