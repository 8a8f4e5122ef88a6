-- The best match per duplicate cluster, best first; `copies` says how many other articles carry the story.
SELECT score, title, source, published_at, id, copies
FROM (
    SELECT fts_main_documents.match_bm25(id, $terms) AS score, title, source, published_at, id, cluster_id,
           count(*) OVER (PARTITION BY cluster_id) - 1 AS copies
    FROM documents
)
WHERE score IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY cluster_id ORDER BY score DESC, id) = 1
ORDER BY score DESC, id
LIMIT $limit;
