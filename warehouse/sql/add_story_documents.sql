INSERT INTO story_corpus VALUES ($scheme, $documents)
ON CONFLICT (scheme) DO UPDATE SET documents = story_corpus.documents + excluded.documents;
