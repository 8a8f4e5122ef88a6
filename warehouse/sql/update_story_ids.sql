-- The stories of a batch's articles, set in the batch's transaction right after the articles land.
UPDATE articles SET story_id = s.story_id
FROM (SELECT unnest($article_id) AS article_id, unnest($story_id) AS story_id) s
WHERE articles.id = s.article_id;
