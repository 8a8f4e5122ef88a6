-- Changes whenever the warehouse content does (a run finished, articles or rejections added or replaced).
SELECT (SELECT max(coalesce(finished_at, started_at)) FROM runs), (SELECT count(*) FROM articles),
       (SELECT count(*) FROM rejections);
