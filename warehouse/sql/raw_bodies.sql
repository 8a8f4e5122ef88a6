SELECT raw_hash, content_type, encoding, http_status, headers, fetched_at, body_zlib, warc_path, warc_offset
FROM raw_documents
WHERE raw_hash IN (SELECT unnest($raw_hashes));
