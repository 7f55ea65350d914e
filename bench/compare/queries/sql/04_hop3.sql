SELECT count(DISTINCT w2.o) FROM director_of d JOIN owns w ON w.s = d.o JOIN owns w2 ON w2.s = w.o
WHERE d.s = '{{D_HUB}}';
