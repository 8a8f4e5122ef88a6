SELECT id, dedup_status, cluster_id FROM articles;
