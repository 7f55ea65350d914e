MATCH (p:Person)-[r:heads]->(g:Agency)
WHERE (r.since IS NULL OR r.since <= date('{{DATE}}')) AND (r.until IS NULL OR r.until >= date('{{DATE}}'))
RETURN count(DISTINCT g);
