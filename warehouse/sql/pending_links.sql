-- Links of the given sources still to fetch: not landed under either id, not refused for good, and not
-- yet given up on after repeated transient failures. Newest first, so a capped run takes the fresh news.
WITH landed AS (SELECT id FROM articles UNION ALL SELECT doc_id FROM rejections)
SELECT doc_id, url, source, found_in, title_hint, author_hint, published_hint
FROM fetch_links
WHERE source IN (SELECT unnest($sources)) AND refused_reason IS NULL AND attempts < $max_attempts
  AND doc_id NOT IN (SELECT id FROM landed)
  AND (landed_id IS NULL OR landed_id NOT IN (SELECT id FROM landed))
ORDER BY source, discovered_at DESC, url;
