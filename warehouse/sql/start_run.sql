INSERT INTO runs (run_id, started_at, status, trigger, inputs) VALUES ($run_id, $started_at, 'running', $trigger, $inputs);
