// The bench's scale rows (issue 15): a MovieLens-25M-shaped ratings file (162,000 users x 59,000
// items at 25M rows; Zipf item popularity, skewed user activity) generated on disk, then in the
// app itself: the import (file input -> "Use this data" -> data set loaded), biased MF chosen
// ("Use biased MF (ratings)") and the engines calibrated for it, one epoch, ten epochs
// with the live map, the end-of-run ranking report, the final map, the tab's memory (the largest
// renderer's RSS: typed arrays live outside the JS heap) and the main thread's long tasks
// (PerformanceObserver 'longtask'), each named by the phase it fell in.
// Smaller sizes keep the shape: users scale with the rows (about 154 ratings a user), the
// catalogue stays 59,000 items.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';

const FULL_ROWS = 25_000_000;
const FULL_USERS = 162_000;
const ITEMS = 59_000;
/** How long the final map is waited for (SCALE_MAP_WAIT_MS, ms). */
const MAP_WAIT_MS = Number(process.env.SCALE_MAP_WAIT_MS ?? 10 * 60_000);
/**
 * SCALE_PROFILE=file.cpuprofile: a CPU profile of the page's main thread from Train to the
 * final map (Chrome DevTools' format; `node bench/long-tasks.mjs file` names what each long
 * task spent its time in).
 */
const PROFILE = process.env.SCALE_PROFILE;
/**
 * SCALE_TRACE=file.json: a Chrome trace (devtools.timeline) of the tab from epoch 2 to the final map, which
 * says what the native part of each long task was (layout, paint, a message's deserialisation)
 * and how much of its wall time the thread actually ran (`tdur`): `node bench/long-tasks.mjs`
 * reads it too.
 */
const TRACE = process.env.SCALE_TRACE;
/**
 * SCALE_WORKER_PROFILE=file.cpuprofile: a CPU profile of the training worker from Train to the
 * end of the ranking report (the run's setup before its first step, its epochs' evaluation and
 * the report), read as SCALE_PROFILE's.
 */
const WORKER_PROFILE = process.env.SCALE_WORKER_PROFILE;

/**
 * SCALE_MEMORY=1: at the end of each phase, every JS context's heap (the page and each of its
 * dedicated workers: `Runtime.getHeapUsage`, whose `backingStorageSize` counts the context's
 * ArrayBuffers but not its shared memory) and the tab's memory dump, in `memory.byContext`.
 */
const MEMORY = process.env.SCALE_MEMORY === '1';

/**
 * The page's dedicated workers through its DevTools session (workers are attached as child
 * targets): `send(url part, method, params)` runs a DevTools command in the first worker whose
 * script URL contains it; `urls()` lists those attached so far.
 */
async function pageWorkers(page) {
  const cdp = await page.context().newCDPSession(page);
  let id = 0;
  const waiting = new Map();
  const sessions = new Map();
  const arrivals = [];
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type !== 'worker') return;
    sessions.set(e.targetInfo.url, e.sessionId);
    for (const f of arrivals.splice(0)) f();
  });
  cdp.on('Target.detachedFromTarget', (e) => {
    for (const [url, sid] of sessions) if (sid === e.sessionId) sessions.delete(url);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    const key = `${e.sessionId}/${m.id}`;
    if (m.id !== undefined && waiting.has(key)) {
      waiting.get(key)(m.result ?? null);
      waiting.delete(key);
    }
  });
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });
  const find = (name) => [...sessions].find(([url]) => url.includes(name))?.[1];
  const send = (sessionId, method, params = {}) =>
    new Promise((resolve) => {
      const k = ++id;
      waiting.set(`${sessionId}/${k}`, resolve);
      void cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id: k, method, params }),
      });
    });
  return {
    cdp,
    urls: () => [...sessions.keys()],
    async send(name, method, params) {
      while (!find(name)) await new Promise((r) => arrivals.push(r));
      return send(find(name), method, params);
    },
  };
}

/** Each context's heap in MB: the page's and every attached worker's, by script name. */
async function heapByContext(page, workers) {
  const mb = (u) =>
    u && {
      usedMb: Math.round(u.usedSize / 2 ** 20),
      arrayBuffersMb: Math.round((u.backingStorageSize ?? 0) / 2 ** 20),
    };
  const out = { page: mb(await workers.cdp.send('Runtime.getHeapUsage')) };
  for (const url of workers.urls()) {
    const name = url
      .split('/')
      .pop()
      .replace(/-[\w-]{8}\.js$/, '');
    out[name] = mb(await workers.send(url, 'Runtime.getHeapUsage'));
  }
  return out;
}

/**
 * Chrome's memory-infra dump of the tab: the renderer with the largest private footprint, and
 * its allocators' sizes in MB (partition_alloc's array buffers, V8's heaps, malloc...), the
 * largest first. WebAssembly memories and shared memory are in the footprint only, and the
 * allocators are missing once the row engine's kernel workers exist: they wait on their
 * barriers, and a dump needs every thread to answer.
 */
async function memoryDump(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  try {
    await cdp.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: {
        includedCategories: ['disabled-by-default-memory-infra'],
        memoryDumpConfig: { triggers: [] },
      },
    });
    await cdp.send('Tracing.requestMemoryDump', { levelOfDetail: 'light' });
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.end');
    await done;
  } finally {
    await cdp.detach();
  }
  const mb = (hex) => Math.round(Number.parseInt(hex ?? '0', 16) / 2 ** 20);
  const renderers = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'process_name' && e.args?.name === 'Renderer')
      .map((e) => e.pid),
  );
  const dumps = events.filter((e) => e.ph === 'v' && e.args?.dumps && renderers.has(e.pid));
  // A process's totals and its allocators come in separate events.
  const footprint = (e) => mb(e.args.dumps.process_totals?.private_footprint_bytes);
  const top = dumps.sort((a, b) => footprint(b) - footprint(a))[0];
  if (!top) return null;
  const allocators = Object.assign(
    {},
    ...dumps.filter((e) => e.pid === top.pid).map((e) => e.args.dumps.allocators ?? {}),
  );
  const sizes = Object.entries(allocators)
    .filter(([name]) => name.split('/').length <= 2 || name.endsWith('/array_buffer'))
    .map(([name, a]) => [name, mb(a.attrs?.size?.value)])
    .filter(([, x]) => x >= 10)
    .sort((a, b) => b[1] - a[1]);
  return { footprintMb: footprint(top), allocators: Object.fromEntries(sizes) };
}

/** A CPU profile of the page's dedicated worker whose script URL contains `name`; its `stop()`. */
async function profileWorker(page, name) {
  const workers = await pageWorkers(page);
  await workers.send(name, 'Profiler.enable');
  await workers.send(name, 'Profiler.setSamplingInterval', { interval: 1000 });
  await workers.send(name, 'Profiler.start');
  return async () => {
    const { profile } = await workers.send(name, 'Profiler.stop');
    await workers.cdp.detach();
    return profile;
  };
}

/** mulberry32: the seeded generator the app's own tests use. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative Zipf weights over n ranks with exponent s (rank 1 the most popular). */
function zipfTable(n, s) {
  const c = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) c[r] = sum += 1 / Math.pow(r + 1, s);
  for (let r = 0; r < n; r++) c[r] /= sum;
  return c;
}

/** The rank whose cumulative weight first reaches u (binary search). */
function draw(c, u) {
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Writes `rows` ratings to `path` (CSV: userId,movieId,rating,timestamp) unless a file of that
 * name exists; returns its size and shape. Each user's ratings are contiguous and distinct, as
 * in MovieLens.
 */
export async function generateRatings(path, rows) {
  const users = Math.max(100, Math.round((FULL_USERS * rows) / FULL_ROWS));
  if (existsSync(path)) return { path, rows, users, items: ITEMS, bytes: statSync(path).size };
  const random = mulberry32(25);
  const items = zipfTable(ITEMS, 1.0);
  // User activity: Zipf too (a few users rate thousands), each user at least 20 as in ML-25M.
  const activity = zipfTable(users, 0.6);
  const counts = new Int32Array(users).fill(20);
  for (let r = users * 20; r < rows; r++) counts[draw(activity, random())]++;
  const out = createWriteStream(path);
  let buf = 'userId,movieId,rating,timestamp\n';
  for (let u = 0; u < users; u++) {
    // A user rates an item once (as in MovieLens): a repeated draw is drawn again.
    const seen = new Set();
    const n = Math.min(counts[u], ITEMS >> 1);
    for (let k = 0; k < n; k++) {
      let item = 1 + draw(items, random());
      while (seen.has(item)) item = 1 + draw(items, random());
      seen.add(item);
      const stars = (1 + Math.floor(random() * 10)) / 2;
      buf += `${u + 1},${item},${stars},${789652009 + Math.floor(random() * 8e8)}\n`;
    }
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return { path, rows, users, items: ITEMS, bytes: statSync(path).size };
}

/** The largest Chromium renderer's RSS in MB (the app's tab). */
function rendererMb() {
  const lines = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' }).split('\n');
  const rss = lines
    .filter((l) => l.includes('--type=renderer'))
    .map((l) => Number.parseInt(l, 10) / 1024);
  return Math.max(0, ...rss);
}

/** Runs the app on the generated file; returns the timings, memory and long tasks. */
export async function scaleRow(browser, base, file, log = console.error) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  let phase = 'open';
  let peakMb = 0;
  const peaks = {};
  const byContext = {};
  const sampler = setInterval(() => {
    const mb = rendererMb();
    peakMb = Math.max(peakMb, mb);
    peaks[phase] = Math.max(peaks[phase] ?? 0, mb);
  }, 250);
  try {
    page.on('pageerror', (e) => log(`scale page: ${e.message}`));
    await page.addInitScript(() => {
      window.__longtasks = [];
      window.__phase = 'open';
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          window.__longtasks.push({ start: e.startTime, ms: e.duration, phase: window.__phase });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${base}?sample=none`);
    await page.waitForFunction(() => window.__lab !== undefined, null, { timeout: 60_000 });
    const snap = () => page.evaluate(() => window.__lab.snapshot());
    const workers = MEMORY ? await pageWorkers(page) : null;
    const setPhase = async (p) => {
      if (workers) {
        byContext[phase] = await heapByContext(page, workers);
        byContext[phase].tab = await memoryDump(browser);
        log(`scale: memory at the end of ${phase}: ${JSON.stringify(byContext[phase])}`);
      }
      phase = p;
      await page.evaluate((x) => (window.__phase = x), p);
      log(`scale: ${p}`);
    };
    // A long wait says every 30 s where the page is (and ends on an error the page reports).
    const wait = async (fn, arg, timeout = 3_600_000) => {
      const said = setInterval(
        () =>
          page
            .evaluate(() => {
              const s = window.__lab.snapshot();
              const t = s.training;
              return {
                status: t.status,
                epochs: t.history.length,
                engine: t.engine,
                calibrating: t.calibrating,
                projection: s.projection.status,
                errors: s.errors.map((e) => e.message),
              };
            })
            .then(
              (x) => log(`scale: ${phase}: ${JSON.stringify(x)}`),
              () => undefined,
            ),
        30_000,
      );
      try {
        return await page.waitForFunction(fn, arg, { timeout, polling: 100 });
      } finally {
        clearInterval(said);
      }
    };
    const t = {};
    const clock = () => Date.now();

    await setPhase('import');
    let t0 = clock();
    await page.getByLabel('Interactions file').setInputFiles(file.path);
    const use = page.getByRole('button', { name: 'Use this data' });
    await use.waitFor({ timeout: 600_000 });
    t.previewMs = clock() - t0;
    t0 = clock();
    await use.click();
    await wait(() => window.__lab.snapshot().dataset !== null);
    t.importMs = clock() - t0 + t.previewMs;
    const loaded = (await snap()).dataset;
    const afterImportMb = rendererMb();
    log(`scale: imported ${loaded.rows} rows, ${loaded.users} users x ${loaded.items} items`);
    // The map the data opens with (if any) is not part of training.
    await wait(() => window.__lab.snapshot().projection.status !== 'running');
    // The model (as the app rows: bench/app-row.mjs), then the page's calibration of
    // the engines for it, which a person waits for before Train (its time is its own row).
    await setPhase('calibration');
    t0 = clock();
    await page.getByRole('button', { name: 'Use biased MF (ratings)' }).click();
    await wait(() => {
      const x = window.__lab.snapshot().training;
      return x.engine !== null && !x.calibrating;
    });
    t.calibrationMs = clock() - t0;

    const profiler = PROFILE ? await page.context().newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 1000 });
      await profiler.send('Profiler.start');
    }
    const stopWorkerProfile = WORKER_PROFILE ? await profileWorker(page, 'training') : null;
    await setPhase('train');
    t0 = clock();
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await wait(() => window.__lab.snapshot().training.history.length >= 1);
    t.firstEpochMs = clock() - t0;
    // What the run did before its first step (the split, reused from the calibration or not;
    // the engine's trainer; the baselines), from the page's own account.
    t.setup = (await snap()).training.setup;
    log(`scale: first epoch in ${t.firstEpochMs} ms, setup ${JSON.stringify(t.setup)}`);
    await setPhase('epochs 2-10');
    if (TRACE)
      await browser.startTracing(page, {
        path: TRACE,
        categories: [
          'toplevel',
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'v8',
          // What the GPU process and the compositor did (raster, WebGL, canvas): a long task
          // with little thread time waited for them.
          'gpu',
          'cc',
        ],
      });
    await wait(() => {
      const x = window.__lab.snapshot().training;
      return x.history.length >= x.epochsTotal || ['done', 'error', 'stopped'].includes(x.status);
    });
    t.tenEpochsMs = clock() - t0;
    await setPhase('ranking report');
    const t1 = clock();
    await wait(() =>
      ['done', 'error', 'stopped'].includes(window.__lab.snapshot().training.status),
    );
    t.reportMs = clock() - t1;
    if (stopWorkerProfile) {
      writeFileSync(WORKER_PROFILE, JSON.stringify(await stopWorkerProfile()));
      log(`scale: training worker's profile in ${WORKER_PROFILE}`);
    }
    log(`scale: so far ${JSON.stringify(t)}`);
    await setPhase('final map');
    // The last layout of tens of thousands of points can take minutes on busy cores: waited
    // for up to MAP_WAIT_MS, else said as not finished (null).
    t.toMapMs = await wait(
      () => {
        const s = window.__lab.snapshot();
        return (
          s.projection.status !== 'running' &&
          s.projection.epoch === (s.training.test?.epoch ?? s.training.history.length)
        );
      },
      undefined,
      MAP_WAIT_MS,
    ).then(
      () => clock() - t0,
      () => null,
    );
    if (TRACE) {
      await browser.stopTracing();
      log(`scale: trace from epoch 2 to the final map in ${TRACE}`);
    }
    if (profiler) {
      const { profile } = await profiler.send('Profiler.stop');
      writeFileSync(PROFILE, JSON.stringify(profile));
      log(`scale: main-thread profile in ${PROFILE}`);
    }
    await setPhase('end');
    const s = await snap();
    const long = await page.evaluate(() => window.__longtasks);
    const worst = [...long].sort((a, b) => b.ms - a.ms);
    return {
      file: {
        rows: file.rows,
        users: file.users,
        items: file.items,
        megabytes: file.bytes / 2 ** 20,
      },
      loaded,
      engine: s.training.engine,
      engines: s.training.engines,
      status: s.training.status,
      error: s.training.error,
      trainRows: s.training.trainRows,
      epochs: s.training.history.length,
      // Each epoch's own time (its steps, evaluation and snapshot), as the worker measured it.
      epochSeconds: s.training.history.map((h) => h.seconds),
      test: s.training.test,
      points: s.projection.points,
      sampled: s.projection.sampled,
      ...t,
      memory: { afterImportMb, peakMb, byPhase: peaks, ...(workers ? { byContext } : {}) },
      longTasks: {
        count: long.length,
        over200: long.filter((x) => x.ms > 200).length,
        // Tasks over 200 ms per phase (the bound), with the longest of each phase.
        over200ByPhase: Object.fromEntries(
          [...new Set(long.map((x) => x.phase))].map((p) => {
            const of = long.filter((x) => x.phase === p);
            return [
              p,
              {
                over200: of.filter((x) => x.ms > 200).length,
                maxMs: Math.max(...of.map((x) => x.ms)),
              },
            ];
          }),
        ),
        maxMs: worst[0]?.ms ?? 0,
        worst: worst.slice(0, 8),
      },
    };
  } finally {
    clearInterval(sampler);
    await page.close();
  }
}
