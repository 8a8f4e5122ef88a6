-- How much of published_at the source stated. Before this migration the time of day and the page's time
-- zone were dropped (midnight UTC on 374 of 397 real pages), so "who reported first" and the canonical
-- member of a cluster could not be trusted to the hour. Now published_at keeps the time when the page
-- gives one, and these columns say what it is:
--   published_date_only            only the day was stated; published_at is midnight UTC of that day
--   published_utc_offset_minutes   the UTC offset stated with the time (-240 for EDT); NULL when no zone
--                                  was stated (published_at is then the page's own clock, stored as UTC)
ALTER TABLE articles ADD COLUMN published_date_only BOOLEAN;
ALTER TABLE articles ADD COLUMN published_utc_offset_minutes INTEGER;

-- Rows landed before kept the day only.
UPDATE articles SET published_date_only = true WHERE published_at IS NOT NULL;

COMMENT ON COLUMN articles.published_at IS 'Publication time as the source stated it: the instant when it gave a time and zone; midnight UTC of the day when only a date (published_date_only); NULL when unknown or implausible.';
COMMENT ON COLUMN articles.published_date_only IS 'True when the source stated only the day of publication (published_at is then midnight UTC); NULL when undated.';
COMMENT ON COLUMN articles.published_utc_offset_minutes IS 'UTC offset stated with the publication time, in minutes (EDT = -240); local time = published_at + this. NULL when no zone was stated: published_at is then the source''s own clock stored as UTC.';
