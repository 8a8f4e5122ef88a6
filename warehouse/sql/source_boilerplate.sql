-- Learned boilerplate: lines a source repeated in enough of its articles (see migration 002).
SELECT l.source, l.line_hash
FROM source_lines l JOIN source_line_totals t USING (source)
WHERE l.articles >= $min_articles AND l.articles >= $min_share * t.articles;
