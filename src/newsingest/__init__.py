"""newsingest: news ingestion and deduplication."""
