// Kùzu stops a variable-length relationship at 30 hops unless given a bound: 1000 is past any
// chain of the generated data. SHORTEST lists each reachable end once.
MATCH (c:Company {id: '{{C_HUB}}'})-[:owns* SHORTEST 1..1000]->(x) RETURN count(DISTINCT x);
