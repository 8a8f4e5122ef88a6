-- Outlets that broke stories first: per outlet, the stories (covered by 2+ outlets) it reported before any
-- other outlet, and by how many hours it led the next one (median). Time = publication, else ingest time.
WITH first_by_outlet AS (
    SELECT story_id, source, min(coalesce(published_at, ingested_at)) AS first_at
    FROM articles
    WHERE source IS NOT NULL
    GROUP BY ALL
), ranked AS (
    SELECT story_id, source, first_at,
           row_number() OVER (PARTITION BY story_id ORDER BY first_at, source) AS rank,
           lead(first_at) OVER (PARTITION BY story_id ORDER BY first_at, source) AS next_at
    FROM first_by_outlet
)
SELECT source, count(*) AS stories_broken,
       round(median(epoch(next_at) - epoch(first_at)) / 3600, 1) AS median_hours_ahead
FROM ranked
WHERE rank = 1 AND next_at IS NOT NULL
GROUP BY source
ORDER BY stories_broken DESC, source;
