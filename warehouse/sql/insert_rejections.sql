INSERT INTO rejections BY NAME
SELECT unnest($doc_id) AS doc_id, unnest($origin) AS origin, unnest($stage) AS stage,
       unnest($reason) AS reason, unnest($message) AS message, unnest($raw_hash) AS raw_hash,
       unnest($run_id) AS run_id, unnest($rejected_at) AS rejected_at;
