-- Stories covered by at least 3 outlets today (publication date, or ingest date when undated; UTC).
SELECT s.title, count(DISTINCT a.source) AS outlets, list(DISTINCT a.source ORDER BY a.source) AS sources,
       count(*) AS articles_today, s.size, s.first_source, s.first_published, s.id
FROM articles a
JOIN stories s ON s.id = a.story_id
WHERE CAST(timezone('UTC', coalesce(a.published_at, a.ingested_at)) AS DATE) = CAST(timezone('UTC', now()) AS DATE)
GROUP BY ALL
HAVING count(DISTINCT a.source) >= 3
ORDER BY outlets DESC, articles_today DESC, s.first_published;
