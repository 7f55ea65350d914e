// Kùzu peer (npm kuzu, in this process): a node table per label and a rel
// table per predicate (owns has two FROM labels: companies and people),
// copied from the generated CSV files with their annotations; queries in
// queries/cypher/.
'use strict';
const fs = require('fs');
const path = require('path');
const kuzu = require('kuzu');
const c = require('./common');

const RELS = {
  owns: [['Company', 'Company'], ['Person', 'Company']],
  director_of: [['Person', 'Company']],
  heads: [['Person', 'Agency']],
  met: [['Person', 'Person']],
  regulates: [['Agency', 'Asset']],
  invested_in: [['Company', 'Asset']],
  granted: [['Agency', 'Company']],
  based_in: [['Company', 'Country']],
};
const TYPES = { source: 'STRING', confidence: 'DOUBLE', share: 'DOUBLE', amount: 'INT64', since: 'DATE', until: 'DATE' };

async function main() {
  const { args, params } = c.freshRun(process.argv);
  const start = process.hrtime.bigint();
  const db = new kuzu.Database(path.join(args.db, 'influence.kuzu'));
  const conn = new kuzu.Connection(db);
  const run = async (q) => { const r = await conn.query(q); return (Array.isArray(r) ? r[r.length - 1] : r).getAll(); };
  try {
    const nodes = path.join(args.data, 'nodes.csv');
    for (const label of c.LABELS) {
      await run(`CREATE NODE TABLE ${label}(id STRING PRIMARY KEY, name STRING)`);
      await run(`COPY ${label} FROM (LOAD FROM '${nodes}' (header = true) WHERE label = '${label}' RETURN id, name)`);
    }
    for (const [p, pairs] of Object.entries(RELS)) {
      const file = path.join(args.data, `${p}.csv`);
      const cols = fs.readFileSync(file, 'utf8').split('\n', 1)[0].split(',').slice(2);
      const props = cols.map((h) => `${h} ${TYPES[h]}`).join(', ');
      await run(`CREATE REL TABLE ${p}(${pairs.map(([f, t]) => `FROM ${f} TO ${t}`).join(', ')}, ${props})`);
      if (pairs.length === 1) {
        await run(`COPY ${p} FROM '${file}' (header = true)`);
      } else {
        for (const [f, t] of pairs) {
          const casts = cols.map((h) => `CAST(${h} AS ${TYPES[h]})`).join(', ');
          await run(`COPY ${p} FROM (LOAD FROM '${file}' (header = true)
                     WHERE starts_with(\`from\`, '${f.toLowerCase()}') RETURN \`from\`, \`to\`, ${casts})
                     (from = '${f}', to = '${t}')`);
        }
      }
    }
    await run('CHECKPOINT');
  } catch (e) {
    c.line('ERROR', 'kuzu', 'load', String(e.message).replace(/\s+/g, ' '));
    process.exit(1);
  }
  const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
  c.line('LOAD', 'kuzu', loadMs.toFixed(1), String(c.peakRssKb()), String(c.dirBytes(args.db)));
  await run('CALL var_length_extend_max_depth=1000');  // Kùzu stops at 30 hops by default
  for (const q of c.queries(path.join(__dirname, 'queries', 'cypher'), '.cypher', params, args.only)) {
    const text = q.text.split('\n').filter((l) => !l.startsWith('//')).join('\n');
    await c.timeQuery('kuzu', q.name, args.repeat, async () => {
      const rows = await run(text);
      return String(Object.values(rows[0])[0]);
    });
  }
}
main();
