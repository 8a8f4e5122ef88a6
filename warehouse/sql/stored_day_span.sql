-- The first and last day of the stored articles (records.day_number: date ordinals), each dated as
-- dedup_state.sql dates it; NULLs in an empty warehouse. A run reads earlier runs' dedup state for a range of
-- days only where the range meets this span (pipeline.IngestRun.dedup).
SELECT min(day), max(day)
FROM (SELECT CAST(timezone('UTC', coalesce(published_at, ingested_at)) AS DATE) - DATE '0001-01-01' + 1 AS day
      FROM articles);
