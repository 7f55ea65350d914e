SELECT count(DISTINCT x) FROM (SELECT o AS x FROM met WHERE s = '{{P_HUB}}'
                               UNION ALL SELECT s FROM met WHERE o = '{{P_HUB}}');
