MATCH (c:Company)-[:based_in]->(:Country {id: '{{COUNTRY}}'}), (c)-[:invested_in]->(s),
      (h)-[:owns]->(c), (p)-[:director_of]->(c)
RETURN count(DISTINCT c);
