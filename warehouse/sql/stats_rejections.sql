SELECT stage, reason, count(*) AS documents FROM rejections GROUP BY ALL ORDER BY documents DESC;
