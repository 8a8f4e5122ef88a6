-- $batch: JSON column lists (warehouse.py _columns), the MinHash blobs in base64.
INSERT INTO signatures BY NAME
SELECT unnest(b.article_id) AS article_id, $scheme AS scheme, from_base64(unnest(b.minhash)) AS minhash,
       from_base64(unnest(b.lead_minhash)) AS lead_minhash, unnest(b.shingle_count) AS shingle_count
FROM (SELECT from_json_strict($batch, '{"article_id": ["VARCHAR"], "minhash": ["VARCHAR"],
        "lead_minhash": ["VARCHAR"], "shingle_count": ["INTEGER"]}') AS b);
