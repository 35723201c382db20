/**
 * Held-out accuracy per training engine (issues 15 and 18): each model trained on the built-in
 * sample through the page's own TrainingSession and the training worker's engine hook, once per
 * engine it offers (WebGL the reference; 'cpu' on tfjs wasm; WebGPU; the typed-array row engine
 * 'cpu-parallel' for the models it trains), with the same settings and seed. Each row is the test
 * part scored once at the epoch chosen on validation: RMSE for the rating models, Recall@20 for
 * the ranking ones. bench/run.mjs --engines-accuracy prints them beside the WebGL row's value.
 *
 * Epochs and dimensions are pinned small (CASES) so the WebGL runs on a software renderer fit in
 * minutes; they are the same for every engine of a model, which is all the comparison needs.
 */
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { TrainingSession } from '../../src/core/training/session';
import {
  trainingPayload,
  type TrainingDataPayload,
  type TrainingEvent,
} from '../../src/core/training/session-messages';
import { fetchSampleRatings } from './sample-ratings';
import { modelInfo } from '../../src/core/models/catalog';
import type { EnginePreference } from '../../src/core/engines/types';
import { workerEngines } from '../../src/worker/training/engines';
import type { EngineAccuracyRequest, EngineAccuracyRow } from './protocol';

/** The issues' targets: |metric - WebGL's| for RMSE (issue 15) and Recall@20 (issue 18). */
export const TARGET = { rmse: 0.003, recall20: 0.005 } as const;

interface Case {
  model: string;
  settings: Partial<TrainConfig>;
  engines: EnginePreference[];
}

/**
 * The models and their engines. Dimensions and epochs are pinned so each WebGL run on
 * SwiftShader takes a minute or two (autorec ~26 s an epoch, svdpp ~25 s at dim 32).
 */
const CASES: Case[] = [
  { model: 'biased-mf', settings: { epochs: 10 }, engines: ['webgl', 'cpu', 'cpu-parallel'] },
  { model: 'bpr', settings: { epochs: 10 }, engines: ['webgl', 'cpu', 'cpu-parallel'] },
  {
    model: 'svdpp',
    settings: { dim: 32, epochs: 3 },
    engines: ['webgl', 'cpu', 'cpu-parallel', 'webgpu'],
  },
  { model: 'autorec', settings: { epochs: 3 }, engines: ['webgl', 'cpu', 'webgpu'] },
  { model: 'youtube-dnn', settings: { epochs: 4 }, engines: ['webgl', 'cpu', 'webgpu'] },
];

/**
 * The rows of the first `users` users (all items kept): the smaller case for engines too slow
 * for the whole sample (WebGPU on SwiftShader runs about 100x slower than wasm).
 */
export function firstUsers(p: TrainingDataPayload, users: number): TrainingDataPayload {
  const keep: number[] = [];
  for (let r = 0; r < p.user.length; r++) if (p.user[r] < users) keep.push(r);
  const pick = <T extends Int32Array | Float32Array | Uint32Array | Float64Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(keep.length);
    keep.forEach((r, k) => (out[k] = a[r]));
    return out;
  };
  return {
    ...p,
    users: Math.min(users, p.users),
    user: pick(p.user),
    item: pick(p.item),
    rating: pick(p.rating),
    timestamp: p.timestamp && pick(p.timestamp),
  };
}

/** One run through the session with the engine asked for; its test report as a row. */
async function run(
  data: TrainingDataPayload,
  dataName: string,
  c: Case,
  engine: EnginePreference,
): Promise<EngineAccuracyRow> {
  const info = modelInfo(c.model);
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    model: c.model,
    ...info.defaults,
    ...c.settings,
  };
  const events: TrainingEvent[] = [];
  const session = new TrainingSession((e) => events.push(e), 1e9, workerEngines);
  const t0 = performance.now();
  session.handle({ type: 'train', data, config, engine });
  await session.whenIdle();
  const seconds = (performance.now() - t0) / 1000;
  const used = events.find((e) => e.type === 'engine');
  const backend = events.filter((e) => e.type === 'backend').at(-1);
  const test = events.find((e) => e.type === 'test');
  const error = events.find((e) => e.type === 'error');
  const started = events.find((e) => e.type === 'started');
  const rmse = !!(started?.type === 'started' && started.predictsRatings);
  const metric = rmse ? 'rmse' : 'recall20';
  const row: EngineAccuracyRow = {
    model: c.model,
    data: dataName,
    engine,
    backend: backend?.type === 'backend' ? backend.backend : null,
    dim: config.dim,
    epochs: config.epochs,
    selectedEpoch: test?.type === 'test' ? test.report.epoch : null,
    metric,
    value: null,
    seconds,
    // Per epoch: the training loss and the validation metric (where two engines part ways).
    history: events.flatMap((e) =>
      e.type === 'epoch'
        ? [{ loss: e.entry.trainLoss, value: (rmse ? e.entry.rmse : e.entry.recallAtK) ?? null }]
        : [],
    ),
    note: '',
  };
  if (error?.type === 'error') return { ...row, note: `failed: ${error.message}` };
  // The hook falls back to another engine when the one asked for cannot train the model: such a
  // run compares nothing, so it is reported as not run.
  if (used?.type !== 'engine' || used.engine !== engine) {
    const why = used?.type === 'engine' ? used.engines.find((e) => e.engine === engine) : null;
    return { ...row, note: `not offered: ${why?.reason ?? 'no engine event'}` };
  }
  if (test?.type !== 'test') return { ...row, note: 'no test report' };
  const value = rmse ? test.report.rmse : test.report.recallAtK;
  return { ...row, value: value ?? null };
}

export async function engineAccuracyRows(
  req: EngineAccuracyRequest,
  say: (line: string) => void,
): Promise<EngineAccuracyRow[]> {
  const sample = trainingPayload(await fetchSampleRatings(req.sampleUrl));
  const sets: [string, TrainingDataPayload][] = req.users
    ? [[`sample, first ${req.users} users`, firstUsers(sample, req.users)]]
    : [['ml-latest-small', sample]];
  const rows: EngineAccuracyRow[] = [];
  for (const [name, data] of sets) {
    for (const c of CASES) {
      if (req.models && !req.models.includes(c.model)) continue;
      for (const engine of c.engines) {
        if (req.engines && !req.engines.includes(engine)) continue;
        say(`accuracy: ${c.model} on ${engine}, ${name}`);
        const row = await run(data, name, c, engine);
        rows.push(row);
        say(
          `  ${row.metric} ${row.value?.toFixed(4) ?? '—'} (epoch ${row.selectedEpoch ?? '—'} of ` +
            `${row.epochs}, ${row.seconds.toFixed(0)} s on ${row.backend ?? '?'}) ${row.note}`,
        );
        const epochs = row.history.map((h) => `${h.loss.toFixed(4)}/${h.value?.toFixed(4)}`);
        say(`  loss/validation per epoch: ${epochs.join(' ')}`);
      }
    }
  }
  return rows;
}
