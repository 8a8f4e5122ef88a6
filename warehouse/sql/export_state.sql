-- What an export depends on: when the newest run finished and how many articles and rejections there are.
SELECT (SELECT max(coalesce(finished_at, started_at)) FROM runs), (SELECT count(*) FROM articles),
       (SELECT count(*) FROM rejections);
