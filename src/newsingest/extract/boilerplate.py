"""Per-source boilerplate: lines an outlet repeats across many of its articles (footers, promos, tip lines
in its own words) that no named rule knows. The warehouse counts, per source, in how many distinct new
articles each short line appeared (`source_lines`, migration 002); a line seen in at least `min_articles`
articles and in at least `min_share` of the source's articles is removed from that source's later articles
with rule `source_boilerplate`, like jusText and trafilatura drop text repeated within a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsingest.records import Article, DedupDecision, DedupStatus, SourceLines, sha256_hex

SOURCE_BOILERPLATE = "source_boilerplate"
# Only short lines are counted: footers and promos are short, and a long paragraph repeated across a
# source's articles (a background paragraph in a series) is reporting, not furniture.
LEARN_MAX_WORDS = 40


@dataclass(frozen=True, slots=True)
class BoilerplateSettings:
    min_articles: int = 5  # fewer repeats prove nothing: a quote can recur in a handful of follow-ups
    min_share: float = 0.2  # of the source's articles counted so far

    def learned(self, articles: int, of_articles: int) -> bool:
        """Whether a line seen in `articles` of a source's `of_articles` counted articles is its boilerplate
        (the same test as warehouse/sql/source_boilerplate.sql, for callers without a warehouse)."""
        return articles >= self.min_articles and articles >= self.min_share * of_articles


def line_key(line: str) -> str:
    """The same line whatever its spacing or case."""
    return sha256_hex(" ".join(line.split()).casefold())[:16]


def lines_to_learn(articles: list[Article], decisions: list[DedupDecision]) -> list[SourceLines]:
    """What a batch's articles teach about their sources' boilerplate. Duplicates are not counted: a copy of
    a story would make all of its lines look repeated."""
    return [SourceLines(article.source, learnable_lines(article))
            for article, decision in zip(articles, decisions, strict=True)
            if article.source and decision.status is DedupStatus.NEW]


def learnable_lines(article: Article) -> dict[str, str]:
    """key -> line for the short lines of an article's body, including those already removed as learned
    boilerplate (so their counts keep up with the source's article count)."""
    lines = [*article.text.splitlines(), *(r.line for r in article.removed if r.rule == SOURCE_BOILERPLATE)]
    return {line_key(line): line for line in lines if line.strip() and len(line.split()) <= LEARN_MAX_WORDS}
