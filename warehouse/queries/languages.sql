-- Unique articles per language and outlet.
SELECT coalesce(language, '(unknown)') AS language, count(*) AS articles,
       list(DISTINCT source ORDER BY source) FILTER (WHERE source IS NOT NULL) AS sources
FROM unique_articles
GROUP BY ALL
ORDER BY articles DESC, language;
