UPDATE runs SET finished_at = $finished_at, status = $status, documents_seen = $documents_seen,
    already_seen = $already_seen, articles_new = $articles_new, url_duplicates = $url_duplicates,
    exact_duplicates = $exact_duplicates, near_duplicates = $near_duplicates, rejected = $rejected,
    duration_s = $duration_s
WHERE run_id = $run_id;
