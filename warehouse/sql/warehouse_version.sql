-- Changes whenever the content does (rows added or replaced), not when a run finds nothing new.
SELECT (SELECT count(*) FROM articles), (SELECT max(ingested_at) FROM articles),
       (SELECT count(*) FROM rejections), (SELECT max(rejected_at) FROM rejections);
