-- Stored validators (for a conditional GET) of the given feed/sitemap URLs.
SELECT url, etag, last_modified FROM fetch_listings WHERE url IN (SELECT unnest($urls));
