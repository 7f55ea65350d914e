MATCH (p:Person)-[:met]->(x) WITH p, count(DISTINCT x) AS d ORDER BY d DESC LIMIT 10 RETURN sum(d);
