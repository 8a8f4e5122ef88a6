-- The term weights of a batch's articles (a reprocess deletes the earlier ones first: delete_documents),
-- with the UTC day the stories stage filed each article under.
INSERT INTO story_features BY NAME
SELECT unnest(b.article_id) AS article_id, $scheme AS scheme, unnest(b.terms) AS terms,
       from_base64(unnest(b.weights)) AS weights, CAST(unnest(b.anchor_day) AS DATE) AS anchor_day
FROM (SELECT from_json_strict($batch, '{"article_id": ["VARCHAR"], "terms": ["VARCHAR"],
        "weights": ["VARCHAR"], "anchor_day": ["VARCHAR"]}') AS b);
