-- Everything derived from the given input ids, which reprocessing replaces (the raw bytes stay).
-- One statement per table, run one by one with the same $ids.
-- First the replaced articles leave the stories' IDF statistics, as they entered them: articles new to dedup,
-- each of their terms once (stories.assign_stories). Their new versions add themselves when they land.
UPDATE story_term_frequencies AS f SET documents = f.documents - counted.documents
FROM (SELECT scheme, term, count(*) AS documents
      FROM (SELECT s.scheme, unnest(string_split(s.terms, ' ')) AS term
            FROM story_features AS s JOIN articles AS a ON a.id = s.article_id
            WHERE s.article_id IN (SELECT unnest($ids)) AND a.dedup_status = 'new')
      GROUP BY scheme, term) AS counted
WHERE f.scheme = counted.scheme AND f.term = counted.term;
UPDATE story_corpus AS c SET documents = c.documents - counted.documents
FROM (SELECT s.scheme, count(*) AS documents
      FROM story_features AS s JOIN articles AS a ON a.id = s.article_id
      WHERE s.article_id IN (SELECT unnest($ids)) AND a.dedup_status = 'new'
      GROUP BY s.scheme) AS counted
WHERE c.scheme = counted.scheme;
DELETE FROM removed_lines WHERE article_id IN (SELECT unnest($ids));
DELETE FROM signatures WHERE article_id IN (SELECT unnest($ids));
DELETE FROM story_features WHERE article_id IN (SELECT unnest($ids));
DELETE FROM text_reuse WHERE id IN (SELECT unnest($ids));
DELETE FROM articles WHERE id IN (SELECT unnest($ids));
DELETE FROM rejections WHERE doc_id IN (SELECT unnest($ids));
