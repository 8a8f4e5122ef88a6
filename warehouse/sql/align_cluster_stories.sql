-- Near-duplicates share their story: after clusters were re-decided, every member takes the story of the
-- article that names its cluster (its first member).
UPDATE articles AS a
SET story_id = first_member.story_id
FROM articles AS first_member
WHERE first_member.id = a.cluster_id
  AND first_member.story_id IS NOT NULL
  AND a.story_id IS DISTINCT FROM first_member.story_id;
