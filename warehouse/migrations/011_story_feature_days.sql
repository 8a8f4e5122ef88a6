-- The stories stage reads the state of earlier articles by day (story_members.sql), once for each day a
-- batch's windows reach that is not in memory. Finding a day's articles through their publication dates
-- meant reading every row of story_features, term lists included: in a 35k-article ingest each read took
-- ~0.3 s and held +160-280 MiB, growing with the table. The day stored beside the weights is read first,
-- and the term lists of other days are not read at all (zone maps skip whole row groups when features
-- arrive roughly in date order, as news does).
ALTER TABLE story_features ADD COLUMN anchor_day DATE;
UPDATE story_features AS f
SET anchor_day = CAST(timezone('UTC', coalesce(a.published_at, a.ingested_at)) AS DATE)
FROM articles AS a
WHERE a.id = f.article_id;

COMMENT ON COLUMN story_features.anchor_day IS 'UTC day of the article''s publication, else of its ingestion: the stories stage reads its state by day.';
