MATCH (p:Person)-[h:heads]->(g:Agency) WITH h.since AS s ORDER BY s DESC LIMIT 10
RETURN sum(date_part('year', s) * 10000 + date_part('month', s) * 100 + date_part('day', s));
