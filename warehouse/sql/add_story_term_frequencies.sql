-- Adds a batch's document frequencies (each term once per call) to the running totals.
INSERT INTO story_term_frequencies BY NAME
SELECT $scheme AS scheme, unnest($term) AS term, unnest($documents) AS documents
ON CONFLICT (scheme, term) DO UPDATE SET documents = story_term_frequencies.documents + excluded.documents;
