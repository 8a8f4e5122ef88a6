-- Everything derived from the given input ids, which reprocessing replaces (the raw bytes stay).
-- One statement per table, run one by one with the same $ids.
DELETE FROM removed_lines WHERE article_id IN (SELECT unnest($ids));
DELETE FROM signatures WHERE article_id IN (SELECT unnest($ids));
DELETE FROM story_features WHERE article_id IN (SELECT unnest($ids));
DELETE FROM articles WHERE id IN (SELECT unnest($ids));
DELETE FROM rejections WHERE doc_id IN (SELECT unnest($ids));
