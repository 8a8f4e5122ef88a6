-- The articles the reuse stage may take as sources, dated (published, else ingested) on the given UTC days:
-- those new to dedup (a copy adds no text of its own), with their text, in the order they are dated.
SELECT id, coalesce(published_at, ingested_at) AS anchor, text
FROM articles
WHERE dedup_status = 'new'
  AND CAST(timezone('UTC', coalesce(published_at, ingested_at)) AS DATE) IN (SELECT unnest($days))
ORDER BY anchor, ingested_at, id;
