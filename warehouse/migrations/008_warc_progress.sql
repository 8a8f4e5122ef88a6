-- Web archives (WARC files, e.g. CC-NEWS). A record's bytes stay in its WARC file: raw_documents keeps a
-- pointer (file + record offset) instead of a second copy, so body_zlib is NULL for those rows.
ALTER TABLE raw_documents ALTER COLUMN body_zlib DROP NOT NULL;
ALTER TABLE raw_documents ADD COLUMN warc_path VARCHAR;       -- absolute path of the WARC file
ALTER TABLE raw_documents ADD COLUMN warc_offset BIGINT;      -- offset of the record (its gzip member)

-- How far ingest got in each WARC file, written in the same transaction as the batch it covers: an
-- interrupted run resumes after last_offset; a complete file is skipped unless the ingest is forced.
CREATE TABLE warc_files (
    path        VARCHAR PRIMARY KEY,     -- absolute path
    size_bytes  BIGINT NOT NULL,         -- a file whose size changed is read again from the start
    last_offset BIGINT,                  -- the last record whose outcome (article or rejection) is committed
    complete    BOOLEAN NOT NULL,        -- read to the end
    run_id      VARCHAR NOT NULL,        -- the run that wrote this state
    updated_at  TIMESTAMPTZ NOT NULL
);

COMMENT ON COLUMN raw_documents.warc_path IS 'WARC file holding the bytes (body_zlib is NULL then); see warc_offset.';
COMMENT ON COLUMN raw_documents.warc_offset IS 'Byte offset of the record in warc_path (of its gzip member).';
COMMENT ON TABLE warc_files IS 'How far ingest got in each WARC file: resume point and whether it was read to the end.';
