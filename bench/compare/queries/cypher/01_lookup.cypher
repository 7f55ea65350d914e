MATCH (p:Person {id: '{{P_LEAF}}'}) RETURN count(p.name);
