-- Adds a batch's document frequencies (each term once per call) to the running totals.
INSERT INTO story_term_frequencies BY NAME
SELECT $scheme AS scheme, unnest(b.term) AS term, unnest(b.documents) AS documents
FROM (SELECT from_json_strict($batch, '{"term": ["VARCHAR"], "documents": ["BIGINT"]}') AS b)
ON CONFLICT (scheme, term) DO UPDATE SET documents = story_term_frequencies.documents + excluded.documents;
