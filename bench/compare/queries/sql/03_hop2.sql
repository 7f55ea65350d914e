SELECT count(DISTINCT w.o) FROM director_of d JOIN owns w ON w.s = d.o WHERE d.s = '{{D_HUB}}';
