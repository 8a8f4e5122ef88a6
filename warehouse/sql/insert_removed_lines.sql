INSERT INTO removed_lines BY NAME
SELECT unnest($article_id) AS article_id, unnest($position) AS position, unnest($line) AS line,
       unnest($rule) AS rule;
