-- The learned boilerplate (source_lines over the thresholds, migration 002) the latest run cleans with.
-- A run that follows an interrupted or failed run cleans with that run's lines instead of reading them
-- afresh, so an interrupted run and its rerun clean every article as one uninterrupted run would: the lines
-- the first part's articles taught take effect from the next run after a completed one (README "Per-source
-- learning"). One row: the latest run's.
CREATE TABLE run_boilerplate (
    run_id       VARCHAR NOT NULL,
    sources      VARCHAR[] NOT NULL,
    line_hashes  VARCHAR[] NOT NULL   -- line_hashes[i] is a learned line of sources[i]
);

COMMENT ON TABLE run_boilerplate IS 'The learned boilerplate lines (source, line hash) the latest run cleaned with; its rerun after an interruption cleans with the same.';
