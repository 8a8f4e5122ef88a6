-- Replace the dedup decisions of the given articles (parallel lists, one per column).
UPDATE articles AS a
SET dedup_status = d.dedup_status, duplicate_of = d.duplicate_of, similarity = d.similarity,
    containment = d.containment, cluster_id = d.cluster_id
FROM (SELECT unnest($id) AS id, unnest($dedup_status) AS dedup_status, unnest($duplicate_of) AS duplicate_of,
             unnest($similarity) AS similarity, unnest($containment) AS containment,
             unnest($cluster_id) AS cluster_id) AS d
WHERE a.id = d.id;
