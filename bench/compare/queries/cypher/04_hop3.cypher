MATCH (p:Person {id: '{{D_HUB}}'})-[:director_of]->(c)-[:owns]->(d)-[:owns]->(x) RETURN count(DISTINCT x);
