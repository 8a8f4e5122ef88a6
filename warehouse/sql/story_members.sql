-- The articles the stories stage compares newcomers with: those dated (published, else ingested) on the
-- given UTC days, with their story and term weights. The range test is what DuckDB pushes into the scan
-- of story_features (skipping row groups and the term lists of other days; list_min and list_max of the
-- parameter fold to constants there); list_contains then keeps only the days asked for.
SELECT a.id, a.story_id, coalesce(a.published_at, a.ingested_at) AS anchor, f.terms, f.weights
FROM story_features f
JOIN articles a ON a.id = f.article_id
WHERE f.scheme = $scheme
  AND f.anchor_day BETWEEN list_min($days) AND list_max($days)
  AND list_contains($days, f.anchor_day)
ORDER BY anchor, a.id;
