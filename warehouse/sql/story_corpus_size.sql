SELECT coalesce(max(documents), 0) FROM story_corpus WHERE scheme = $scheme;
