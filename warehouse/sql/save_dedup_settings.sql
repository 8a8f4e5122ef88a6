INSERT OR REPLACE INTO dedup_settings BY NAME
SELECT 1 AS id, $shingle_size AS shingle_size, $num_perm AS num_perm, $seed AS seed, $lead_words AS lead_words,
       $threshold AS threshold, $lead_threshold AS lead_threshold, $containment_threshold AS containment_threshold,
       $char_threshold AS char_threshold, now() AS updated_at;
