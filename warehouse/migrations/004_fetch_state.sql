-- Fetch state per source (see src/newsingest/sources/state.py): validators for conditional GETs of feeds
-- and sitemaps, and the frontier of article links they led to. `newsingest state show|reset` reads and
-- clears it. Articles landed stay in `articles`; resetting the state only makes the fetcher look again.

CREATE TABLE fetch_listings (
    url           VARCHAR PRIMARY KEY,       -- feed, sitemap or input URL as requested
    source        VARCHAR NOT NULL,
    kind          VARCHAR,                   -- feed | urlset | sitemapindex | page (null until a 2xx)
    parent        VARCHAR,                   -- the sitemap index that listed this sitemap
    etag          VARCHAR,
    last_modified VARCHAR,
    http_status   INTEGER,                   -- last answer: 200, 304, or the refusal's status
    outcome       VARCHAR NOT NULL,          -- changed | unchanged | a rejection reason
    links         INTEGER,                   -- links found the last time it changed
    checked_at    TIMESTAMPTZ NOT NULL,
    changed_at    TIMESTAMPTZ
);

CREATE TABLE fetch_links (
    doc_id          VARCHAR PRIMARY KEY,     -- the article id of url (records.document_id)
    url             VARCHAR NOT NULL,        -- normalised: no tracking parameters or fragment
    source          VARCHAR NOT NULL,
    found_in        VARCHAR NOT NULL,        -- the feed or sitemap that listed it (or the input URL)
    title_hint      VARCHAR,
    author_hint     VARCHAR,
    published_hint  VARCHAR,
    discovered_at   TIMESTAMPTZ NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TIMESTAMPTZ,
    landed_id       VARCHAR,                 -- id of the document fetched (differs from doc_id after a redirect)
    refused_reason  VARCHAR                  -- a lasting refusal (robots_disallowed, too_large, paywall, ...)
);
