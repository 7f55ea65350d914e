MATCH (p:Person {id: '{{P_HUB}}'})-[:met]-(x:Person)-[:met]-(y:Person)
WHERE y.id <> '{{P_HUB}}' AND y.name STARTS WITH '{{NAME_PREFIX}}'
RETURN count(DISTINCT y);
