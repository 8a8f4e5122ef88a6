-- Everything dedup must remember from earlier runs, oldest first so cluster ids resolve to originals.
SELECT a.id, a.cluster_id, a.canonical_url, a.text_hash, s.minhash, s.lead_minhash, s.shingle_count
FROM articles a
JOIN signatures s ON s.article_id = a.id AND s.scheme = $scheme
WHERE $window_days IS NULL
   OR coalesce(a.published_at, a.ingested_at) >= now() - to_days(CAST($window_days AS INTEGER))
ORDER BY a.arrival NULLS FIRST, a.ingested_at, a.id;
