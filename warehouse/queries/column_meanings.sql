-- What every column of the analyst views and main tables means (the COMMENT ON texts).
SELECT table_name, column_name, data_type, comment
FROM duckdb_columns()
WHERE schema_name = 'main' AND comment IS NOT NULL
ORDER BY table_name, column_index;
