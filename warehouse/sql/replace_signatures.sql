-- Signatures recomputed under new settings replace the old ones of the same articles.
DELETE FROM signatures WHERE article_id IN (SELECT unnest($article_id));
