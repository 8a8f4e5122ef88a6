-- Which boilerplate rule removed how many lines, with one example line each.
SELECT rule, count(*) AS lines, count(DISTINCT article_id) AS articles, any_value(line) AS example
FROM removed_lines
GROUP BY rule
ORDER BY lines DESC, rule;
