-- What full-text search indexes: every article (its cluster lets results show one row per story copy set).
SELECT id, cluster_id, duplicate_of, source, published_at, title, text
FROM articles
