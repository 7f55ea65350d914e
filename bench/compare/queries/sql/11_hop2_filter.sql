-- The people met by the people P_HUB met (met, either way, twice) whose name starts with the
-- prefix, P_HUB itself left out: the first hop as a set, the second hop both ways from it.
WITH f(x) AS (SELECT o FROM met WHERE s = '{{P_HUB}}' UNION SELECT s FROM met WHERE o = '{{P_HUB}}')
SELECT count(DISTINCT n.id)
FROM (SELECT m.o AS y FROM f JOIN met m ON m.s = f.x
      UNION ALL SELECT m.s FROM f JOIN met m ON m.o = f.x) e
  JOIN nodes n ON n.id = e.y
WHERE n.id <> '{{P_HUB}}' AND n.name LIKE '{{NAME_PREFIX}}%';
