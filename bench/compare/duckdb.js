// DuckDB peer (npm @duckdb/node-api, in this process): the same tables as the
// SQLite peer, read with read_csv (types detected: since and until are dates,
// empty fields null), in a database file; no indexes (DuckDB joins by hash).
// Queries in queries/sql/, or queries/duckdb/ where DuckDB needs its own form.
'use strict';
const fs = require('fs');
const path = require('path');
const { DuckDBInstance } = require('@duckdb/node-api');
const c = require('./common');

async function main() {
  const { args, params } = c.freshRun(process.argv);
  const start = process.hrtime.bigint();
  let conn;
  try {
    const instance = await DuckDBInstance.create(path.join(args.db, 'influence.duckdb'));
    conn = await instance.connect();
    const csv = (f) => `read_csv('${path.join(args.data, f)}', header = true)`;
    await conn.run(`CREATE TABLE nodes AS SELECT * FROM ${csv('nodes.csv')}`);
    for (const p of c.PREDICATES) {
      await conn.run(`CREATE TABLE ${p} AS SELECT "from" AS s, "to" AS o, * EXCLUDE ("from", "to")
                      FROM ${csv(p + '.csv')}`);
    }
    await conn.run('CHECKPOINT');
  } catch (e) {
    c.line('ERROR', 'duckdb', 'load', String(e.message).replace(/\s+/g, ' '));
    process.exit(1);
  }
  const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
  c.line('LOAD', 'duckdb', loadMs.toFixed(1), String(c.peakRssKb()), String(c.dirBytes(args.db)));

  const own = path.join(__dirname, 'queries', 'duckdb');
  const overrides = new Map(fs.existsSync(own) ? c.queries(own, '.sql', params).map((q) => [q.name, q]) : []);
  for (const shared of c.queries(path.join(__dirname, 'queries', 'sql'), '.sql', params, args.only)) {
    const q = overrides.get(shared.name) || shared;
    await c.timeQuery('duckdb', q.name, args.repeat, async () => {
      const rows = (await conn.runAndReadAll(q.text)).getRows();
      return String(rows[0][0]);
    });
  }
}
main();
