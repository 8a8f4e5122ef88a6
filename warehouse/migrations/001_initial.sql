-- The warehouse contract (see DESIGN.md): one row per accepted input document in `articles`,
-- duplicates included and flagged; every drop recorded in `rejections`; raw bytes kept for reprocessing.

CREATE TABLE runs (
    run_id           VARCHAR PRIMARY KEY,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    status           VARCHAR NOT NULL,            -- running | completed | failed
    trigger          VARCHAR NOT NULL,            -- cli | flow
    inputs           VARCHAR[],
    documents_seen   INTEGER NOT NULL DEFAULT 0,
    already_seen     INTEGER NOT NULL DEFAULT 0,
    articles_new     INTEGER NOT NULL DEFAULT 0,
    url_duplicates   INTEGER NOT NULL DEFAULT 0,
    exact_duplicates INTEGER NOT NULL DEFAULT 0,
    near_duplicates  INTEGER NOT NULL DEFAULT 0,
    rejected         INTEGER NOT NULL DEFAULT 0,
    duration_s       DOUBLE
);

CREATE TABLE raw_documents (
    raw_hash     VARCHAR PRIMARY KEY,                -- sha256 of the bytes as they arrived
    origin       VARCHAR NOT NULL,
    url          VARCHAR,
    content_type VARCHAR,
    encoding     VARCHAR,
    http_status  INTEGER,
    headers      MAP(VARCHAR, VARCHAR),
    fetched_at   TIMESTAMPTZ,
    size_bytes   BIGINT NOT NULL,
    body_zlib    BLOB NOT NULL                       -- zlib-compressed original bytes
);

CREATE TABLE articles (
    id                VARCHAR PRIMARY KEY,
    raw_hash          VARCHAR NOT NULL,
    origin            VARCHAR NOT NULL,
    url               VARCHAR,
    canonical_url     VARCHAR,
    source            VARCHAR,
    sitename          VARCHAR,
    title             VARCHAR,
    author            VARCHAR,
    published_at      TIMESTAMPTZ,
    language          VARCHAR,
    text              VARCHAR NOT NULL,
    text_hash         VARCHAR NOT NULL,
    word_count        INTEGER NOT NULL,
    extractor         VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    dedup_status      VARCHAR NOT NULL
        CHECK (dedup_status IN ('new', 'exact_duplicate', 'url_duplicate', 'near_duplicate')),
    duplicate_of      VARCHAR,
    similarity        DOUBLE,
    cluster_id        VARCHAR NOT NULL,
    run_id            VARCHAR NOT NULL,
    ingested_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE signatures (
    article_id  VARCHAR PRIMARY KEY,
    scheme      VARCHAR NOT NULL,    -- shingle size, permutations, seed: signatures compare only within one
    minhash     BLOB NOT NULL        -- uint32 MinHash values
);

CREATE TABLE removed_lines (
    article_id VARCHAR NOT NULL,
    position   INTEGER NOT NULL,
    line       VARCHAR NOT NULL,
    rule       VARCHAR NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE rejections (
    doc_id      VARCHAR PRIMARY KEY,
    origin      VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    raw_hash    VARCHAR,
    run_id      VARCHAR NOT NULL,
    rejected_at TIMESTAMPTZ NOT NULL
);
