// Virtuoso peer (Debian virtuoso-opensource 7.2.5): a private server in the
// --db folder on a free port of 127.0.0.1 (no HTTP listener), stopped at the
// end; influence.nt and heads_reified.nt bulk-loaded with ld_dir and
// rdf_loader_run; SPARQL through isql-vt, one isql session per query running
// it once to warm up and then `repeat` times, timed by isql's own "msec"
// report. Queries: queries/virtuoso/ where Virtuoso needs its own form (its
// TRANSITIVE option: 7.2.5's property path `+` gives wrong counts), else
// queries/sparql/. Peak RSS is the server's VmHWM.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const c = require('./common');

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function isql(port, script) {
  const r = spawnSync('isql-vt', [`127.0.0.1:${port}`, 'dba', 'dba', 'BANNER=OFF', 'PROMPT=OFF', 'ECHO=OFF'],
    { input: script, encoding: 'utf8', maxBuffer: 1 << 28 });
  const out = (r.stdout || '') + (r.stderr || '');
  const err = out.split('\n').find((l) => /^\*\*\* Error|^Error/.test(l));
  if (r.status !== 0 || err) throw new Error(err || out.slice(0, 300) || `isql-vt exited with ${r.status}`);
  return r.stdout;
}

async function main() {
  const { args, params } = c.freshRun(process.argv);
  const dir = path.resolve(args.db);
  const data = path.resolve(args.data);
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'virtuoso.ini'), `[Database]
DatabaseFile = ${dir}/virtuoso.db
ErrorLogFile = ${dir}/virtuoso.log
LockFile = ${dir}/virtuoso.lck
TransactionFile = ${dir}/virtuoso.trx
xa_persistent_file = ${dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = ${dir}/virtuoso-temp.db
TransactionFile = ${dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:${port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = ., ${data}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 2G
ThreadsPerQuery = 2
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 0
`);
  const server = spawn('virtuoso-t', ['+foreground', '+configfile', path.join(dir, 'virtuoso.ini')],
    { cwd: dir, stdio: 'ignore' });
  const stop = () => { try { isql(port, 'shutdown;\n'); } catch (e) { server.kill(); } };
  try {
    const deadline = Date.now() + 60000;
    for (;;) {
      try { isql(port, 'status();\n'); break; } catch (e) {
        if (Date.now() > deadline) throw new Error(`the server did not answer on port ${port} in 60 s`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    const start = process.hrtime.bigint();
    isql(port, `ld_dir('${data}', 'influence.nt', 'http://q/');
ld_dir('${data}', 'heads_reified.nt', 'http://q/');
rdf_loader_run();
checkpoint;
`);
    const failed = isql(port, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n");
    if (/influence|heads_reified/.test(failed)) throw new Error(`bulk load failed: ${failed.replace(/\s+/g, ' ')}`);
    const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
    const hwm = () => /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1];
    const disk = ['virtuoso.db', 'virtuoso.trx'].reduce((s, f) => s + c.dirBytes(path.join(dir, f)), 0);
    c.line('LOAD', 'virtuoso', loadMs.toFixed(1), hwm(), String(disk));

    const own = path.join(__dirname, 'queries', 'virtuoso');
    const overrides = new Map(c.queries(own, '.rq', params).map((q) => [q.name, q]));
    for (const shared of c.queries(path.join(__dirname, 'queries', 'sparql'), '.rq', params, args.only)) {
      const q = overrides.get(shared.name) || shared;
      const text = q.text.split('\n').filter((l) => !l.startsWith('#')).join(' ');
      try {
        if (text.includes('{{LEVELS}}')) throw new Error('needs queries/virtuoso/' + q.name + '.rq');
        const out = isql(port, Array(args.repeat + 1).fill(`SPARQL ${text};\n`).join(''));
        const ms = [...out.matchAll(/-- (\d+) msec\./g)].map((m) => +m[1]).slice(1).sort((a, b) => a - b);
        const values = out.split('\n').map((l) => l.trim()).filter((l) => /^-?\d+$/.test(l));
        c.line('QUERY', 'virtuoso', q.name, ms[Math.floor(ms.length / 2)].toFixed(3), values[values.length - 1]);
      } catch (e) {
        c.line('ERROR', 'virtuoso', q.name, String(e.message).replace(/\s+/g, ' '));
      }
    }
  } catch (e) {
    c.line('ERROR', 'virtuoso', 'load', String(e.message).replace(/\s+/g, ' '));
    process.exitCode = 1;
  } finally {
    stop();
  }
}
main();
