-- One article as `newsingest reuse ID` prints it.
SELECT id, source, title, published_at, text FROM articles WHERE id = $id;
