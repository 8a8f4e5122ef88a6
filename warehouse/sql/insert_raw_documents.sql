-- Raw bytes are stored once: the same bytes from another origin (or twice in one batch) add no row.
-- $batch: JSON column lists (warehouse.py _columns), body_zlib in base64.
INSERT INTO raw_documents BY NAME
SELECT * FROM (
    SELECT unnest(b.raw_hash) AS raw_hash, unnest(b.origin) AS origin, unnest(b.url) AS url,
           unnest(b.content_type) AS content_type, unnest(b.encoding) AS encoding,
           unnest(b.http_status) AS http_status, unnest(b.headers) AS headers, unnest(b.fetched_at) AS fetched_at,
           unnest(b.size_bytes) AS size_bytes, from_base64(unnest(b.body_zlib)) AS body_zlib,
           unnest(b.warc_path) AS warc_path, unnest(b.warc_offset) AS warc_offset
    FROM (SELECT from_json_strict($batch, '{"raw_hash": ["VARCHAR"], "origin": ["VARCHAR"], "url": ["VARCHAR"],
            "content_type": ["VARCHAR"], "encoding": ["VARCHAR"], "http_status": ["INTEGER"],
            "headers": ["MAP(VARCHAR, VARCHAR)"], "fetched_at": ["TIMESTAMPTZ"], "size_bytes": ["BIGINT"],
            "body_zlib": ["VARCHAR"], "warc_path": ["VARCHAR"], "warc_offset": ["BIGINT"]}') AS b)
) batch
WHERE raw_hash NOT IN (SELECT raw_hash FROM raw_documents)
QUALIFY row_number() OVER (PARTITION BY raw_hash) = 1;
