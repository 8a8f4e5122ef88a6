SELECT shingle_size, num_perm, seed, lead_words, threshold, lead_threshold, containment_threshold, char_threshold
FROM dedup_settings WHERE id = 1;
