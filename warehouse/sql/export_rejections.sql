-- Rejections for export, partitioned by the day they were rejected.
SELECT *, CAST(rejected_at AS DATE) AS day
FROM rejections
