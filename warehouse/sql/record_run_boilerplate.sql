-- The learned boilerplate a run cleans with (migration 015); only the latest run's is ever read again.
DELETE FROM run_boilerplate;
INSERT INTO run_boilerplate VALUES ($run_id, $sources, $line_hashes);
