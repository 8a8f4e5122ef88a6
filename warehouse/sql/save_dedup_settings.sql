INSERT OR REPLACE INTO dedup_settings VALUES (1, $shingle_size, $num_perm, $seed, $lead_words, $threshold,
                                              $lead_threshold, $containment_threshold, now());
