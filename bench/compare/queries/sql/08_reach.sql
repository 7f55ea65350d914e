WITH RECURSIVE r(x) AS (
  SELECT o FROM owns WHERE s = '{{C_HUB}}'
  UNION SELECT w.o FROM owns w JOIN r ON w.s = r.x)
SELECT count(*) FROM r;
