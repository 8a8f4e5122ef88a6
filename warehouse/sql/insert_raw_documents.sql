-- Raw bytes are stored once: the same bytes from another origin (or twice in one batch) add no row.
INSERT INTO raw_documents BY NAME
SELECT * FROM (
    SELECT unnest($raw_hash) AS raw_hash, unnest($origin) AS origin, unnest($url) AS url,
           unnest($content_type) AS content_type, unnest($encoding) AS encoding, unnest($http_status) AS http_status,
           unnest($headers) AS headers, unnest($fetched_at) AS fetched_at, unnest($size_bytes) AS size_bytes,
           unnest($body_zlib) AS body_zlib, unnest($warc_path) AS warc_path, unnest($warc_offset) AS warc_offset
) batch
WHERE raw_hash NOT IN (SELECT raw_hash FROM raw_documents)
QUALIFY row_number() OVER (PARTITION BY raw_hash) = 1;
