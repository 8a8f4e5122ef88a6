-- The term weights of a batch's articles (a reprocess deletes the earlier ones first: delete_documents).
INSERT INTO story_features BY NAME
SELECT unnest($article_id) AS article_id, $scheme AS scheme, unnest($terms) AS terms, unnest($weights) AS weights;
