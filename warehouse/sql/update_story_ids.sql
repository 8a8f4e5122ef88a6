-- The stories of a batch's articles, set in the batch's transaction right after the articles land.
UPDATE articles SET story_id = s.story_id
FROM (SELECT unnest(b.article_id) AS article_id, unnest(b.story_id) AS story_id
      FROM (SELECT from_json_strict($batch, '{"article_id": ["VARCHAR"], "story_id": ["VARCHAR"]}') AS b)) s
WHERE articles.id = s.article_id;
