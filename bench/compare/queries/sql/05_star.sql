SELECT count(DISTINCT b.s) FROM based_in b JOIN invested_in i ON i.s = b.s JOIN owns h ON h.o = b.s
  JOIN director_of p ON p.o = b.s
WHERE b.o = '{{COUNTRY}}';
