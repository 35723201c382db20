// npm run bench: serves the production build, runs bench.html in headless Chromium on the real
// webgl backend, prints one table and writes bench/results.json.
// Options: --quick (a seconds-long smoke), --webgl-only (skip the cpu backend's rows),
// --projection-only (only the UMAP rows; replaces just the `projection` part of results.json),
// --engines-only (only the training engines on the sample; replaces just `engines`),
// --app-only (only the app rows: the page itself trains the sample; replaces just `app`),
// --scale[=rows] (only the scale row: the app on a generated MovieLens-25M-shaped file, 25M rows
// unless given, written once to $TMPDIR; replaces just `scale`).
// --deep-only (only the deep models' epochs per tfjs engine; replaces just `deep`).
// --app-models=autorec,youtube-dnn,svdpp (with --app-only: the app rows of these models, each
// with its defaults, in place of the biased MF and first-visit rows: issue 18's per-epoch time;
// --app-project-every=N sets their live map's period, 0 for the map at the end only).
// --engines-accuracy (only the held-out metric of each model on each training engine, through the
// page's TrainingSession: bench/browser/engines-accuracy.ts; --accuracy-models=a,b,
// --accuracy-engines=webgl,cpu and --accuracy-users=N narrow it; its rows replace the same
// model, data and engine's rows under `enginesAccuracy`).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { chromium } from '@playwright/test';
import { appRows, CASES } from './app-row.mjs';
import { generateRatings, scaleRow } from './scale-app.mjs';

const quick = process.argv.includes('--quick');
const webglOnly = process.argv.includes('--webgl-only');
const profile = process.argv.includes('--profile');
const projectionOnly = process.argv.includes('--projection-only');
const enginesOnly = process.argv.includes('--engines-only');
const appOnly = process.argv.includes('--app-only');
const scaleArg = process.argv.find((a) => a === '--scale' || a.startsWith('--scale='));
const scaleRows = scaleArg ? Number(scaleArg.split('=')[1] ?? 25_000_000) : 0;
if (scaleArg && !(Number.isInteger(scaleRows) && scaleRows >= 1000))
  throw new Error(`--scale=<rows> needs a whole number of rows (1,000 or more), got ${scaleArg}`);
const deepOnly = process.argv.includes('--deep-only');
const appModels = process.argv
  .find((a) => a.startsWith('--app-models='))
  ?.slice('--app-models='.length)
  .split(',')
  .filter(Boolean);
const accuracyOnly = process.argv.includes('--engines-accuracy');
const port = 4700 + Math.floor(Math.random() * 200);
// vite itself, not through npx, so that killing it stops the server.
const server = spawn(
  process.execPath,
  [
    'node_modules/vite/bin/vite.js',
    'preview',
    '--port',
    String(port),
    '--strictPort',
    '--host',
    '127.0.0.1',
    // BENCH_OUT_DIR: serve another build (so a second bench can run while one holds dist/).
    ...(process.env.BENCH_OUT_DIR ? ['--outDir', process.env.BENCH_OUT_DIR] : []),
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
server.stdout.resume();
let serverExit = null;
server.on('exit', (code) => (serverExit = code));
// Wait until the server answers (its banner can arrive split or coloured, so poll instead).
for (let tries = 0; ; tries++) {
  if (serverExit !== null) throw new Error(`vite preview exited with ${serverExit}`);
  if (tries > 300) throw new Error('vite preview did not answer within 30 s');
  const up = await fetch(`http://127.0.0.1:${port}/bench.html`).then(
    (r) => r.ok,
    () => false,
  );
  if (up) break;
  await new Promise((r) => setTimeout(r, 100));
}

/**
 * The tab's resident memory while the 25M-row import runs: the largest Chromium renderer
 * process's RSS (typed arrays live outside the JS heap, so performance.memory would miss them),
 * sampled every 200 ms; the baseline is the last sample before the import starts.
 */
const memory = (() => {
  let on = false;
  let baseline = null;
  let last = 0;
  let peak = 0;
  const rendererMb = () => {
    const lines = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' }).split('\n');
    const rss = lines
      .filter((l) => l.includes('--type=renderer'))
      .map((l) => Number.parseInt(l, 10) / 1024);
    return Math.max(0, ...rss);
  };
  setInterval(() => {
    last = rendererMb();
    if (on) peak = Math.max(peak, last);
  }, 200).unref();
  return {
    watch(running) {
      if (running && !on) [baseline, peak] = [last, last];
      on = running;
    },
    result: () => (baseline === null ? null : { baselineMb: baseline, peakMb: peak }),
  };
})();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--enable-unsafe-swiftshader',
    '--ignore-gpu-blocklist',
    '--no-sandbox',
    '--disable-dev-shm-usage',
    // WebGPU (on SwiftShader here) for the deep models' webgpu rows.
    '--enable-unsafe-webgpu',
  ],
});
try {
  if (scaleRows) await scale();
  else if (!appOnly) await benchPage();
  // The app rows run after the bench page closed, on its own: the page as a person gets it.
  if (
    !scaleRows &&
    (appOnly || !(quick || profile || projectionOnly || enginesOnly || deepOnly || accuracyOnly))
  ) {
    const every = process.argv.find((a) => a.startsWith('--app-project-every='));
    const projectEvery = every ? Number(every.split('=')[1]) : undefined;
    const cases = appModels ? appModels.map((model) => ({ model, projectEvery })) : CASES;
    const rows = await appRows(browser, `http://127.0.0.1:${port}/`, cases);
    reportApp(rows);
    const file = new URL('./results.json', import.meta.url);
    const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    const load = os.loadavg().map((l) => l.toFixed(1));
    // The deep models' rows have their own key, so the biased MF rows stay.
    const key = appModels ? 'appModels' : 'app';
    writeFileSync(
      file,
      JSON.stringify({ ...old, [key]: { date: new Date(), load, rows } }, null, 2),
    );
  }
} finally {
  await browser.close();
  server.kill();
}

/** The bench page (bench.html): training steps, engines, projection, explorer, import. */
async function benchPage() {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
  // --WEBGL_FLAG=value arguments set tfjs flags in the bench worker.
  const query = new URLSearchParams();
  if (projectionOnly) query.set('projection', 'only');
  if (enginesOnly) query.set('engines', 'only');
  if (deepOnly) query.set('deep', 'only');
  if (accuracyOnly) query.set('accuracy', 'only');
  for (const arg of process.argv.slice(2)) {
    const m = /^--accuracy-(models|engines|users)=(.*)$/.exec(arg);
    if (m) query.set(`accuracy-${m[1]}`, m[2]);
  }
  // --deep-engines=webgl,cpu, --deep-data=sample|large and --deep-models=autorec,svdpp narrow
  // the deep rows.
  for (const arg of process.argv.slice(2)) {
    const m = /^--deep-(engines|data|models)=(.*)$/.exec(arg);
    if (m) query.set(`deep-${m[1]}`, m[2]);
  }
  // --import-large: the 25M-row streamed import also with --projection-only.
  if (process.argv.includes('--import-large')) query.set('large', '1');
  if (quick) query.set('quick', '1');
  else if (profile) query.set('profile', '1');
  else if (webglOnly) query.set('cpu', '0');
  for (const arg of process.argv.slice(2)) {
    const m = /^--(WEBGL_\w+)=(.*)$/.exec(arg);
    if (m) query.set(m[1], m[2]);
  }
  await page.goto(`http://127.0.0.1:${port}/bench.html?${query}`);
  let printed = 0;
  for (;;) {
    const s = await page.evaluate(() => window.__bench);
    memory.watch(s.phase === 'import-large');
    for (; printed < s.log.length; printed++) console.error(s.log[printed]);
    if (s.status !== 'running') {
      if (s.status === 'error') throw new Error(s.error);
      const large = s.importRows?.find((r) => r.case.startsWith('generated as a stream'));
      if (large) large.memory = memory.result();
      if (!profile) report(s, browser.version());
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  await page.close();
}

/** The scale row: the app on a generated MovieLens-25M-shaped file (bench/scale-app.mjs). */
async function scale() {
  const path = `${os.tmpdir()}/latent-lab-ml25m-shape-${scaleRows}.csv`;
  console.error(`scale: generating ${scaleRows.toLocaleString('en-US')} rows into ${path}`);
  const file = await generateRatings(path, scaleRows);
  const row = await scaleRow(browser, `http://127.0.0.1:${port}/`, file);
  row.load = os.loadavg().map((l) => l.toFixed(1));
  row.date = new Date();
  const mb = (x) => `${fmt(x)} MB`;
  const s = (ms) => (ms == null ? '—' : `${fmt(ms / 1000, 1)} s`);
  console.log(
    `\nThe app at scale: ${fmt(file.rows)} generated rows (${fmt(file.users)} users x ` +
      `${fmt(file.items)} items, ${fmt(file.bytes / 2 ** 20)} MB), load ${row.load.join(' ')}:\n`,
  );
  table(
    ['measure', 'value'],
    [
      [
        'loaded',
        `${fmt(row.loaded.rows)} rows, ${fmt(row.loaded.users)} x ${fmt(row.loaded.items)}`,
      ],
      ['import (file -> data set)', s(row.importMs)],
      ['calibration (biased MF chosen -> engine)', s(row.calibrationMs)],
      [`engine`, `${row.engine} (${fmt(row.trainRows)} training rows)`],
      ['one epoch (from Train)', s(row.firstEpochMs)],
      [`${row.epochs} epochs with the live map`, s(row.tenEpochsMs)],
      ['ranking report (last epoch -> done)', s(row.reportMs)],
      ['to the final map', s(row.toMapMs)],
      ['map points', `${fmt(row.points)}${row.sampled ? ' (sampled)' : ''}`],
      [
        'tab memory after import / peak',
        `${mb(row.memory.afterImportMb)} / ${mb(row.memory.peakMb)}`,
      ],
      ['long tasks (> 50 ms) / over 200 ms', `${row.longTasks.count} / ${row.longTasks.over200}`],
      ['longest main-thread task', `${fmt(row.longTasks.maxMs)} ms`],
    ],
  );
  console.log('\nLongest tasks by phase:');
  for (const x of row.longTasks.worst) console.log(`  ${fmt(x.ms)} ms in ${x.phase}`);
  console.log('\nTasks over 200 ms by phase (count, longest):');
  for (const [p, x] of Object.entries(row.longTasks.over200ByPhase ?? {}))
    console.log(`  ${p}: ${x.over200}, ${fmt(x.maxMs)} ms`);
  const file_ = new URL('./results.json', import.meta.url);
  const old = existsSync(file_) ? JSON.parse(readFileSync(file_, 'utf8')) : {};
  writeFileSync(file_, JSON.stringify({ ...old, scale: row }, null, 2));
}

/** The app rows: the page's own training of the sample with its defaults (bench/app-row.mjs). */
function reportApp(rows) {
  console.log(
    `\nThe app itself on the sample (each model's defaults, automatic engine; ` +
      `timed in the page from Train; load ${os.loadavg()[0].toFixed(1)}):\n`,
  );
  table(
    [
      'case',
      'model',
      'engine',
      'epochs',
      'rows/epoch',
      'calibration at start ms',
      'engine chosen ms',
      'epoch 1 ms',
      'to last epoch ms',
      'ms per epoch',
      'steps s per epoch',
      'rows/s',
      'readout rows/s',
      'to map ms',
    ],
    rows.map((r) => [
      r.case,
      r.model ?? '—',
      r.engine ?? '—',
      fmt(r.epochs),
      fmt(r.trainRows),
      fmt(r.calibrationMs),
      fmt(r.engineMs),
      fmt(r.firstEpochMs),
      fmt(r.lastEpochMs),
      fmt(r.msPerEpoch),
      fmt(median(r.stepSeconds), 2),
      fmt(r.rowsPerSecond),
      fmt(r.readoutRowsPerSecond),
      fmt(r.mapMs),
    ]),
  );
}

/** The median of `xs` (null when empty). */
function median(xs) {
  if (!xs?.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** n with d decimals and thousands separators; '—' for null. */
function fmt(n, d = 0) {
  return n == null
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
}

/** Prints a markdown table: `head` names, `rows` arrays of cell strings. */
function table(head, rows) {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells) => '| ' + cells.map((c, j) => c.padEnd(widths[j])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  rows.forEach((r) => console.log(line(r)));
}

function report(s, browserVersion) {
  const env = {
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    browser: `Chromium ${browserVersion} (headless)`,
    backend: s.env?.backend ?? null,
    renderer: s.env?.renderer ?? null,
    fallbackReason: s.env?.fallbackReason ?? null,
  };
  console.log(
    `Machine: ${env.machine}\nBrowser: ${env.browser}\nWebGL: ${env.renderer ?? 'none'}${env.fallbackReason ? ` (${env.fallbackReason})` : ''}\n`,
  );
  const projection = {
    env: { date: env.date, machine: env.machine, browser: env.browser },
    quick,
    rows: s.projection,
  };
  const file = new URL('./results.json', import.meta.url);
  const explorer = s.explorer && { env: projection.env, renderer: env.renderer, ...s.explorer };
  if (accuracyOnly) {
    const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    const key = (r) => `${r.model}|${r.data}|${r.engine}`;
    const fresh = new Set(s.accuracy.map(key));
    const kept = (old.enginesAccuracy?.rows ?? []).filter((r) => !fresh.has(key(r)));
    const rows = [...kept, ...s.accuracy];
    reportAccuracy(rows);
    const load = os.loadavg().map((l) => l.toFixed(1));
    writeFileSync(
      file,
      JSON.stringify({ ...old, enginesAccuracy: { env: { ...env, load }, rows } }, null, 2),
    );
    return;
  }
  if (deepOnly) {
    reportDeep(s.deep);
    const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    writeFileSync(file, JSON.stringify({ ...old, deep: { env, rows: s.deep } }, null, 2));
    return;
  }
  if (enginesOnly) {
    reportEngines(s.engines);
    const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    writeFileSync(file, JSON.stringify({ ...old, engines: { env, rows: s.engines } }, null, 2));
    return;
  }
  if (projectionOnly) {
    reportProjection(s.projection);
    reportExplorer(s.explorer);
    reportImport(s.importRows);
    // Keep the training rows of the last full run; replace only the projection parts.
    const old = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    writeFileSync(
      file,
      JSON.stringify({ ...old, projection, explorer, import: s.importRows }, null, 2),
    );
    return;
  }
  const head = [
    'case',
    'backend',
    'opt',
    'batch',
    'table rows',
    'ms/step',
    'rows/s',
    'stock ms/step',
    'x stock',
    'plain JS rows/s',
    'x plain',
    'tensors',
  ];
  const rows = s.rows.map((r) => [
    r.case,
    r.backend,
    r.optimizer,
    fmt(r.batch),
    fmt(r.tableRows),
    fmt(r.msPerStep, 1),
    fmt(r.rowsPerSecond),
    fmt(r.stockMsPerStep, 0),
    r.stockMsPerStep == null ? '—' : `${fmt(r.stockMsPerStep / r.msPerStep, 0)}x`,
    fmt(r.plainRowsPerSecond),
    r.plainRowsPerSecond == null ? '—' : `${fmt(r.rowsPerSecond / r.plainRowsPerSecond, 2)}x`,
    r.tensorsBefore === r.tensorsAfter ? 'flat' : `${r.tensorsBefore}->${r.tensorsAfter}`,
  ]);
  table(head, rows);
  console.log('\nSparse path vs stock autodiff (max |difference| of the tables):');
  for (const c of s.checks) console.log(`  ${c.name}: ${c.maxDiff.toExponential(2)}`);
  reportEngines(s.engines);
  reportDeep(s.deep);
  reportProjection(s.projection);
  reportExplorer(s.explorer);
  reportImport(s.importRows);
  const results = {
    engines: { env, rows: s.engines },
    deep: { env, rows: s.deep },
    env,
    quick,
    rows: s.rows,
    checks: s.checks,
    projection,
    explorer,
    import: s.importRows,
  };
  writeFileSync(file, JSON.stringify(results, null, 2));
}

/** Training engines on the sample: rows/s, x stock tfjs, x the plain per-rating loop. */
function reportEngines(rows) {
  if (!rows?.length) return;
  console.log('\nTraining engines on the sample (80% split, dim 32, batch 4,096, Adam):\n');
  const of = (r, prefix) => rows.find((o) => o.model === r.model && o.engine.startsWith(prefix));
  table(
    ['model', 'engine', 'threads', 'rows/s', 'x stock tfjs', 'x plain loop', 'note'],
    rows.map((r) => {
      const stock = of(r, 'stock')?.rowsPerSecond;
      const plain = of(rows[0], 'plain')?.rowsPerSecond;
      return [
        r.model,
        r.engine,
        String(r.threads),
        fmt(r.rowsPerSecond),
        stock ? `${fmt(r.rowsPerSecond / stock, 1)}x` : '—',
        plain ? `${fmt(r.rowsPerSecond / plain, 2)}x` : '—',
        r.note,
      ];
    }),
  );
}

/** One epoch of the deep models (and SVD++) per tfjs engine, on the sample and a 1M-row file. */
function reportDeep(rows) {
  if (!rows?.length) return;
  console.log(
    '\nDeep models, one epoch per tfjs engine (model defaults; seconds of training steps):\n',
  );
  table(
    ['model', 'data', 'engine', 'backend', 's/epoch', 'rows/s', 'note'],
    rows.map((r) => [
      r.model,
      r.data,
      r.engine,
      r.backend,
      fmt(r.seconds, 2),
      fmt(r.rowsPerSecond),
      r.note,
    ]),
  );
}

/**
 * Held-out metric per engine beside the WebGL run's on the same data (the reference), against the
 * issues' targets: RMSE within 0.003 (issue 15), Recall@20 within 0.005 (issue 18).
 */
function reportAccuracy(rows) {
  if (!rows?.length) return;
  const target = { rmse: 0.003, recall20: 0.005 };
  console.log(
    '\nHeld-out metric per training engine (same settings and seed 42; test part at the epoch ' +
      'chosen on validation):\n',
  );
  table(
    ['model', 'data', 'engine', 'dim', 'epoch (of)', 'metric', 'value', '|Δ WebGL|', 'within', 's'],
    rows.map((r) => {
      const ref = rows.find(
        (o) => o.model === r.model && o.data === r.data && o.engine === 'webgl',
      );
      const diff = r.value != null && ref?.value != null ? Math.abs(r.value - ref.value) : null;
      const within =
        r.engine === 'webgl'
          ? 'reference'
          : diff == null
            ? '—'
            : diff <= target[r.metric]
              ? 'yes'
              : 'no';
      return [
        r.model,
        r.data,
        r.engine,
        String(r.dim),
        `${r.selectedEpoch ?? '—'} (${r.epochs})`,
        r.metric === 'rmse' ? 'RMSE' : 'Recall@20',
        r.value == null ? `— ${r.note}` : fmt(r.value, 4),
        r.engine === 'webgl' ? '—' : fmt(diff, 4),
        within === 'yes' || within === 'no' ? `${within} (≤ ${target[r.metric]})` : within,
        fmt(r.seconds),
      ];
    }),
  );
}

/** UMAP to 3D, the app's (through its projection session) beside umap-js alone on the same points. */
function reportProjection(rows) {
  if (rows.length === 0) return;
  console.log(
    '\nProjection (UMAP to 3D; wall ms in a worker; purity: 10 layout neighbours in the same',
  );
  console.log(
    'planted cluster; recall: 14 exact cosine neighbours among the 14 nearest in the layout):\n',
  );
  const ours = (r) => rows.find((o) => o.case === r.case && o.method.startsWith('app'));
  table(
    [
      'case',
      'method',
      'epochs',
      'first layout ms',
      'finished ms',
      'x faster',
      'purity@10',
      'recall@14',
    ],
    rows.map((r) => [
      r.case,
      r.method,
      fmt(r.epochs),
      fmt(r.firstLayoutMs),
      fmt(r.finishedMs),
      r === ours(r) || !ours(r) ? '—' : `${fmt(r.finishedMs / ours(r).finishedMs, 1)}x`,
      fmt(r.purity, 3),
      fmt(r.recall, 3),
    ]),
  );
}

/** The map's frame time while orbiting with hover picking, and exact neighbour queries. */
function reportExplorer(e) {
  if (!e) return;
  const f = e.frame;
  const n = e.neighbours;
  console.log(`\nExplorer (WebGL: ${f.renderer ?? 'none'}):\n`);
  table(
    ['case', 'points', 'mean ms', 'p95 ms', 'pick ms', 'fps'],
    [
      [
        'frame: orbit + hover pick',
        fmt(f.points),
        fmt(f.meanMs, 1),
        fmt(f.p95Ms, 1),
        fmt(f.pickMs, 1),
        fmt(f.fps, 1),
      ],
      [
        `neighbours: k ${n.k}, dim ${n.dim}, ${n.queries} queries`,
        fmt(n.points),
        fmt(n.meanMs, 1),
        fmt(n.maxMs, 1),
        '—',
        '—',
      ],
    ],
  );
}

/** The streaming import of a generated ratings file (decode, parse, typed columns). */
function reportImport(rows) {
  if (!rows?.length) return;
  console.log("\nImport (the app's streaming reader, in the page; best of 3):\n");
  table(
    ['case', 'rows', 'MB', 'ms', 'rows/s', 'bytes/row'],
    rows.map((r) => [
      r.case,
      fmt(r.rows),
      fmt(r.megabytes, 1),
      fmt(r.ms),
      fmt(r.rowsPerSecond),
      fmt(r.bytesPerRow, 1),
    ]),
  );
  const large = rows.find((r) => r.memory);
  if (large) {
    const { baselineMb, peakMb } = large.memory;
    console.log(
      `\nTab memory during the ${fmt(large.rows)}-row import (renderer RSS): ${fmt(baselineMb)} MB before, ` +
        `${fmt(peakMb)} MB at the peak: ${fmt(((peakMb - baselineMb) * 2 ** 20) / large.rows, 1)} bytes a row at the peak.`,
    );
  }
}
