-- Which of the given link ids need no request: the document landed (as an article or an extraction
-- rejection) under this id, or under the id it was fetched as after a redirect, or it was refused for good.
WITH asked AS (SELECT unnest($ids) AS id),
     landed AS (SELECT id FROM articles UNION ALL SELECT doc_id FROM rejections)
SELECT id FROM asked WHERE id IN (SELECT id FROM landed)
UNION
SELECT l.doc_id FROM fetch_links l JOIN asked ON asked.id = l.doc_id
WHERE l.refused_reason IS NOT NULL OR l.landed_id IN (SELECT id FROM landed);
