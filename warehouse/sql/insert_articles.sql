-- One batch of articles, each row written once: $batch is one JSON document of parallel column lists
-- (warehouse.py _columns). duplicate_of is the cluster's canonical member over the stored members and the
-- batch together, as resolve_canonical_members.sql decides it (that statement then only moves earlier rows
-- of a cluster whose canonical member this batch replaced).
INSERT INTO articles BY NAME
WITH batch AS MATERIALIZED (
    SELECT unnest(b.id) AS id, unnest(b.raw_hash) AS raw_hash, unnest(b.origin) AS origin, unnest(b.url) AS url,
           unnest(b.canonical_url) AS canonical_url, unnest(b.source) AS source, unnest(b.sitename) AS sitename,
           unnest(b.title) AS title, unnest(b.author) AS author, unnest(b.published_at) AS published_at,
           unnest(b.published_date_only) AS published_date_only,
           unnest(b.published_utc_offset_minutes) AS published_utc_offset_minutes,
           unnest(b.language) AS language, unnest(b.text) AS text, unnest(b.text_hash) AS text_hash,
           unnest(b.word_count) AS word_count, unnest(b.extractor) AS extractor,
           unnest(b.extractor_version) AS extractor_version, unnest(b.dedup_status) AS dedup_status,
           -- DuckDB's Python client stored a NaN float as NULL; JSON keeps NaN, so map it the same way
           nullif(unnest(b.similarity), 'NaN') AS similarity, nullif(unnest(b.containment), 'NaN') AS containment,
           unnest(b.cluster_id) AS cluster_id, unnest(b.story_id) AS story_id,
           CAST($run_id AS VARCHAR) AS run_id, CAST($ingested_at AS TIMESTAMPTZ) AS ingested_at,
           -- arrival continues the sequence of earlier batches
           unnest(range(1, len(b.id) + 1)) + (SELECT coalesce(max(arrival), 0) FROM articles) AS arrival
    FROM (SELECT from_json_strict($batch, '{"id": ["VARCHAR"], "raw_hash": ["VARCHAR"], "origin": ["VARCHAR"],
            "url": ["VARCHAR"], "canonical_url": ["VARCHAR"], "source": ["VARCHAR"], "sitename": ["VARCHAR"],
            "title": ["VARCHAR"], "author": ["VARCHAR"], "published_at": ["TIMESTAMPTZ"],
            "published_date_only": ["BOOLEAN"], "published_utc_offset_minutes": ["INTEGER"],
            "language": ["VARCHAR"], "text": ["VARCHAR"], "text_hash": ["VARCHAR"], "word_count": ["INTEGER"],
            "extractor": ["VARCHAR"], "extractor_version": ["VARCHAR"], "dedup_status": ["VARCHAR"],
            "similarity": ["DOUBLE"], "containment": ["DOUBLE"], "cluster_id": ["VARCHAR"],
            "story_id": ["VARCHAR"]}') AS b)
),
canonical AS (
    SELECT cluster_id,
           first(id ORDER BY coalesce(published_at, ingested_at), arrival NULLS FIRST, ingested_at, id) AS canonical_id
    FROM (SELECT cluster_id, id, published_at, ingested_at, arrival FROM articles
          WHERE cluster_id IN (SELECT cluster_id FROM batch)
          UNION ALL
          SELECT cluster_id, id, published_at, ingested_at, arrival FROM batch)
    GROUP BY cluster_id
)
SELECT batch.*, CASE WHEN batch.id = canonical.canonical_id THEN NULL ELSE canonical.canonical_id END AS duplicate_of
FROM batch LEFT JOIN canonical USING (cluster_id);
