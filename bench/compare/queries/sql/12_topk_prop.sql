-- The 10 latest heads.since: the sum of the dates as integers YYYYMMDD (SQLite keeps the date
-- as text, DuckDB as a date: both print it YYYY-MM-DD).
SELECT sum(CAST(replace(CAST(since AS TEXT), '-', '') AS INTEGER))
FROM (SELECT since FROM heads ORDER BY since DESC LIMIT 10);
