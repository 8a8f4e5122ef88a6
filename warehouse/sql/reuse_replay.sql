-- Every article for `newsingest rededup` to find its sources again, earliest dated first (published, else
-- ingested; then as they arrived), with whether it is new to dedup (only those become sources).
SELECT id, coalesce(published_at, ingested_at) AS anchor, text, dedup_status = 'new' AS new
FROM articles
ORDER BY anchor, ingested_at, rowid;
