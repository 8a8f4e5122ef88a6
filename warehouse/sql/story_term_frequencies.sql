-- The IDF statistics of the stories stage: document frequency per term.
SELECT term, documents FROM story_term_frequencies WHERE scheme = $scheme;
