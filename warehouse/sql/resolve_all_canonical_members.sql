-- After a full re-decision every cluster may have a new canonical member: resolve them all.
UPDATE articles AS a
SET duplicate_of = CASE WHEN a.id = c.canonical_id THEN NULL ELSE c.canonical_id END
FROM (
    SELECT cluster_id,
           first(id ORDER BY coalesce(published_at, ingested_at), word_count DESC, id) AS canonical_id
    FROM articles
    GROUP BY cluster_id
) AS c
WHERE a.cluster_id = c.cluster_id;
