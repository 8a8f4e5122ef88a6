-- Views for the questions analysts ask most, and a comment on every column they read, so that
-- `SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'clusters'` explains the data.
-- Views are stored as SQL and bound when queried: columns added to the tables later do not break them.

-- What each source yielded in each run, so a source that goes quiet, fails, or drops in volume is noticed.
CREATE TABLE source_runs (
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    items  INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    PRIMARY KEY (run_id, source)
);

-- One row per duplicate cluster: its canonical article, the member no other points at (duplicate_of IS
-- NULL; dedup makes that the earliest published). Ranking rather than filtering keeps one row per cluster.
CREATE VIEW unique_articles AS
SELECT cluster_id, id, url, source, title, author, published_at, language, word_count, text,
       count(*) OVER (PARTITION BY cluster_id) - 1 AS copies, ingested_at
FROM articles
QUALIFY row_number() OVER (PARTITION BY cluster_id
                           ORDER BY duplicate_of IS NULL DESC, coalesce(published_at, ingested_at), id) = 1;

-- One row per duplicate, beside the article it duplicates.
CREATE VIEW duplicate_pairs AS
SELECT d.id AS duplicate_id,
       -- when a later-found earlier original takes over a cluster, the former original points at it and
       -- keeps status 'new'; the pair is then described by the status and similarity the newcomer got.
       coalesce(nullif(d.dedup_status, 'new'), o.dedup_status) AS kind,
       coalesce(d.similarity, o.similarity) AS similarity,
       d.title AS duplicate_title, d.source AS duplicate_source, d.url AS duplicate_url,
       o.id AS original_id, o.title AS original_title, o.source AS original_source, o.url AS original_url,
       d.cluster_id, d.ingested_at
FROM articles d
JOIN articles o ON o.id = d.duplicate_of
WHERE d.duplicate_of IS NOT NULL;

-- One row per cluster (a unique article is a cluster of one).
CREATE VIEW clusters AS
SELECT cluster_id,
       arg_min(title, (duplicate_of IS NOT NULL, coalesce(published_at, ingested_at), id)) AS title,
       count(*) AS size,
       count(*) - 1 AS duplicates,
       list(DISTINCT source ORDER BY source) FILTER (WHERE source IS NOT NULL) AS sources,
       min(published_at) AS first_published,
       max(published_at) AS last_published,
       min(ingested_at) AS first_seen,
       max(ingested_at) AS last_seen
FROM articles
GROUP BY cluster_id;

-- Articles per day and source; the day is the publication date, or the ingest date when none is known.
CREATE VIEW daily_source_counts AS
SELECT CAST(coalesce(published_at, ingested_at) AS DATE) AS day,
       coalesce(source, '(unknown)') AS source,
       count(*) AS articles,
       count(*) FILTER (WHERE duplicate_of IS NULL) AS unique_articles,
       count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates,
       count(*) FILTER (WHERE published_at IS NULL) AS undated
FROM articles
GROUP BY ALL;

-- Why inputs were rejected, with one example of each reason.
CREATE VIEW rejections_by_reason AS
SELECT stage, reason, count(*) AS rejections,
       min(rejected_at) AS first_rejected, max(rejected_at) AS last_rejected,
       arg_max(origin, rejected_at) AS latest_origin, arg_max(message, rejected_at) AS latest_message
FROM rejections
GROUP BY stage, reason;

COMMENT ON VIEW unique_articles IS 'One row per duplicate cluster: its canonical article, with how many copies it has.';
COMMENT ON COLUMN unique_articles.cluster_id IS 'Cluster id (articles.cluster_id).';
COMMENT ON COLUMN unique_articles.id IS 'Article id of the cluster''s canonical member: the one the others point at (earliest published).';
COMMENT ON COLUMN unique_articles.url IS 'URL as found in the input (NULL for files without one).';
COMMENT ON COLUMN unique_articles.source IS 'Outlet host without www., e.g. harborcourier.example.';
COMMENT ON COLUMN unique_articles.title IS 'Headline as extracted.';
COMMENT ON COLUMN unique_articles.author IS 'Byline, when the page or record gave one.';
COMMENT ON COLUMN unique_articles.published_at IS 'Publication time from the page, the text or the record; NULL when unknown or implausible.';
COMMENT ON COLUMN unique_articles.language IS 'ISO 639-1 code, declared by the page or detected from the text.';
COMMENT ON COLUMN unique_articles.word_count IS 'Words in the cleaned text.';
COMMENT ON COLUMN unique_articles.text IS 'Cleaned body, one paragraph per line, boilerplate removed.';
COMMENT ON COLUMN unique_articles.copies IS 'How many other articles (URL, exact or near duplicates) joined this cluster.';
COMMENT ON COLUMN unique_articles.ingested_at IS 'When newsingest landed the article.';

COMMENT ON VIEW duplicate_pairs IS 'One row per duplicate article, with the article it duplicates.';
COMMENT ON COLUMN duplicate_pairs.duplicate_id IS 'Article id of the copy.';
COMMENT ON COLUMN duplicate_pairs.kind IS 'url_duplicate (same canonical URL), exact_duplicate (same normalised text) or near_duplicate (MinHash similarity over the threshold).';
COMMENT ON COLUMN duplicate_pairs.similarity IS 'Estimated Jaccard similarity of the two texts'' shingles, 0 to 1 (1.0 for exact duplicates).';
COMMENT ON COLUMN duplicate_pairs.duplicate_title IS 'Headline of the copy.';
COMMENT ON COLUMN duplicate_pairs.duplicate_source IS 'Outlet host of the copy.';
COMMENT ON COLUMN duplicate_pairs.duplicate_url IS 'URL of the copy.';
COMMENT ON COLUMN duplicate_pairs.original_id IS 'Article id of the article it duplicates (articles.duplicate_of).';
COMMENT ON COLUMN duplicate_pairs.original_title IS 'Headline of the original.';
COMMENT ON COLUMN duplicate_pairs.original_source IS 'Outlet host of the original.';
COMMENT ON COLUMN duplicate_pairs.original_url IS 'URL of the original.';
COMMENT ON COLUMN duplicate_pairs.cluster_id IS 'Cluster both belong to.';
COMMENT ON COLUMN duplicate_pairs.ingested_at IS 'When the copy was landed.';

COMMENT ON VIEW clusters IS 'One row per cluster of copies of one article; a unique article is a cluster of size 1.';
COMMENT ON COLUMN clusters.cluster_id IS 'Cluster id (articles.cluster_id).';
COMMENT ON COLUMN clusters.title IS 'Headline of the canonical article (the one unique_articles shows).';
COMMENT ON COLUMN clusters.size IS 'Articles in the cluster, the canonical one included.';
COMMENT ON COLUMN clusters.duplicates IS 'size - 1: the copies.';
COMMENT ON COLUMN clusters.sources IS 'Distinct outlets that carried the article, sorted.';
COMMENT ON COLUMN clusters.first_published IS 'Earliest known publication time among the members.';
COMMENT ON COLUMN clusters.last_published IS 'Latest known publication time among the members.';
COMMENT ON COLUMN clusters.first_seen IS 'When newsingest landed the first member.';
COMMENT ON COLUMN clusters.last_seen IS 'When newsingest landed the latest member.';

COMMENT ON VIEW daily_source_counts IS 'Articles per day and outlet; day = publication date, else ingest date.';
COMMENT ON COLUMN daily_source_counts.day IS 'Publication date (UTC), or the ingest date for undated articles.';
COMMENT ON COLUMN daily_source_counts.source IS 'Outlet host, (unknown) when neither URL nor page named one.';
COMMENT ON COLUMN daily_source_counts.articles IS 'Articles landed, duplicates included.';
COMMENT ON COLUMN daily_source_counts.unique_articles IS 'Canonical articles (duplicate_of IS NULL): one per cluster.';
COMMENT ON COLUMN daily_source_counts.duplicates IS 'Articles that point at another as their original.';
COMMENT ON COLUMN daily_source_counts.undated IS 'Articles counted under their ingest date because no publication date was found.';

COMMENT ON VIEW rejections_by_reason IS 'Inputs that did not become articles, counted per stage and reason code.';
COMMENT ON COLUMN rejections_by_reason.stage IS 'source (reading/fetching), extract or dedup.';
COMMENT ON COLUMN rejections_by_reason.reason IS 'Stable reason code, e.g. too_short, binary_content, malformed_json.';
COMMENT ON COLUMN rejections_by_reason.rejections IS 'Inputs rejected for this reason.';
COMMENT ON COLUMN rejections_by_reason.first_rejected IS 'First time this reason occurred.';
COMMENT ON COLUMN rejections_by_reason.last_rejected IS 'Latest time this reason occurred.';
COMMENT ON COLUMN rejections_by_reason.latest_origin IS 'File, JSONL line or URL of the latest rejection for this reason.';
COMMENT ON COLUMN rejections_by_reason.latest_message IS 'Its human-readable message.';

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
COMMENT ON COLUMN rejections.stage IS 'source, extract or dedup.';
COMMENT ON COLUMN rejections.reason IS 'Stable reason code for SQL; message says it in words.';
COMMENT ON COLUMN rejections.raw_hash IS 'Key into raw_documents when bytes were read.';
COMMENT ON COLUMN runs.trigger IS 'What started the run: cli, flow or reprocess.';
COMMENT ON TABLE source_runs IS 'What each source yielded per ingest run (read by the source-health checks).';
COMMENT ON COLUMN source_runs.source IS 'Outlet host of the URL, or file:<folder> for local files without URL.';
COMMENT ON COLUMN source_runs.items IS 'Documents the source yielded in the run, already-seen ones and failures included.';
COMMENT ON COLUMN source_runs.errors IS 'Of those, the ones that failed at the source (unreadable, not found, fetch errors).';
