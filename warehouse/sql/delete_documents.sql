-- Everything derived from the given input ids (reprocessing replaces it); raw bytes stay. One statement
-- per table, each ending in a semicolon (the caller runs them one by one, with the same $ids).
DELETE FROM removed_lines WHERE article_id IN (SELECT unnest($ids));
DELETE FROM signatures WHERE article_id IN (SELECT unnest($ids));
DELETE FROM articles WHERE id IN (SELECT unnest($ids));
DELETE FROM rejections WHERE doc_id IN (SELECT unnest($ids));
