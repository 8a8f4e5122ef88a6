INSERT INTO signatures BY NAME
SELECT unnest($article_id) AS article_id, unnest($scheme) AS scheme, unnest($minhash) AS minhash,
       unnest($lead_minhash) AS lead_minhash, unnest($shingle_count) AS shingle_count;
