-- The feeds, sitemaps and input URLs of a source (or all) with their stored validators and last answer.
SELECT source, url, kind, outcome, http_status, etag, last_modified, links, checked_at, changed_at
FROM fetch_listings WHERE $source IS NULL OR source = $source ORDER BY source, url;
