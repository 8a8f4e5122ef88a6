-- Clusters with more than one member: the original and every copy that points at it.
SELECT cluster_id, count(*) AS members,
       any_value(title) FILTER (WHERE dedup_status = 'new') AS original_title,
       list(dedup_status || ' ' || coalesce(round(similarity, 2)::VARCHAR, '') ORDER BY ingested_at) AS members_status
FROM articles
GROUP BY cluster_id
HAVING count(*) > 1
ORDER BY members DESC, original_title;
