-- The term weights of a batch's articles (a reprocess deletes the earlier ones first: delete_documents).
INSERT INTO story_features BY NAME
SELECT unnest(b.article_id) AS article_id, $scheme AS scheme, unnest(b.terms) AS terms,
       from_base64(unnest(b.weights)) AS weights
FROM (SELECT from_json_strict($batch, '{"article_id": ["VARCHAR"], "terms": ["VARCHAR"],
        "weights": ["VARCHAR"]}') AS b);
