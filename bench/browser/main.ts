/**
 * The benchmark page (bench.html): runs the suite in a worker on the webgl backend and exposes the
 * results on window.__bench for bench/run.mjs. `?quick=1` runs a seconds-long smoke,
 * `?projection=only` only the projection rows.
 */
import type {
  BenchData,
  BenchEvent,
  BenchRequest,
  BenchRow,
  DeepRow,
  EngineAccuracyRow,
  EngineRow,
  ProjectionRow,
} from './protocol';
import {
  frameTimeBench,
  neighbourBench,
  type FrameBenchResult,
  type NeighbourBenchResult,
} from './explorer-bench';
import { importBench, type ImportBenchRow } from './import-bench';
import { fetchSampleRatings } from './sample-ratings';

interface BenchState {
  status: 'running' | 'done' | 'error';
  /** Set while the 25M-row import runs, so bench/run.mjs can sample the tab's memory then. */
  phase?: 'import-large';
  env: Extract<BenchEvent, { type: 'env' }> | null;
  rows: BenchRow[];
  /** Training engines on the sample (bench/browser/engines.ts). */
  engines: EngineRow[];
  /** The deep models' epochs per tfjs engine (bench/browser/deep.ts). */
  deep: DeepRow[];
  /** Held-out metric per training engine (bench/browser/engines-accuracy.ts). */
  accuracy: EngineAccuracyRow[];
  projection: ProjectionRow[];
  /** The map's frame time and neighbour queries (on this page: they need its canvas). */
  explorer: { frame: FrameBenchResult; neighbours: NeighbourBenchResult } | null;
  /** Reading a generated ratings file through the app's streaming import. */
  importRows: ImportBenchRow[];
  checks: { name: string; maxDiff: number }[];
  memory: Extract<BenchEvent, { type: 'memory' }>[];
  log: string[];
  error: string | null;
}

const state: BenchState = {
  status: 'running',
  env: null,
  rows: [],
  engines: [],
  deep: [],
  accuracy: [],
  projection: [],
  explorer: null,
  importRows: [],
  checks: [],
  memory: [],
  log: [],
  error: null,
};
(window as unknown as { __bench: BenchState }).__bench = state;
const out = document.getElementById('log')!;
const say = (line: string) => {
  state.log.push(line);
  out.textContent += line + '\n';
};

async function loadSample(): Promise<BenchData> {
  const d = await fetchSampleRatings(
    `${import.meta.env.BASE_URL}samples/ml-latest-small/ratings.csv`,
  );
  // The app trains on the 80% split; the bench times the same number of rows per epoch.
  const n = Math.round(d.user.length * 0.8);
  return {
    users: d.userIds.length,
    items: d.itemIds.length,
    user: d.user.slice(0, n),
    item: d.item.slice(0, n),
    rating: d.rating.slice(0, n),
  };
}

const params = new URLSearchParams(location.search);
const quick = params.get('quick') === '1';
const cpu = !quick && params.get('cpu') !== '0';
const profile = params.get('profile') === '1';
const projectionOnly = params.get('projection') === 'only';
const enginesOnly = params.get('engines') === 'only';
const deepOnly = params.get('deep') === 'only';
const accuracyOnly = params.get('accuracy') === 'only';
const list = (key: string) => params.get(key)?.split(',') ?? null;
const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (ev: MessageEvent<BenchEvent>) => {
  const e = ev.data;
  if (e.type === 'env') {
    state.env = e;
    say(
      `backend ${e.backend} · ${e.renderer ?? 'no renderer'}${e.fallbackReason ? ` · ${e.fallbackReason}` : ''}`,
    );
  } else if (e.type === 'progress') say(e.message);
  else if (e.type === 'engine') state.engines.push(e.row);
  else if (e.type === 'deep') state.deep.push(e.row);
  else if (e.type === 'accuracy') state.accuracy.push(e.row);
  else if (e.type === 'row') {
    state.rows.push(e.row);
    say(`  ${e.row.rowsPerSecond.toFixed(0)} rows/s, ${e.row.msPerStep.toFixed(1)} ms/step`);
  } else if (e.type === 'projection') {
    state.projection.push(e.row);
    const r = e.row;
    say(
      `  ${r.method}: first layout ${r.firstLayoutMs.toFixed(0)} ms, finished ${r.finishedMs.toFixed(0)} ms, purity ${r.purity.toFixed(3)}, recall ${r.recall.toFixed(3)}`,
    );
  } else if (e.type === 'check') {
    state.checks.push({ name: e.name, maxDiff: e.maxDiff });
    say(`check ${e.name}: max |sparse - stock| = ${e.maxDiff.toExponential(2)}`);
  } else if (e.type === 'memory') {
    state.memory.push(e);
    const show = (m: typeof e.before) => `${m.tensors} tensors, ${m.gpuBytes ?? '—'} GPU bytes`;
    say(`memory ${e.name}: ${show(e.before)} -> after ${e.steps} steps ${show(e.after)}`);
  } else if (e.type === 'done') {
    if (enginesOnly || deepOnly || accuracyOnly) state.status = 'done';
    else void explorerBench();
  } else {
    state.status = 'error';
    state.error = e.message;
    say(`error: ${e.message}`);
  }
};
/**
 * After the worker's suite (so the two do not share the CPU): the map, neighbour queries, and the
 * import of a generated file.
 */
async function explorerBench(): Promise<void> {
  try {
    const points = quick ? 10_000 : 100_000;
    say(`explorer: ${points.toLocaleString('en-US')} points, orbiting with hover picking`);
    const frame = await frameTimeBench(points, quick ? 10 : 60);
    say(
      `  ${frame.meanMs.toFixed(1)} ms a frame (p95 ${frame.p95Ms.toFixed(1)}), picking ${frame.pickMs.toFixed(1)} ms: ${frame.fps.toFixed(1)} fps`,
    );
    const neighbours = neighbourBench(points);
    say(
      `  neighbours over ${points.toLocaleString('en-US')} x ${neighbours.dim}: ${neighbours.meanMs.toFixed(1)} ms (max ${neighbours.maxMs.toFixed(1)})`,
    );
    state.explorer = { frame, neighbours };
    const rows = quick ? 20_000 : 1_000_000;
    say(`import: ${rows.toLocaleString('en-US')} rows`);
    // The full run also reads 25,000,000 generated rows (MovieLens 25M's size) as a stream.
    state.importRows = await importBench(
      rows,
      quick ? 1 : 3,
      (!quick && !projectionOnly) || params.get('large') === '1' ? 25_000_000 : 0,
      (running) => (state.phase = running ? 'import-large' : undefined),
    );
    for (const r of state.importRows)
      say(
        `  ${r.case}: ${r.ms.toFixed(0)} ms, ${Math.round(r.rowsPerSecond).toLocaleString('en-US')} rows/s`,
      );
    state.status = 'done';
  } catch (err) {
    state.status = 'error';
    state.error = err instanceof Error ? err.message : String(err);
    say(`error: ${state.error}`);
  }
}

worker.onerror = (e) => {
  state.status = 'error';
  state.error = e.message;
};
const req: BenchRequest = {
  type: 'run',
  quick,
  cpu,
  profile,
  projectionOnly,
  enginesOnly,
  deepOnly,
  deepEngines: params.get('deep-engines')?.split(',') ?? null,
  deepModels: params.get('deep-models')?.split(',') ?? null,
  deepData: (params.get('deep-data') as 'sample' | 'large' | null) ?? null,
  accuracy: accuracyOnly
    ? {
        sampleUrl: new URL(
          `${import.meta.env.BASE_URL}samples/ml-latest-small/ratings.csv`,
          location.href,
        ).href,
        models: list('accuracy-models'),
        engines: list('accuracy-engines'),
        users: Number(params.get('accuracy-users')) || null,
      }
    : null,
  // WEBGL_* query parameters are set as tfjs flags in the worker (for experiments).
  flags: Object.fromEntries([...params].filter(([k]) => k.startsWith('WEBGL_'))),
  // The quick smoke times the engines too (on the sample); the projection-only run does not.
  sample: projectionOnly || accuracyOnly ? null : await loadSample(),
};
worker.postMessage(req);
