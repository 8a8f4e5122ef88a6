-- Everything dedup must remember from earlier runs of the articles dated (undated: ingested) from
-- $first_day to $last_day (records.day_number: date ordinals; NULL: all), oldest arrival first so cluster ids resolve
-- to originals. `day` is the one dedup/clusters.py day_of gives the article. The text only where no
-- signature was stored the current way (another scheme, e.g. before an upgrade): dedup computes it again
-- (`newsingest rededup` stores it).
SELECT a.id, a.cluster_id, a.canonical_url, a.text_hash, d.day, s.minhash, s.lead_minhash, s.shingle_count,
       s.char_minhash, s.char_count, s.sentences, s.facts, CASE WHEN s.minhash IS NULL THEN a.text END AS text
FROM articles a
LEFT JOIN signatures s ON s.article_id = a.id AND s.scheme = $scheme
CROSS JOIN LATERAL (
    SELECT CAST(timezone('UTC', coalesce(a.published_at, a.ingested_at)) AS DATE) - DATE '0001-01-01' + 1 AS day
) d
WHERE CAST($first_day AS INTEGER) IS NULL OR d.day BETWEEN $first_day AND $last_day
ORDER BY a.arrival NULLS FIRST, a.ingested_at, a.id;
