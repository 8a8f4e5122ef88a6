-- Wire-copy reuse (src/newsingest/reuse/): which earlier articles an article draws text from, and how much.
-- One row per (article, source); an article with no row is not derived. No PRIMARY KEY, like the other
-- tables that grow with every article (migration 010): a reprocess deletes an article's rows before it
-- lands them again, and rededup replaces them all.
CREATE TABLE text_reuse (
    id           VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    share        DOUBLE NOT NULL,
    derivation   VARCHAR NOT NULL CHECK (derivation IN ('wholly', 'partially')),
    passages     STRUCT("start" INTEGER, "end" INTEGER, source_start INTEGER, source_end INTEGER)[] NOT NULL,
    run_id       VARCHAR
);

COMMENT ON TABLE text_reuse IS 'Text an article takes from an earlier article (published, then arrived, before it): one row per source.';
COMMENT ON COLUMN text_reuse.id IS 'The article (articles.id).';
COMMENT ON COLUMN text_reuse.source_id IS 'The earlier article it takes text from (articles.id).';
COMMENT ON COLUMN text_reuse.share IS 'Share (0-1) of the article''s words inside passages shared with this source.';
COMMENT ON COLUMN text_reuse.derivation IS 'wholly or partially: of the article from all its sources together (share they cover: from 0.65 wholly, from 0.2 partially).';
COMMENT ON COLUMN text_reuse.passages IS 'The shared passages: character offsets [start, end) in the article''s text and [source_start, source_end) in the source''s.';
COMMENT ON COLUMN text_reuse.run_id IS 'The run (or rededup) that found it.';
