// Reads the drivers' lines (run.sh's results file) and prints the table:
// engine x (load, each query) in milliseconds, then Quipu's ratio to the
// fastest peer on each column. A count that differs from the most common
// count of its query is printed loudly and marked "!" in the table.
'use strict';
const fs = require('fs');

const loads = new Map();    // engine -> {ms, rss, disk}
const results = new Map();  // query -> Map(engine -> {ms, count})
const errors = [];
const engines = [];
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  const f = line.split('\t');
  if (f.length < 4) continue;
  if (!engines.includes(f[1])) engines.push(f[1]);
  if (f[0] === 'LOAD') loads.set(f[1], { ms: +f[2], rss: +f[3], disk: f[4] });
  if (f[0] === 'QUERY') {
    if (!results.has(f[2])) results.set(f[2], new Map());
    results.get(f[2]).set(f[1], { ms: +f[3], count: f[4] });
  }
  if (f[0] === 'ERROR') errors.push(`${f[1]} ${f[2]}: ${f.slice(3).join(' ')}`);
}
const queries = [...results.keys()].sort();

// The most common count of each query is taken as the answer.
const mismatches = [];
const expected = new Map();
for (const q of queries) {
  const tally = new Map();
  for (const r of results.get(q).values()) tally.set(r.count, (tally.get(r.count) || 0) + 1);
  const best = [...tally.entries()].sort((a, b) => b[1] - a[1])[0][0];
  expected.set(q, best);
  for (const [e, r] of results.get(q)) {
    if (r.count !== best) mismatches.push(`${q}: ${e} counts ${r.count}, the others ${best}`);
  }
}

const fmt = (ms) => (ms === 0 ? '<1' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const columns = ['load', ...queries];
const rows = [['engine', ...columns.map((c) => (c === 'load' ? 'load s' : c))]];
for (const e of engines) {
  const row = [e, loads.has(e) ? (loads.get(e).ms / 1000).toFixed(1) : 'fail'];
  for (const q of queries) {
    const r = results.get(q).get(e);
    row.push(r ? fmt(r.ms) + (r.count !== expected.get(q) ? '!' : '') : 'fail');
  }
  rows.push(row);
}
// Quipu over the fastest peer: below 1 Quipu is faster.
if (engines.includes('quipu') && engines.length > 1) {
  const ratio = ['quipu/best'];
  const value = (c, e) => (c === 'load' ? loads.get(e)?.ms : results.get(c).get(e)?.ms);
  for (const c of columns) {
    const mine = value(c, 'quipu');
    const peers = engines.filter((e) => e !== 'quipu').map((e) => value(c, e)).filter((v) => v !== undefined);
    // Virtuoso's isql counts whole milliseconds: a 0 there is under 1 ms, so
    // the best peer took less than the smallest other time and 1 ms, and the
    // ratio is at least mine over that.
    const best = Math.min(...peers);
    const bound = Math.min(1, ...peers.filter((v) => v > 0));
    ratio.push(mine === undefined || peers.length === 0 ? '-'
      : best === 0 ? '>=' + (mine / bound).toFixed(2) : (mine / best).toFixed(2));
  }
  rows.push(ratio);
}
rows.push(['count', '', ...queries.map((q) => expected.get(q))]);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
const print = (r) => console.log('| ' + r.map((v, i) => String(v).padStart(widths[i])).join(' | ') + ' |');
print(rows[0]);
console.log('|' + widths.map((w) => '-'.repeat(w + 1) + ':').join('|') + '|');
rows.slice(1).forEach(print);
console.log('\nload: wall s, peak RSS MiB, bytes on disk MiB');
for (const [e, l] of loads) {
  const disk = l.disk === '-' ? 'in memory' : (l.disk / 1048576).toFixed(0);
  console.log(`  ${e}: ${(l.ms / 1000).toFixed(1)} s, ${(l.rss / 1024).toFixed(0)} MiB, ${disk}`);
}
for (const e of errors) console.log(`error: ${e}`);
if (mismatches.length) {
  console.log('\n!!!!!!!! COUNTS DIFFER !!!!!!!!');
  for (const m of mismatches) console.log(`MISMATCH ${m}`);
  process.exitCode = 1;
}
