INSERT INTO rejections BY NAME
SELECT unnest(b.doc_id) AS doc_id, unnest(b.origin) AS origin, unnest(b.stage) AS stage,
       unnest(b.reason) AS reason, unnest(b.message) AS message, unnest(b.raw_hash) AS raw_hash,
       $run_id AS run_id, $rejected_at AS rejected_at
FROM (SELECT from_json_strict($batch, '{"doc_id": ["VARCHAR"], "origin": ["VARCHAR"], "stage": ["VARCHAR"],
        "reason": ["VARCHAR"], "message": ["VARCHAR"], "raw_hash": ["VARCHAR"]}') AS b);
