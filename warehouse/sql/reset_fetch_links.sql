DELETE FROM fetch_links WHERE $source IS NULL OR source = $source;
