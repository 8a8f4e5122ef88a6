INSERT INTO signatures BY NAME
SELECT unnest($article_id) AS article_id, unnest($scheme) AS scheme, unnest($minhash) AS minhash
ON CONFLICT DO NOTHING;
