SELECT count(name) FROM nodes WHERE id = '{{P_LEAF}}';
