DELETE FROM fetch_listings WHERE $source IS NULL OR source = $source;
