-- Per-source learned boilerplate (src/newsingest/extract/boilerplate.py): for each source, in how many of
-- its distinct new articles each short body line appeared. Lines above the thresholds are removed from the
-- source's later articles with rule `source_boilerplate` (recorded in removed_lines like any rule).
CREATE TABLE source_lines (
    source     VARCHAR NOT NULL,
    line_hash  VARCHAR NOT NULL,          -- boilerplate.line_key: the line case- and spacing-folded
    line       VARCHAR NOT NULL,          -- one spelling of it, for reading
    articles   INTEGER NOT NULL,          -- distinct new articles of the source that had the line
    last_seen  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, line_hash)
);

-- How many new articles of each source were counted into source_lines: the denominator of a line's share.
CREATE TABLE source_line_totals (
    source    VARCHAR PRIMARY KEY,
    articles  INTEGER NOT NULL
);
