-- Which of the given input ids already ended as an article or a rejection (idempotent reruns).
SELECT id FROM articles WHERE id IN (SELECT unnest($ids))
UNION
SELECT doc_id FROM rejections WHERE doc_id IN (SELECT unnest($ids));
