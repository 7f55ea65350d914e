MATCH p = (a:Person {id: '{{P_LEAF}}'})-[:met* SHORTEST 1..1000]-(b:Person {id: '{{P_LEAF2}}'})
RETURN length(p);
