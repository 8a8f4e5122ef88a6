-- Called by the holder of the writer lock as it starts a run: a run still 'running' then was killed
-- (SIGKILL, OOM, power loss) and will never finish. Mark it 'interrupted' with what it did land, so no
-- one reads it as still running; finished_at stays NULL because it never finished.
UPDATE runs SET status = 'interrupted',
    articles_new = (SELECT count(*) FROM articles a WHERE a.run_id = runs.run_id AND a.dedup_status = 'new'),
    url_duplicates = (SELECT count(*) FROM articles a
                      WHERE a.run_id = runs.run_id AND a.dedup_status = 'url_duplicate'),
    exact_duplicates = (SELECT count(*) FROM articles a
                        WHERE a.run_id = runs.run_id AND a.dedup_status = 'exact_duplicate'),
    near_duplicates = (SELECT count(*) FROM articles a
                       WHERE a.run_id = runs.run_id AND a.dedup_status = 'near_duplicate'),
    rejected = (SELECT count(*) FROM rejections r WHERE r.run_id = runs.run_id)
WHERE status = 'running';
