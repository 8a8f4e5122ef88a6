-- Replace the dedup decisions of the given articles ($batch: JSON column lists, warehouse.py _columns).
UPDATE articles AS a
SET dedup_status = d.dedup_status, duplicate_of = d.duplicate_of, similarity = d.similarity,
    containment = d.containment, cluster_id = d.cluster_id
FROM (SELECT unnest(b.id) AS id, unnest(b.dedup_status) AS dedup_status, unnest(b.duplicate_of) AS duplicate_of,
             -- DuckDB's Python client stored a NaN float as NULL; JSON keeps NaN, so map it the same way
             nullif(unnest(b.similarity), 'NaN') AS similarity, nullif(unnest(b.containment), 'NaN') AS containment,
             unnest(b.cluster_id) AS cluster_id
      FROM (SELECT from_json_strict($batch, '{"id": ["VARCHAR"], "dedup_status": ["VARCHAR"],
              "duplicate_of": ["VARCHAR"], "similarity": ["DOUBLE"], "containment": ["DOUBLE"],
              "cluster_id": ["VARCHAR"]}') AS b)) AS d
WHERE a.id = d.id;
