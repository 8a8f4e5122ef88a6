-- Replaces the weights of reprocessed articles.
INSERT OR REPLACE INTO story_features BY NAME
SELECT unnest($article_id) AS article_id, $scheme AS scheme, unnest($terms) AS terms, unnest($weights) AS weights;
