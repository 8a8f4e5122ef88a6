SELECT coalesce(source, '(unknown)') AS source, count(*) AS articles,
       count(*) FILTER (WHERE dedup_status = 'new') AS unique_articles
FROM articles GROUP BY ALL ORDER BY articles DESC, source LIMIT 50;
