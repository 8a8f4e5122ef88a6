-- A batch's reuse rows (reuse stage), in the batch's transaction right after its articles.
INSERT INTO text_reuse BY NAME
SELECT unnest(b.id) AS id, unnest(b.source_id) AS source_id, unnest(b.share) AS share,
       unnest(b.derivation) AS derivation, unnest(b.passages) AS passages, $run_id AS run_id
FROM (SELECT from_json_strict($batch, '{"id": ["VARCHAR"], "source_id": ["VARCHAR"], "share": ["DOUBLE"],
        "derivation": ["VARCHAR"],
        "passages": [[{"start": "INTEGER", "end": "INTEGER", "source_start": "INTEGER", "source_end": "INTEGER"}]]}') AS b);
