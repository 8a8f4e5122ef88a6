-- The sitemaps a sitemap index listed when it last changed (rechecked when the index answers 304:
-- news sitemaps change all day while their index stays the same).
SELECT url FROM fetch_listings WHERE parent = $url ORDER BY url;
