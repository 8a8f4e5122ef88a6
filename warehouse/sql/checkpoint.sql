-- A checkpoint the landing connection's memory_limit stopped, redone under DuckDB's default limit
-- (Warehouse.transaction).
CHECKPOINT;
