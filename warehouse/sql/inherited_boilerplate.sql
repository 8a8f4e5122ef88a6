-- The learned boilerplate of the latest earlier run when that run did not complete (migration 015): its
-- rerun cleans with the same lines. No row: read them afresh (source_boilerplate.sql).
SELECT b.sources, b.line_hashes
FROM (SELECT run_id, status FROM runs WHERE run_id <> $run_id ORDER BY started_at DESC LIMIT 1) AS latest
JOIN run_boilerplate AS b USING (run_id)
WHERE latest.status IN ('interrupted', 'failed');
