INSERT INTO source_lines BY NAME
SELECT source, line_hash, any_value(line) AS line, count(*) AS articles, $now AS last_seen
FROM (SELECT unnest(b.source) AS source, unnest(b.line_hash) AS line_hash, unnest(b.line) AS line
      FROM (SELECT from_json_strict($batch, '{"source": ["VARCHAR"], "line_hash": ["VARCHAR"],
              "line": ["VARCHAR"]}') AS b))
GROUP BY source, line_hash
ON CONFLICT (source, line_hash) DO UPDATE SET articles = source_lines.articles + excluded.articles,
                                              last_seen = excluded.last_seen;
