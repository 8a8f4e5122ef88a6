-- The outcome of fetching links: one more attempt, the id the body was fetched as, a lasting refusal.
UPDATE fetch_links SET attempts = fetch_links.attempts + 1, last_attempt_at = a.attempted_at,
       landed_id = coalesce(a.landed_id, fetch_links.landed_id), refused_reason = a.refused_reason
FROM (SELECT unnest($doc_id) AS doc_id, unnest($attempted_at) AS attempted_at, unnest($landed_id) AS landed_id,
             unnest($refused_reason) AS refused_reason) AS a
WHERE fetch_links.doc_id = a.doc_id;
