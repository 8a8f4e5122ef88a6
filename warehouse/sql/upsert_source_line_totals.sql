INSERT INTO source_line_totals BY NAME
SELECT source, count(*) AS articles
FROM (SELECT unnest(from_json_strict($batch, '{"source": ["VARCHAR"]}').source) AS source)
GROUP BY source
ON CONFLICT (source) DO UPDATE SET articles = source_line_totals.articles + excluded.articles;
