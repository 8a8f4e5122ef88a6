-- Every article in arrival order with its current decision and its stored signature when it was computed
-- the current way; the text only where the signature must be computed again.
SELECT a.id, a.canonical_url, a.text_hash, a.dedup_status, a.cluster_id,
       CASE WHEN s.minhash IS NULL OR s.lead_minhash IS NULL THEN a.text END AS text,
       s.minhash, s.lead_minhash, s.shingle_count
FROM articles a
LEFT JOIN signatures s ON s.article_id = a.id AND s.scheme = $scheme
ORDER BY a.arrival NULLS FIRST, a.ingested_at, a.id;
