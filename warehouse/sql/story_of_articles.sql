-- The story of each given article (the originals of newly found duplicates).
SELECT id, story_id FROM articles WHERE id IN (SELECT unnest($ids)) AND story_id IS NOT NULL;
