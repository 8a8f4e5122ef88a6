-- The latest ingest runs: what each found and how fast it went.
SELECT run_id, trigger, status, started_at, round(duration_s, 1) AS seconds, documents_seen, already_seen,
       articles_new, url_duplicates + exact_duplicates + near_duplicates AS duplicates, rejected,
       round(documents_seen / nullif(duration_s, 0), 1) AS docs_per_second
FROM runs
ORDER BY started_at DESC
LIMIT 20;
