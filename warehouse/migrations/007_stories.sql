-- Stories: independent reports of one event across outlets (dedup's clusters group copies of one text).
-- articles.story_id says which story an article reports; the state the stories stage restores in the next
-- run (term weights per article, document frequencies per term) lives in the story_* tables.

ALTER TABLE articles ADD COLUMN story_id VARCHAR;
-- Articles landed before stories existed: each duplicate cluster counts as its own story.
UPDATE articles SET story_id = cluster_id WHERE story_id IS NULL;

-- What the stories stage compares: each article's term weights (TF only; IDF comes from the frequencies).
CREATE TABLE story_features (
    article_id VARCHAR PRIMARY KEY,
    scheme     VARCHAR NOT NULL,      -- how the weights were computed: weights compare only within one
    terms      VARCHAR NOT NULL,      -- space-separated (terms never contain spaces)
    weights    BLOB NOT NULL          -- float32 per term, in the order of `terms`
);

-- Document frequency of each term over the distinct (dedup status 'new') articles, kept incrementally.
CREATE TABLE story_term_frequencies (
    scheme    VARCHAR NOT NULL,
    term      VARCHAR NOT NULL,
    documents BIGINT NOT NULL,
    PRIMARY KEY (scheme, term)
);

-- How many documents the frequencies were counted over (the N of IDF).
CREATE TABLE story_corpus (
    scheme    VARCHAR PRIMARY KEY,
    documents BIGINT NOT NULL
);

-- One row per story. Its id is the id of the article that started it; its title is that of its first
-- report (earliest published, originals before copies).
CREATE VIEW stories AS
SELECT story_id AS id,
       arg_min(title, (duplicate_of IS NOT NULL, coalesce(published_at, ingested_at), id)) AS title,
       count(*) AS size,
       count(DISTINCT cluster_id) AS reports,
       count(DISTINCT source) AS outlets,
       list(DISTINCT source ORDER BY source) FILTER (WHERE source IS NOT NULL) AS sources,
       arg_min(source, (coalesce(published_at, ingested_at), id)) AS first_source,
       min(published_at) AS first_published,
       max(published_at) AS last_published,
       min(ingested_at) AS first_seen,
       max(ingested_at) AS last_seen
FROM articles
GROUP BY story_id;

COMMENT ON COLUMN articles.story_id IS 'Story (same event, any outlet) the article reports: id of the story''s first article. Near-duplicates share their original''s story.';
COMMENT ON TABLE story_features IS 'Term weights per article, restored by the stories stage to compare newcomers with (state, not for analysis).';
COMMENT ON TABLE story_term_frequencies IS 'In how many distinct articles each term occurs: the IDF statistics of the stories stage.';
COMMENT ON TABLE story_corpus IS 'How many distinct articles story_term_frequencies counts.';
COMMENT ON VIEW stories IS 'One row per story: independent reports of one event across outlets, copies included.';
COMMENT ON COLUMN stories.id IS 'Story id (articles.story_id): the id of the article that started the story.';
COMMENT ON COLUMN stories.title IS 'Headline of the story''s first report (earliest published, originals before copies).';
COMMENT ON COLUMN stories.size IS 'Articles in the story, copies included.';
COMMENT ON COLUMN stories.reports IS 'Distinct texts: duplicate clusters in the story (a wire copy adds to size, not to reports).';
COMMENT ON COLUMN stories.outlets IS 'Distinct outlets (sources) that carried the story.';
COMMENT ON COLUMN stories.sources IS 'Those outlets, sorted.';
COMMENT ON COLUMN stories.first_source IS 'Outlet of the earliest article (publication time, else ingest time): who broke the story.';
COMMENT ON COLUMN stories.first_published IS 'Earliest known publication time among the articles.';
COMMENT ON COLUMN stories.last_published IS 'Latest known publication time among the articles.';
COMMENT ON COLUMN stories.first_seen IS 'When newsingest landed the story''s first article.';
COMMENT ON COLUMN stories.last_seen IS 'When newsingest landed its latest article.';
