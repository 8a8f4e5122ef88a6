-- Each cluster's canonical member is its earliest published article (ingest time when the date is
-- unknown), then on a tie the earliest to arrive (a later copy never takes over an equal time), then the
-- smallest id; every other member's duplicate_of points at it, the
-- canonical member's own is NULL. Recomputed from all stored members, so a late-arriving earlier original
-- takes over the cluster. $cluster_ids names the clusters a batch touched; NULL resolves every cluster
-- (after a full re-decision).
UPDATE articles AS a
SET duplicate_of = CASE WHEN a.id = c.canonical_id THEN NULL ELSE c.canonical_id END
FROM (
    SELECT cluster_id,
           first(id ORDER BY coalesce(published_at, ingested_at), arrival NULLS FIRST, ingested_at, id) AS canonical_id
    FROM articles
    WHERE CAST($cluster_ids AS VARCHAR[]) IS NULL OR cluster_id IN (SELECT unnest($cluster_ids))
    GROUP BY cluster_id
) AS c
WHERE a.cluster_id = c.cluster_id
  AND a.duplicate_of IS DISTINCT FROM (CASE WHEN a.id = c.canonical_id THEN NULL ELSE c.canonical_id END);
