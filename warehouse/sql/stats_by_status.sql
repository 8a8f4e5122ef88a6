SELECT dedup_status, count(*) AS articles FROM articles GROUP BY ALL ORDER BY articles DESC;
