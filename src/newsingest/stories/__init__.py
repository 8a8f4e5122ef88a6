"""Stories stage: Articles (with their dedup decisions) -> StoryDecisions, the same event across outlets.

Dedup links *copies* of one text; a story links *independent reports* of one event. Near-duplicates
always inherit the story of their dedup cluster; other articles are matched on content (see index.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from newsingest.records import Article, DedupDecision, DedupStatus, StoryDecision, StoryMember, utc_date
from newsingest.stories.features import FeatureSettings, TermWeights, term_weights
from newsingest.stories.index import CorpusStatistics, Member, StoryIndex, StorySettings

__all__ = ["CorpusStatistics", "StoryIndex", "StoryLookup", "StoryResult", "StorySettings", "TermWeights",
           "assign_stories", "feature_scheme", "missing_state", "restore_state"]


@dataclass(slots=True)
class StoryResult:
    decisions: list[StoryDecision]
    weights: list[TermWeights]  # term weights per article, in the same order, for the warehouse
    new_terms: dict[str, int]  # document frequencies this batch adds to the corpus statistics
    new_documents: int  # distinct articles counted into the statistics
    scheme: str  # how the weights were computed (feature_scheme)
    days: list[date]  # UTC day each article is filed under (published, else ingested), in the same order


@dataclass(frozen=True, slots=True)
class StoryLookup:
    """What the index must read from the warehouse before it can decide a batch."""

    days: list[date]  # days within the batch's windows whose articles were never loaded
    originals: list[str]  # clusters (their first article's id) of duplicates whose story is not known

    def __bool__(self) -> bool:
        return bool(self.days or self.originals)


def missing_state(articles: list[Article], dedup: list[DedupDecision], index: StoryIndex, now: datetime) -> StoryLookup:
    """Earlier runs' articles are read lazily, by day, for the windows a batch needs (not by age at run
    start): a backfill of last year's news then still meets last year's stories."""
    originals = {d.cluster_id for d in dedup if d.status is not DedupStatus.NEW} - index.story_of.keys()
    originals -= {a.id for a in articles}  # decided earlier in this very batch
    return StoryLookup(days=index.missing_days(a.published_at or now for a in articles),
                       originals=sorted(originals))


def restore_state(index: StoryIndex, needed: StoryLookup, members: list[StoryMember],
                  stories_of_originals: dict[str, str]) -> None:
    """Give the index what `missing_state` asked for: members (Warehouse.story_members) and original -> story."""
    index.load(needed.days, (Member(m.id, m.story_id, m.anchor, *index.term_vector(TermWeights(m.terms, m.weights)))
                             for m in members))
    index.story_of.update(stories_of_originals)


def feature_scheme(settings: FeatureSettings) -> str:
    """Stored term weights are comparable only when computed the same way; this names the way."""
    return (f"terms-v1-t{settings.title_weight:g}-l{settings.lead_weight:g}x{settings.lead_words}"
            f"-e{settings.entity_boost:g}")


def _story(article: Article, dedup: DedupDecision, vector: tuple[np.ndarray, np.ndarray], anchor: datetime,
           index: StoryIndex) -> StoryDecision:
    if dedup.status is not DedupStatus.NEW and (story := index.story_of.get(dedup.cluster_id)):
        return StoryDecision(article.id, story, matched=dedup.cluster_id)
    match = index.closest(*vector, anchor)
    if match is not None and match.similarity >= index.settings.threshold:
        return StoryDecision(article.id, match.story_id, matched=match.article_id,
                             similarity=round(match.similarity, 4))
    return StoryDecision(article.id, article.id)


def assign_stories(articles: list[Article], dedup: list[DedupDecision], index: StoryIndex,
                   now: datetime, weights: list[TermWeights] | None = None) -> StoryResult:
    """One story per article, in input order; `now` stands in for a missing publication date; `weights`
    are the articles' term weights when computed already (article_features).

    The batch's distinct articles are counted into the IDF statistics first, so the terms of today's
    new event are already known as rare when its first reports are compared.
    """
    if weights is None:
        weights = [term_weights(a.title, a.text, index.settings.features) for a in articles]
    # Each article's terms split out once (making their strings is most of receiving them), for its
    # vector and for the IDF counts.
    terms = [article_weights.term_list() for article_weights in weights]
    vectors = [(index.statistics.term_ids(article_terms), article_weights.array())
               for article_terms, article_weights in zip(terms, weights, strict=True)]
    new_terms: Counter[str] = Counter()
    for decision, article_terms, (term_ids, _) in zip(dedup, terms, vectors, strict=True):
        if decision.status is DedupStatus.NEW:  # copies would make a story's own names look common
            index.statistics.add(term_ids)
            new_terms.update(article_terms)
    decisions, days = [], []
    for article, decision, vector in zip(articles, dedup, vectors, strict=True):
        anchor = article.published_at or now
        story = _story(article, decision, vector, anchor, index)
        index.add(Member(article.id, story.story_id, anchor, *vector))
        decisions.append(story)
        days.append(utc_date(anchor))
    return StoryResult(decisions=decisions, weights=weights, new_terms=new_terms,
                       new_documents=sum(d.status is DedupStatus.NEW for d in dedup),
                       scheme=feature_scheme(index.settings.features), days=days)
