-- Outlets ranked by the share of their articles that are mostly wire copy: at least half of the article's
-- words in passages taken from one earlier article (text_reuse.share >= 0.5), or wholly derived from
-- several. Duplicates (copies of one text) count once per outlet, as their cluster's first article there.
WITH own AS (
    SELECT source, id FROM articles WHERE source IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY source, cluster_id ORDER BY ingested_at, id) = 1
), mostly AS (
    SELECT id, max(share) AS share, bool_or(derivation = 'wholly') AS wholly
    FROM text_reuse GROUP BY id
)
SELECT o.source,
       count(*) AS articles,
       count(*) FILTER (WHERE m.share >= 0.5 OR m.wholly) AS mostly_wire,
       round(count(*) FILTER (WHERE m.share >= 0.5 OR m.wholly) / count(*), 3) AS mostly_wire_share,
       count(m.id) AS reusing_any,
       round(avg(m.share), 3) AS mean_share_when_reusing
FROM own o LEFT JOIN mostly m ON m.id = o.id
GROUP BY o.source
ORDER BY mostly_wire_share DESC, articles DESC, o.source;
