-- Every input whose bytes are archived and that became an article or an extract/dedup rejection, in the
-- order it was first landed (so dedup meets originals before their copies again). Source-stage rejections
-- (fetch refusals, paywalls, unreadable files) are not reprocessed: their verdict did not come from extraction.
SELECT doc_id, origin, url, raw_hash, title, author, published_at
FROM (
    SELECT id AS doc_id, origin, url, raw_hash, title, author, published_at, ingested_at AS first_landed
    FROM articles
    UNION ALL
    SELECT r.doc_id, r.origin, d.url, r.raw_hash, NULL, NULL, NULL, r.rejected_at
    FROM rejections r JOIN raw_documents d USING (raw_hash)
    WHERE r.stage IN ('extract', 'dedup')
)
WHERE raw_hash IN (SELECT raw_hash FROM raw_documents)
ORDER BY first_landed, origin, doc_id;
