SELECT count(DISTINCT o) FROM heads
WHERE (since IS NULL OR since <= '{{DATE}}') AND (until IS NULL OR until >= '{{DATE}}');
