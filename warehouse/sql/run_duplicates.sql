-- The duplicates one run landed, beside their originals (for the run's table artifact).
SELECT p.original_title, p.duplicate_title, p.kind, round(p.similarity, 3) AS similarity,
       p.original_source, p.duplicate_source
FROM duplicate_pairs p
JOIN articles a ON a.id = p.duplicate_id
WHERE a.run_id = $run_id
ORDER BY p.similarity DESC NULLS LAST, p.duplicate_title
LIMIT $limit;
