-- Every article in arrival order with what the stories and reuse stages read of it (its dedup decision and
-- stored term weights), for benchmarks/window_replay.py to decide both stages again in memory.
SELECT a.id, a.title, a.text, a.published_at, a.ingested_at, a.dedup_status, a.cluster_id, f.terms, f.weights
FROM articles a
JOIN story_features f ON f.article_id = a.id AND f.scheme = $scheme
ORDER BY a.arrival NULLS FIRST, a.ingested_at, a.id;
