-- The $limit largest sources; the last column counts all of them, so the CLI can say what it left out.
SELECT coalesce(source, '(unknown)') AS source, count(*) AS articles,
       count(*) FILTER (WHERE dedup_status = 'new') AS unique_articles,
       count(*) OVER () AS sources
FROM articles GROUP BY 1 ORDER BY articles DESC, source LIMIT $limit;
