-- Why inputs were rejected, with the latest example of each reason.
SELECT stage, reason, rejections, latest_origin, latest_message
FROM rejections_by_reason
ORDER BY rejections DESC, stage, reason;
