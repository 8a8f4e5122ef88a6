-- Settings of the database instance a batch lands through: each batch opens the file anew, so they last
-- one batch, and readers and other writers keep DuckDB's defaults.
-- One thread: a batch is a few hundred rows, too small to gain from splitting, while the extraction
-- workers need the other cores (landing used ~15% less CPU per article; benchmarks/run.py landing).
SET threads = 1;
-- The checkpoint at close analyses each new string segment for FSST: ~40% of its CPU for articles, where
-- FSST won only for short columns (origin), and more for story_features.terms, where it halves the column.
-- A trade: landing CPU per article -20% (benchmark batches) to -28% (HTML ingest with stories), for a file
-- 0.5% (benchmark) to ~10% (with stories, mostly story_features) larger. Delete this line to undo it.
SET disabled_compression_methods = 'fsst';
