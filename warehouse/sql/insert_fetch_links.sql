-- Links found in a listing; a link known from an earlier listing (or run) keeps its first record.
INSERT INTO fetch_links BY NAME
SELECT unnest($doc_id) AS doc_id, unnest($url) AS url, unnest($source) AS source, unnest($found_in) AS found_in,
       unnest($title_hint) AS title_hint, unnest($author_hint) AS author_hint,
       unnest($published_hint) AS published_hint, unnest($discovered_at) AS discovered_at
ON CONFLICT DO NOTHING;
