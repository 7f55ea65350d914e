MATCH (p:Person)-[:met]-(q:Person), (q)-[:director_of]->(c:Company), (c)-[:invested_in]->(s:Asset),
      (p)-[:heads]->(g:Agency), (g)-[:regulates]->(s)
RETURN count(DISTINCT p);
