-- Articles for export, with the partition keys: the publication day (ingest day when undated) and source.
SELECT *, CAST(coalesce(published_at, ingested_at) AS DATE) AS day
FROM articles
