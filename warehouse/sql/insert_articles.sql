-- One batch of articles, passed as parallel lists (one list per column): a single statement per batch.
INSERT INTO articles BY NAME
SELECT unnest($id) AS id, unnest($raw_hash) AS raw_hash, unnest($origin) AS origin, unnest($url) AS url,
       unnest($canonical_url) AS canonical_url, unnest($source) AS source, unnest($sitename) AS sitename,
       unnest($title) AS title, unnest($author) AS author, unnest($published_at) AS published_at,
       unnest($language) AS language, unnest($text) AS text, unnest($text_hash) AS text_hash,
       unnest($word_count) AS word_count, unnest($extractor) AS extractor,
       unnest($extractor_version) AS extractor_version, unnest($dedup_status) AS dedup_status,
       unnest($duplicate_of) AS duplicate_of, unnest($similarity) AS similarity,
       unnest($containment) AS containment,
       unnest($cluster_id) AS cluster_id,
       unnest($run_id) AS run_id, unnest($ingested_at) AS ingested_at,
       -- arrival continues the sequence of earlier batches
       unnest($position) + (SELECT coalesce(max(arrival), 0) FROM articles) AS arrival;
