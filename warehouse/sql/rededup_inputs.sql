-- Every article in arrival order with its current decision and its stored signature when it was computed
-- the current way; the text only where the signature must be computed again (also for rows stored
-- before migration 012, which lack the character, sentence and fact signals).
SELECT a.id, a.canonical_url, a.text_hash, coalesce(a.published_at, a.ingested_at) AS dated, a.dedup_status,
       a.cluster_id,
       CASE WHEN s.minhash IS NULL OR s.lead_minhash IS NULL OR s.char_minhash IS NULL THEN a.text END AS text,
       s.minhash, s.lead_minhash, s.shingle_count, s.char_minhash, s.char_count, s.sentences, s.facts
FROM articles a
LEFT JOIN signatures s ON s.article_id = a.id AND s.scheme = $scheme
ORDER BY a.arrival NULLS FIRST, a.ingested_at, a.id;
