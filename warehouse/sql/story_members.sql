-- The articles the stories stage compares newcomers with: those dated (published, else ingested) on the
-- given UTC days, with their story and term weights.
SELECT a.id, a.story_id, coalesce(a.published_at, a.ingested_at) AS anchor, f.terms, f.weights
FROM story_features f
JOIN articles a ON a.id = f.article_id
WHERE f.scheme = $scheme
  AND CAST(timezone('UTC', coalesce(a.published_at, a.ingested_at)) AS DATE) IN (SELECT unnest($days))
ORDER BY anchor, a.id;
