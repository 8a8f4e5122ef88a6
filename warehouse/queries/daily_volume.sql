-- Volume per outlet over the last 14 days that have data, newest first.
SELECT day, source, articles, unique_articles, duplicates
FROM daily_source_counts
WHERE day >= (SELECT max(day) FROM daily_source_counts) - INTERVAL 13 DAY
ORDER BY day DESC, articles DESC, source;
