INSERT INTO removed_lines BY NAME
SELECT unnest(b.article_id) AS article_id, unnest(b.position) AS position, unnest(b.line) AS line,
       unnest(b.rule) AS rule
FROM (SELECT from_json_strict($batch, '{"article_id": ["VARCHAR"], "position": ["INTEGER"], "line": ["VARCHAR"],
        "rule": ["VARCHAR"]}') AS b);
