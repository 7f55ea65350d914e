// Oxigraph peer (npm oxigraph, in-process): an in-memory store (the npm build
// has no on-disk storage, so no bytes on disk) loaded with influence.nt and
// heads_reified.nt (the validity of heads, for the as-of query); SPARQL
// queries in queries/sparql/. The store lives in a worker thread so that a
// query past --timeout seconds (default 300) can be stopped (Oxigraph's
// query call cannot be interrupted): it is reported as an ERROR line, and a
// new worker loads the store again for the queries after it.
'use strict';
const path = require('path');
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const c = require('./common');

if (!isMainThread) {
  const oxigraph = require('oxigraph');
  const { data, params } = workerData;
  const store = new oxigraph.Store();
  const start = process.hrtime.bigint();
  try {
    for (const f of ['influence.nt', 'heads_reified.nt']) {
      c.forEachNtChunk(path.join(data, f), (text) => store.load(text, { format: 'application/n-triples' }));
    }
    parentPort.postMessage({ loaded: Number(process.hrtime.bigint() - start) / 1e6 });
  } catch (e) {
    parentPort.postMessage({ error: String(e.message || e) });
  }
  const value = (results) => { const b = results[0]; return b.get(b.keys().next().value).value; };
  parentPort.on('message', (text) => {
    try {
      let count;
      if (text.includes('{{LEVELS}}')) {
        count = 'none-within-30';
        for (let k = 1; k <= 30; k++) {
          if (store.query(text.replace('{{LEVELS}}', c.sparqlLevels(k, `http://q/${params.P_LEAF}`, 'http://q/met')))) {
            count = k;
            break;
          }
        }
      } else {
        count = value(store.query(text));
      }
      parentPort.postMessage({ count: String(count) });
    } catch (e) {
      parentPort.postMessage({ error: String(e.message || e) });
    }
  });
} else {
  const args = c.parseArgs(process.argv);
  const params = c.readParams(args.params);
  const timeoutMs = (parseFloat(args.timeout) || 300) * 1000;
  let worker;
  let pending = null;
  const startWorker = () => new Promise((resolve, reject) => {
    worker = new Worker(__filename, { workerData: { data: args.data, params } });
    worker.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m.loaded)));
    worker.on('message', (m) => { if (pending && !('loaded' in m)) { const p = pending; pending = null; p(m); } });
    worker.on('error', reject);
  });
  const ask = (text) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => { pending = null; reject(new Error(`timeout: no answer in ${timeoutMs / 1000} s`)); }, timeoutMs);
    pending = (m) => { clearTimeout(timer); if (m.error) reject(new Error(m.error)); else resolve(m.count); };
    worker.postMessage(text);
  });
  (async () => {
    try {
      const wall = process.hrtime.bigint();
      await startWorker();
      const loadMs = Number(process.hrtime.bigint() - wall) / 1e6;
      c.line('LOAD', 'oxigraph', loadMs.toFixed(1), String(c.peakRssKb()), '-');
    } catch (e) {
      c.line('ERROR', 'oxigraph', 'load', String(e.message).replace(/\s+/g, ' '));
      process.exit(1);
    }
    for (const q of c.queries(path.join(__dirname, 'queries', 'sparql'), '.rq', params, args.only)) {
      let timedOut = false;
      await c.timeQuery('oxigraph', q.name, args.repeat, async () => {
        try { return await ask(q.text); } catch (e) { timedOut = e.message.startsWith('timeout'); throw e; }
      });
      if (timedOut) {
        await worker.terminate();
        await startWorker();
      }
    }
    await worker.terminate();
  })();
}
