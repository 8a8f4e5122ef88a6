INSERT INTO source_runs (run_id, source, items, errors) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING;
