-- What one run rejected and why (for the run's table artifact).
SELECT origin, stage, reason, message
FROM rejections
WHERE run_id = $run_id
ORDER BY stage, reason, origin
LIMIT $limit;
