-- One row per WARC file touched by a batch; a batch without records of a file keeps the offset it had.
INSERT INTO warc_files BY NAME
SELECT unnest(b.path) AS path, unnest(b.size_bytes) AS size_bytes, unnest(b.last_offset) AS last_offset,
       unnest(b.complete) AS complete, $run_id AS run_id, $updated_at AS updated_at
FROM (SELECT from_json_strict($batch, '{"path": ["VARCHAR"], "size_bytes": ["BIGINT"], "last_offset": ["BIGINT"],
        "complete": ["BOOLEAN"]}') AS b)
ON CONFLICT (path) DO UPDATE SET
    size_bytes = excluded.size_bytes,
    last_offset = coalesce(excluded.last_offset, warc_files.last_offset),
    complete = excluded.complete,
    run_id = excluded.run_id,
    updated_at = excluded.updated_at;
