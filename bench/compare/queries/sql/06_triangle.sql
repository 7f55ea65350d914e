SELECT count(DISTINCT h.s)
FROM heads h JOIN regulates r ON r.s = h.o JOIN invested_in i ON i.o = r.o
  JOIN director_of d ON d.o = i.s
  JOIN (SELECT s AS a, o AS b FROM met UNION ALL SELECT o, s FROM met) m ON m.a = h.s AND m.b = d.s;
