-- DuckDB takes one recursive term: met both ways as one derived table. Breadth-first over
-- (node, depth) pairs, at most 8 hops (the answer must be shorter).
WITH RECURSIVE b(n, d) AS (
  SELECT '{{P_LEAF}}', 0
  UNION SELECT m.y, b.d + 1
        FROM b JOIN (SELECT s AS x, o AS y FROM met UNION ALL SELECT o, s FROM met) m ON m.x = b.n
        WHERE b.d < 8)
SELECT min(d) FROM b WHERE n = '{{P_LEAF2}}';
