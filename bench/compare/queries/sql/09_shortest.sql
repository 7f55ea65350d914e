-- Breadth-first over (node, depth) pairs, at most 8 hops (the answer must be shorter).
WITH RECURSIVE b(n, d) AS (
  SELECT '{{P_LEAF}}', 0
  UNION SELECT m.o, b.d + 1 FROM b JOIN met m ON m.s = b.n WHERE b.d < 8
  UNION SELECT m.s, b.d + 1 FROM b JOIN met m ON m.o = b.n WHERE b.d < 8)
SELECT min(d) FROM b WHERE n = '{{P_LEAF2}}';
