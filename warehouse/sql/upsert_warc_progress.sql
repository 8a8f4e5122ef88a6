-- One row per WARC file touched by a batch; a batch without records of a file keeps the offset it had.
INSERT INTO warc_files BY NAME
SELECT unnest($path) AS path, unnest($size_bytes) AS size_bytes, unnest($last_offset) AS last_offset,
       unnest($complete) AS complete, $run_id AS run_id, $updated_at AS updated_at
ON CONFLICT (path) DO UPDATE SET
    size_bytes = excluded.size_bytes,
    last_offset = coalesce(excluded.last_offset, warc_files.last_offset),
    complete = excluded.complete,
    run_id = excluded.run_id,
    updated_at = excluded.updated_at;
