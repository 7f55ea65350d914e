// SQLite peer (Debian sqlite3 CLI): one table per predicate (s, o, source,
// confidence and the file's annotations) with (s, o) and (o, s) indexes, a
// nodes table keyed by id; queries in queries/sql/, recursive CTEs for paths.
// The load runs in one sqlite3 process (timed with /usr/bin/time for its peak
// RSS); each query runs in one sqlite3 process, once to warm up and then
// `repeat` times, timed by sqlite3's own `.timer`.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const c = require('./common');

const { args, params } = c.freshRun(process.argv);
const dbFile = path.join(args.db, 'influence.sqlite');

function header(file) { return fs.readFileSync(file, 'utf8').split('\n', 1)[0].split(','); }
const TYPES = { confidence: 'REAL', share: 'REAL', amount: 'INTEGER' };

const load = ['PRAGMA journal_mode=OFF;', 'PRAGMA synchronous=OFF;',
  'CREATE TABLE nodes(id TEXT PRIMARY KEY, label TEXT, name TEXT);',
  `.import --csv --skip 1 '${path.join(args.data, 'nodes.csv')}' nodes`];
for (const p of c.PREDICATES) {
  const file = path.join(args.data, `${p}.csv`);
  const cols = header(file).slice(2).map((h) => `${h} ${TYPES[h] || 'TEXT'}`);
  load.push(`CREATE TABLE ${p}(s TEXT, o TEXT, ${cols.join(', ')});`,
    `.import --csv --skip 1 '${file}' ${p}`,
    ...header(file).slice(2).map((h) => `UPDATE ${p} SET ${h} = NULL WHERE ${h} = '';`),
    `CREATE INDEX ${p}_so ON ${p}(s, o);`, `CREATE INDEX ${p}_os ON ${p}(o, s);`);
}
load.push('ANALYZE;');

function sqlite(script, timeIt) {
  const argv = timeIt ? ['/usr/bin/time', '-f', 'PEAK_KB %M', 'sqlite3', '-bail', dbFile]
    : ['sqlite3', '-bail', dbFile];
  const r = spawnSync(argv[0], argv.slice(1), { input: script, encoding: 'utf8', maxBuffer: 1 << 28 });
  const err = (r.stderr || '').split('\n').filter((l) => l && !l.startsWith('PEAK_KB')).join(' ');
  if (r.status !== 0 || err) throw new Error(err || `sqlite3 exited with ${r.status}`);
  return r;
}

const start = process.hrtime.bigint();
try {
  const r = sqlite(load.join('\n'), true);
  const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
  const peak = /PEAK_KB (\d+)/.exec(r.stderr)[1];
  c.line('LOAD', 'sqlite', loadMs.toFixed(1), peak, String(c.dirBytes(args.db)));
} catch (e) {
  c.line('ERROR', 'sqlite', 'load', e.message);
  process.exit(1);
}

// The queries run in one Python process through its sqlite3 module (the
// same Debian libsqlite3 as the CLI), timed with perf_counter: the CLI's
// `.timer` counts whole milliseconds only.
const runner = `
import json, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
db.execute('PRAGMA cache_size=-2000000')
db.execute('PRAGMA mmap_size=4294967296')
repeat = int(sys.argv[2])
for q in json.load(sys.stdin):
    try:
        ms = []
        for i in range(repeat + 1):
            start = time.perf_counter()
            count = db.execute(q['text']).fetchall()[0][0]
            if i > 0: ms.append((time.perf_counter() - start) * 1000)
        ms.sort()
        print('QUERY\\tsqlite\\t%s\\t%.3f\\t%s' % (q['name'], ms[len(ms) // 2], count), flush=True)
    except Exception as e:
        print('ERROR\\tsqlite\\t%s\\t%s' % (q['name'], ' '.join(str(e).split())), flush=True)
`;
const list = c.queries(path.join(__dirname, 'queries', 'sql'), '.sql', params, args.only)
  .map((q) => ({ name: q.name, text: q.text.split('\n').filter((l) => !l.startsWith('--')).join('\n') }));
const r = spawnSync('python3', ['-c', runner, dbFile, String(args.repeat)],
  { input: JSON.stringify(list), encoding: 'utf8', stdio: ['pipe', 'inherit', 'inherit'] });
if (r.status !== 0) c.line('ERROR', 'sqlite', 'queries', `python3 exited with ${r.status}`);
