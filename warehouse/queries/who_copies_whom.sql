-- Syndication: which outlet's articles reappear at which other outlet, and how closely.
SELECT coalesce(original_source, '(unknown)') AS original_source,
       coalesce(duplicate_source, '(unknown)') AS copied_by,
       count(*) AS copies,
       count(*) FILTER (WHERE kind = 'near_duplicate') AS rewritten,
       round(avg(similarity), 2) AS mean_similarity
FROM duplicate_pairs
GROUP BY ALL
ORDER BY copies DESC, original_source, copied_by;
