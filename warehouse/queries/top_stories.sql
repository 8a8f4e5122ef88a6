-- The most copied stories: clusters by size, with the outlets that carried them.
SELECT title, size, duplicates, sources, first_published, first_seen
FROM clusters
WHERE size > 1
ORDER BY size DESC, first_seen, title
LIMIT 20;
