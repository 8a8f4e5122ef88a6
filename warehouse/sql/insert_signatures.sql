-- $batch: JSON column lists (warehouse.py _columns), the blobs in base64.
INSERT INTO signatures BY NAME
SELECT unnest(b.article_id) AS article_id, $scheme AS scheme, from_base64(unnest(b.minhash)) AS minhash,
       from_base64(unnest(b.lead_minhash)) AS lead_minhash, unnest(b.shingle_count) AS shingle_count,
       from_base64(unnest(b.char_minhash)) AS char_minhash, unnest(b.char_count) AS char_count,
       from_base64(unnest(b.sentences)) AS sentences, from_base64(unnest(b.facts)) AS facts
FROM (SELECT from_json_strict($batch, '{"article_id": ["VARCHAR"], "minhash": ["VARCHAR"],
        "lead_minhash": ["VARCHAR"], "shingle_count": ["INTEGER"], "char_minhash": ["VARCHAR"],
        "char_count": ["INTEGER"], "sentences": ["VARCHAR"], "facts": ["VARCHAR"]}') AS b);
