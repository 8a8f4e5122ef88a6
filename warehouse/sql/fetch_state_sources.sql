-- What the fetcher knows per source: listings and when they last changed, links found, landed, refused, waiting.
WITH landed AS (SELECT id FROM articles UNION ALL SELECT doc_id FROM rejections),
links AS (
    SELECT source, count(*) AS links,
           count(*) FILTER (WHERE doc_id IN (SELECT id FROM landed) OR landed_id IN (SELECT id FROM landed)) AS landed,
           count(*) FILTER (WHERE refused_reason IS NOT NULL) AS refused
    FROM fetch_links GROUP BY source),
listings AS (
    SELECT source, count(*) AS listings, max(checked_at) AS last_checked, max(changed_at) AS last_changed
    FROM fetch_listings GROUP BY source)
SELECT coalesce(s.source, l.source) AS source, coalesce(s.listings, 0) AS listings, s.last_checked, s.last_changed,
       coalesce(l.links, 0) AS links, coalesce(l.landed, 0) AS landed, coalesce(l.refused, 0) AS refused,
       coalesce(l.links - l.landed - l.refused, 0) AS waiting
FROM listings s FULL JOIN links l ON l.source = s.source
WHERE $source IS NULL OR coalesce(s.source, l.source) = $source
ORDER BY 1;
