-- One batch of articles: $batch is one JSON document of parallel column lists (warehouse.py _columns).
INSERT INTO articles BY NAME
SELECT unnest(b.id) AS id, unnest(b.raw_hash) AS raw_hash, unnest(b.origin) AS origin, unnest(b.url) AS url,
       unnest(b.canonical_url) AS canonical_url, unnest(b.source) AS source, unnest(b.sitename) AS sitename,
       unnest(b.title) AS title, unnest(b.author) AS author, unnest(b.published_at) AS published_at,
       unnest(b.published_date_only) AS published_date_only,
       unnest(b.published_utc_offset_minutes) AS published_utc_offset_minutes,
       unnest(b.language) AS language, unnest(b.text) AS text, unnest(b.text_hash) AS text_hash,
       unnest(b.word_count) AS word_count, unnest(b.extractor) AS extractor,
       unnest(b.extractor_version) AS extractor_version, unnest(b.dedup_status) AS dedup_status,
       unnest(b.duplicate_of) AS duplicate_of,
       -- DuckDB's Python client stored a NaN float as NULL; JSON keeps NaN, so map it the same way
       nullif(unnest(b.similarity), 'NaN') AS similarity, nullif(unnest(b.containment), 'NaN') AS containment,
       unnest(b.cluster_id) AS cluster_id,
       $run_id AS run_id, $ingested_at AS ingested_at,
       -- arrival continues the sequence of earlier batches
       unnest(range(1, len(b.id) + 1)) + (SELECT coalesce(max(arrival), 0) FROM articles) AS arrival
FROM (SELECT from_json_strict($batch, '{"id": ["VARCHAR"], "raw_hash": ["VARCHAR"], "origin": ["VARCHAR"],
        "url": ["VARCHAR"], "canonical_url": ["VARCHAR"], "source": ["VARCHAR"], "sitename": ["VARCHAR"],
        "title": ["VARCHAR"], "author": ["VARCHAR"], "published_at": ["TIMESTAMPTZ"],
        "published_date_only": ["BOOLEAN"], "published_utc_offset_minutes": ["INTEGER"], "language": ["VARCHAR"],
        "text": ["VARCHAR"], "text_hash": ["VARCHAR"], "word_count": ["INTEGER"], "extractor": ["VARCHAR"],
        "extractor_version": ["VARCHAR"], "dedup_status": ["VARCHAR"], "duplicate_of": ["VARCHAR"],
        "similarity": ["DOUBLE"], "containment": ["DOUBLE"], "cluster_id": ["VARCHAR"]}') AS b);
