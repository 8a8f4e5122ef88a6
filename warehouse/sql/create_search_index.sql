-- BM25 index over title and text: lower-cased, accents stripped, Porter stems, English stopwords.
PRAGMA create_fts_index('documents', 'id', 'title', 'text', stemmer = 'porter', stopwords = 'english',
                        strip_accents = 1, lower = 1, overwrite = 1);
