-- Lines each source repeats across its articles (footers, promos), as learned for rule `source_boilerplate`:
-- the ones at or above the default thresholds (5 articles and 20% of the source's counted articles) are
-- removed from the source's later articles; the rest are still being counted. See "How cleaning works" in README.md.
SELECT l.source, l.articles, t.articles AS of_articles, round(l.articles / t.articles, 2) AS share,
       l.articles >= 5 AND l.articles >= 0.2 * t.articles AS removed_from_later_articles, l.line
FROM source_lines l
JOIN source_line_totals t USING (source)
ORDER BY l.articles DESC, l.source, l.line
LIMIT 100;
