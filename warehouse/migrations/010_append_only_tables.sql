-- The tables that grow with every article lose their PRIMARY KEY constraints.
--
-- DuckDB keeps a key as an ART index, which every connection loads and every checkpoint writes in full.
-- The pipeline opens and closes the file per batch (so analysts can query between batches), so the cost
-- of a batch grew with the size of the warehouse: at 50k rows, 11x the cost of the first batches
-- (benchmarks/run.py landing). Uniqueness of these ids is the pipeline's job: an input id is landed
-- once (seen_ids), a reprocess deletes an article's rows before it writes them again, and raw bytes are
-- inserted only when their hash is not stored yet (insert_raw_documents).
-- DuckDB cannot drop a constraint, so each table is rebuilt under its name; views bind by name.

CREATE TABLE articles_rebuilt (
    id VARCHAR NOT NULL, raw_hash VARCHAR NOT NULL, origin VARCHAR NOT NULL, url VARCHAR, canonical_url VARCHAR,
    "source" VARCHAR, sitename VARCHAR, title VARCHAR, author VARCHAR, published_at TIMESTAMP WITH TIME ZONE,
    "language" VARCHAR, "text" VARCHAR NOT NULL, text_hash VARCHAR NOT NULL, word_count INTEGER NOT NULL,
    extractor VARCHAR NOT NULL, extractor_version VARCHAR NOT NULL, dedup_status VARCHAR NOT NULL,
    duplicate_of VARCHAR, similarity DOUBLE, cluster_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
    ingested_at TIMESTAMP WITH TIME ZONE NOT NULL, containment DOUBLE, story_id VARCHAR, arrival BIGINT,
    CHECK (dedup_status IN ('new', 'exact_duplicate', 'url_duplicate', 'near_duplicate'))
);
INSERT INTO articles_rebuilt BY NAME SELECT * FROM articles;
DROP TABLE articles;
ALTER TABLE articles_rebuilt RENAME TO articles;

CREATE TABLE raw_documents_rebuilt (
    raw_hash VARCHAR NOT NULL, origin VARCHAR NOT NULL, url VARCHAR, content_type VARCHAR, "encoding" VARCHAR,
    http_status INTEGER, headers MAP(VARCHAR, VARCHAR), fetched_at TIMESTAMP WITH TIME ZONE,
    size_bytes BIGINT NOT NULL, body_zlib BLOB, warc_path VARCHAR, warc_offset BIGINT
);
INSERT INTO raw_documents_rebuilt BY NAME SELECT * FROM raw_documents;
DROP TABLE raw_documents;
ALTER TABLE raw_documents_rebuilt RENAME TO raw_documents;

CREATE TABLE rejections_rebuilt (
    doc_id VARCHAR NOT NULL, origin VARCHAR NOT NULL, stage VARCHAR NOT NULL, reason VARCHAR NOT NULL,
    message VARCHAR NOT NULL, raw_hash VARCHAR, run_id VARCHAR NOT NULL, rejected_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO rejections_rebuilt BY NAME SELECT * FROM rejections;
DROP TABLE rejections;
ALTER TABLE rejections_rebuilt RENAME TO rejections;

CREATE TABLE removed_lines_rebuilt (
    article_id VARCHAR NOT NULL, "position" INTEGER NOT NULL, line VARCHAR NOT NULL, "rule" VARCHAR NOT NULL
);
INSERT INTO removed_lines_rebuilt BY NAME SELECT * FROM removed_lines;
DROP TABLE removed_lines;
ALTER TABLE removed_lines_rebuilt RENAME TO removed_lines;

CREATE TABLE signatures_rebuilt (
    article_id VARCHAR NOT NULL, scheme VARCHAR NOT NULL, minhash BLOB NOT NULL, lead_minhash BLOB, shingle_count INTEGER
);
INSERT INTO signatures_rebuilt BY NAME SELECT * FROM signatures;
DROP TABLE signatures;
ALTER TABLE signatures_rebuilt RENAME TO signatures;

CREATE TABLE story_features_rebuilt (
    article_id VARCHAR NOT NULL, scheme VARCHAR NOT NULL, terms VARCHAR NOT NULL, weights BLOB NOT NULL
);
INSERT INTO story_features_rebuilt BY NAME SELECT * FROM story_features;
DROP TABLE story_features;
ALTER TABLE story_features_rebuilt RENAME TO story_features;

COMMENT ON TABLE story_features IS 'Term weights per article, restored by the stories stage to compare newcomers with (state, not for analysis).';
COMMENT ON COLUMN articles.id IS 'Deterministic id: from the normalised URL, or from the bytes for files without URL.';
COMMENT ON COLUMN articles.raw_hash IS 'sha256 of the input bytes; key into raw_documents.';
COMMENT ON COLUMN articles.origin IS 'Path (path:line for JSONL records) or URL the input came from.';
COMMENT ON COLUMN articles.canonical_url IS 'URL without tracking parameters, fragment, www/AMP/mobile variants: drives URL dedup.';
COMMENT ON COLUMN articles.source IS 'Outlet host without www.';
COMMENT ON COLUMN articles.text_hash IS 'Hash of the normalised text: equal for exact duplicates.';
COMMENT ON COLUMN articles.dedup_status IS 'new, url_duplicate, exact_duplicate or near_duplicate.';
COMMENT ON COLUMN articles.duplicate_of IS 'Id of the cluster''s canonical article; NULL for the canonical article itself.';
COMMENT ON COLUMN articles.similarity IS 'For a duplicate: estimated Jaccard similarity to duplicate_of.';
COMMENT ON COLUMN articles.cluster_id IS 'Cluster of copies of one article; never NULL (a unique article is a cluster of one).';
COMMENT ON COLUMN articles.run_id IS 'The ingest run (runs.run_id) that landed it.';
COMMENT ON COLUMN articles.story_id IS 'Story (same event, any outlet) the article reports: id of the story''s first article. Near-duplicates share their original''s story.';
COMMENT ON COLUMN raw_documents.warc_path IS 'WARC file holding the bytes (body_zlib is NULL then); see warc_offset.';
COMMENT ON COLUMN raw_documents.warc_offset IS 'Byte offset of the record in warc_path (of its gzip member).';
COMMENT ON COLUMN rejections.stage IS 'source, extract or dedup.';
COMMENT ON COLUMN rejections.reason IS 'Stable reason code for SQL; message says it in words.';
COMMENT ON COLUMN rejections.raw_hash IS 'Key into raw_documents when bytes were read.';
