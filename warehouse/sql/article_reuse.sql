-- One article's sources (newsingest reuse ID): the source's outlet, title and text beside each row.
SELECT r.source_id, s.source, s.title, s.published_at, s.text, r.share, r.derivation, r.passages
FROM text_reuse r JOIN articles s ON s.id = r.source_id
WHERE r.id = $id
ORDER BY r.share DESC, r.source_id;
