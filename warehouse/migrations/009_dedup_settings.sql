-- The dedup parameters this warehouse's decisions were made with. `newsingest rededup` changes them;
-- every later ingest reads them, so new articles are decided the same way as the stored ones.
CREATE TABLE dedup_settings (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),   -- a single row
    shingle_size          INTEGER NOT NULL,
    num_perm              INTEGER NOT NULL,
    seed                  INTEGER NOT NULL,
    lead_words            INTEGER NOT NULL,
    threshold             DOUBLE NOT NULL,
    lead_threshold        DOUBLE NOT NULL,
    containment_threshold DOUBLE NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);

-- Arrival order across all runs: dedup is replayed in this order (rededup, index restore), so equal
-- input gives equal clusters. Rows landed before this migration have NULL and sort by ingest time.
ALTER TABLE articles ADD COLUMN arrival BIGINT;
