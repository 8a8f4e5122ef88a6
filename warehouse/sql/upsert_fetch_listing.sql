-- One check of a feed/sitemap/input URL. A 304 or a refusal keeps the validators and link count of the
-- last change; a change (2xx) replaces them.
INSERT INTO fetch_listings (url, source, parent, kind, etag, last_modified, http_status, outcome, links, checked_at, changed_at)
VALUES ($url, $source, $parent, $kind, $etag, $last_modified, $http_status, $outcome, $links, $checked_at, $changed_at)
ON CONFLICT (url) DO UPDATE SET
    source = excluded.source,
    parent = coalesce(excluded.parent, fetch_listings.parent),
    kind = coalesce(excluded.kind, fetch_listings.kind),
    etag = CASE WHEN excluded.outcome = 'changed' THEN excluded.etag ELSE coalesce(excluded.etag, fetch_listings.etag) END,
    last_modified = CASE WHEN excluded.outcome = 'changed' THEN excluded.last_modified
                         ELSE coalesce(excluded.last_modified, fetch_listings.last_modified) END,
    http_status = excluded.http_status,
    outcome = excluded.outcome,
    links = coalesce(excluded.links, fetch_listings.links),
    checked_at = excluded.checked_at,
    changed_at = coalesce(excluded.changed_at, fetch_listings.changed_at);
