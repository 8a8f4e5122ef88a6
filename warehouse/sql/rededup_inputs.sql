-- Every article in arrival order, with its stored signature when it was computed the current way.
SELECT a.id, a.canonical_url, a.text_hash, a.text, a.published_at, a.word_count,
       s.minhash, s.lead_minhash, s.shingle_count
FROM articles a
LEFT JOIN signatures s ON s.article_id = a.id AND s.scheme = $scheme
ORDER BY a.arrival NULLS FIRST, a.ingested_at, a.id;
