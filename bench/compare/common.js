// What the peer drivers share: parameters, query files, timing and the
// output lines of bench/compare/README.md (tab-separated):
//   LOAD  ENGINE  WALL_MS  PEAK_RSS_KB  DISK_BYTES   (DISK_BYTES "-" when in memory)
//   QUERY ENGINE  NAME  MEDIAN_MS  COUNT
//   ERROR ENGINE  NAME  MESSAGE
'use strict';
const fs = require('fs');
const path = require('path');

function readParams(file) {
  const params = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) params[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return params;
}

function fill(text, params) {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key) => {
    if (key === 'LEVELS') return '{{LEVELS}}';  // filled per k by the SPARQL drivers
    if (!(key in params)) throw new Error(`parameter ${key} is not in the parameters file`);
    return params[key];
  });
}

// The query files of DIR with extension EXT, sorted by name, each with its
// statement (placeholders filled) and comments removed when `stripComments`.
function queries(dir, ext, params, only) {
  return fs.readdirSync(dir).filter((f) => f.endsWith(ext)).sort()
    .map((f) => ({ name: path.basename(f, ext), text: fill(fs.readFileSync(path.join(dir, f), 'utf8'), params) }))
    .filter((q) => !only || q.name === only);
}

function dirBytes(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((sum, f) => sum + dirBytes(path.join(p, f)), 0);
}

function peakRssKb() { return process.resourceUsage().maxRSS; }

function line(...fields) { process.stdout.write(fields.join('\t') + '\n'); }

// Runs `run` (async, returning the count) once to warm up and `repeat` times
// timed; prints the QUERY line, or an ERROR line when it throws.
async function timeQuery(engine, name, repeat, run) {
  try {
    let count;
    const ms = [];
    for (let i = 0; i <= repeat; i++) {
      const start = process.hrtime.bigint();
      count = await run();
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (i > 0) ms.push(elapsed);
    }
    ms.sort((a, b) => a - b);
    line('QUERY', engine, name, ms[Math.floor(ms.length / 2)].toFixed(3), String(count));
  } catch (e) {
    line('ERROR', engine, name, String(e.message || e).replace(/\s+/g, ' '));
  }
}

// --data DIR --params FILE --db DIR [--repeat R] [--only NAME] [--timeout S]
function parseArgs(argv) {
  const args = { repeat: 5 };
  for (let i = 2; i + 1 < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  args.repeat = Math.max(1, parseInt(args.repeat, 10) || 5);
  for (const k of ['data', 'params', 'db']) {
    if (!args[k]) { process.stderr.write(`usage: ${path.basename(argv[1])} --data DIR --params FILE --db DIR [--repeat R] [--only NAME]\n`); process.exit(2); }
  }
  return args;
}

const PREDICATES = ['owns', 'director_of', 'heads', 'met', 'regulates', 'invested_in', 'granted', 'based_in'];
const LABELS = ['Country', 'Person', 'Company', 'Asset', 'Agency'];

// The start of every driver that loads into a database of its own: the
// arguments, the query parameters, and args.db emptied.
function freshRun(argv) {
  const args = parseArgs(argv);
  const params = readParams(args.params);
  fs.rmSync(args.db, { recursive: true, force: true });
  fs.mkdirSync(args.db, { recursive: true });
  return { args, params };
}

module.exports = { readParams, fill, queries, dirBytes, peakRssKb, line, timeQuery, parseArgs, freshRun, PREDICATES, LABELS };

// The nodes exactly k hops from `start` over `predicate` either way, as nested
// SELECT DISTINCT groups binding ?n: a breadth-first frontier in SPARQL, for
// the SPARQL peers' shortest path (queries/sparql/09_shortest.rq).
function sparqlLevels(k, start, predicate) {
  let group = `{ SELECT DISTINCT ?n1 WHERE { { <${start}> <${predicate}> ?n1 } UNION { ?n1 <${predicate}> <${start}> } } }`;
  for (let i = 2; i <= k; i++) {
    group = `{ SELECT DISTINCT ?n${i} WHERE { ${group} { ?n${i - 1} <${predicate}> ?n${i} } UNION { ?n${i} <${predicate}> ?n${i - 1} } } }`;
  }
  return `{ SELECT (?n${k} AS ?n) WHERE { ${group} } }`;
}

// Reads an N-Triples file in pieces of whole lines (a string in V8 holds at
// most 512 MiB) and hands each to `load`.
function forEachNtChunk(file, load, chunkBytes = 64 << 20) {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(chunkBytes);
  let carry = '';
  for (;;) {
    const n = fs.readSync(fd, buffer, 0, chunkBytes, null);
    if (n === 0) break;
    const text = carry + buffer.toString('utf8', 0, n);
    const end = text.lastIndexOf('\n') + 1;
    load(text.slice(0, end));
    carry = text.slice(end);
  }
  if (carry) load(carry);
  fs.closeSync(fd);
}

module.exports.sparqlLevels = sparqlLevels;
module.exports.forEachNtChunk = forEachNtChunk;
