-- The stories (more than one article) a run started or added to, largest first; `new` when every
-- article of the story landed in this run. For the run's artifact, so values are plain text and numbers.
WITH added AS (
    SELECT story_id, count(*) AS added FROM articles WHERE run_id = $run_id GROUP BY story_id
)
SELECT s.title, s.size, added.added, s.size = added.added AS new, s.outlets,
       array_to_string(s.sources, ', ') AS sources, s.first_source,
       strftime(s.first_published, '%Y-%m-%d %H:%M') AS first_published, s.id
FROM added
JOIN stories s ON s.id = added.story_id
WHERE s.size > 1
ORDER BY s.size DESC, added.added DESC, s.first_published, s.id
LIMIT $limit;
