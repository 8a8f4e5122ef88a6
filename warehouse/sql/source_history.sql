-- Per-source yields of the latest earlier runs over the same inputs (a schedule's runs), newest run first.
WITH earlier AS (
    SELECT run_id, started_at FROM runs
    WHERE inputs = CAST($inputs AS VARCHAR[]) AND run_id <> $run_id
      AND run_id IN (SELECT run_id FROM source_runs)
    ORDER BY started_at DESC
    LIMIT $runs
)
SELECT s.run_id, s.source, s.items, s.errors
FROM source_runs s JOIN earlier USING (run_id)
ORDER BY earlier.started_at DESC, s.source;
