SELECT CAST(coalesce(published_at, ingested_at) AS DATE) AS day, count(*) AS articles,
       count(*) FILTER (WHERE dedup_status <> 'new') AS duplicates
FROM articles GROUP BY ALL ORDER BY day DESC LIMIT 60;
