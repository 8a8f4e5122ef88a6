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
-- Now and then the checkpoint at close rewrites far more than the batch (why is not fully understood: row
-- groups of 16,384 rows did not stop it): at ~33k articles of a text ingest one close held +643 MiB for
-- 1.3 s. Under a limit, DuckDB writes blocks out as it goes: that close then peaked at +297 MiB, and no close
-- of 10-40k articles went above +302 MiB (same corpus, per-statement diagnostic). It bounds memory, not
-- work: the largest such close of a 100k HTML ingest (~64k articles) made its window's landing 25 s, not
-- ~11 s. 512MB shortened that pause but peaked higher (1,232 against 891 MiB at 36k). Readers keep
-- DuckDB's default.
SET memory_limit = '256MB';
