MATCH (p:Person {id: '{{P_HUB}}'})-[:met]-(x) RETURN count(DISTINCT x);
