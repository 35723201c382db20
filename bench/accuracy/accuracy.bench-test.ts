/**
 * The accuracy table: every model trained on the MovieLens sample through the training worker's
 * own session (the same split, binarisation, validation part and metrics as the app), in Node on
 * the backend of bench/tf-backend-setup.ts (TFJS_BACKEND; wasm unless tfjs-node is installed). Each row is the test part scored once at the epoch chosen on validation
 * (the protocol of src/core/training/protocol.ts), as mean ± sd over seeds (the split's and the
 * initial weights'). Writes bench/accuracy/results.json and prints a Markdown table.
 *
 *   npm run bench:accuracy                       every model with its defaults, seeds 42-44
 *   MODELS=svdpp,fm npm run bench:accuracy       some models
 *   SEEDS=1 npm run bench:accuracy               one seed (42)
 *   CASES=implicit npm run bench:accuracy        only the cases whose name or feedback matches
 *   CONFIG='{"epochs":20}' npm run bench:accuracy  settings over the defaults (all models)
 *   ENGINE=tfjs npm run bench:accuracy          every model on tfjs-cpu (default: the models the
 *                                               typed-array row kernel trains run on it, in one
 *                                               thread: src/core/engines/node-engines.ts)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { TrainingSession } from '../../src/core/training/session';
import { serialEngines } from '../../src/core/engines/node-engines';
import { trainingPayload, type TrainingEvent } from '../../src/core/training/session-messages';
import type { TestReport } from '../../src/core/training/protocol';
import type { Dataset } from '../../src/core/data/types';

import { tf } from '../../src/core/tf/tfjs';
import { loadSample } from '../sample';

/** The metrics of a row, each the mean over seeds (with its sd in `sd`). */
type Metric = 'rmse' | 'mae' | 'recall20' | 'ndcg10' | 'auc';
const METRICS: Metric[] = ['rmse', 'mae', 'recall20', 'ndcg10', 'auc'];

export interface AccuracyRow extends Partial<Record<Metric, number | null>> {
  model: string;
  case: string;
  feedback: string;
  split: string;
  /** The selected epochs (one per seed) of the configured epochs. */
  epochs: number;
  selectedEpochs: number[];
  seeds: number[];
  sd: Partial<Record<Metric, number>>;
  seconds: number;
  /** What trained it: 'cpu-parallel' (the row kernel, here in one thread) or 'cpu' (tfjs). */
  engine?: string;
  /** The tfjs backend the seconds were measured on (rows without it: cpu). */
  backend?: string;
  config: Partial<TrainConfig>;
}

/** The session's engine hook: the row kernel where it trains the model, unless ENGINE=tfjs. */
const engines = process.env.ENGINE === 'tfjs' ? null : serialEngines;

/** Trains one configuration to the end and returns its test report and the time. */
async function run(
  d: Dataset,
  config: TrainConfig,
): Promise<{ test: TestReport; seconds: number; feedback: string; engine: string }> {
  const events: TrainingEvent[] = [];
  const session = new TrainingSession((e) => events.push(e), 1e9, engines);
  const started = performance.now();
  session.handle({
    type: 'train',
    config,
    data: trainingPayload(d),
  });
  await session.whenIdle();
  const seconds = (performance.now() - started) / 1000;
  const error = events.find((e) => e.type === 'error');
  if (error && error.type === 'error') throw new Error(`${config.model}: ${error.message}`);
  const test = events.flatMap((e) => (e.type === 'test' ? [e.report] : []))[0];
  const begun = events.find((e) => e.type === 'started');
  if (!test) throw new Error(`${config.model}: no test report`);
  const used = events.find((e) => e.type === 'engine');
  return {
    test,
    seconds,
    engine: used && used.type === 'engine' ? used.engine : 'cpu',
    feedback: begun && begun.type === 'started' ? begun.feedback : '?',
  };
}

/** One row: the case trained once per seed; each metric's mean and sample sd over the seeds. */
async function row(d: Dataset, name: string, config: TrainConfig, seeds: number[]) {
  const runs = [];
  for (const seed of seeds) runs.push(await run(d, { ...config, seed }));
  const value = (t: TestReport, m: Metric): number | undefined =>
    m === 'recall20' ? t.recallAtK : m === 'ndcg10' ? t.ranking?.ndcg10 : t[m];
  const out: AccuracyRow = {
    model: config.model,
    case: name,
    feedback: runs[0].feedback,
    split: config.split,
    epochs: config.epochs,
    selectedEpochs: runs.map((r) => r.test.epoch),
    seeds,
    sd: {},
    seconds: runs.reduce((s, r) => s + r.seconds, 0) / runs.length,
    engine: runs[0].engine,
    backend: tf.getBackend(),
    config,
  };
  for (const m of METRICS) {
    const xs = runs.map((r) => value(r.test, m)).filter((x): x is number => Number.isFinite(x));
    if (!xs.length) continue;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    out[m] = mean;
    out.sd[m] =
      xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  }
  return out;
}

/** The cases of the table: each model with its defaults, plus the cold-start case. */
function cases(): { name: string; config: TrainConfig }[] {
  const only = process.env.MODELS?.split(',');
  const extra = JSON.parse(process.env.CONFIG ?? '{}') as Partial<TrainConfig>;
  const out: { name: string; config: TrainConfig }[] = [];
  for (const m of MODELS) {
    if (only && !only.includes(m.name)) continue;
    const base: TrainConfig = { ...DEFAULT_CONFIG, model: m.name, ...m.defaults, ...extra };
    out.push({ name: 'random 80/20', config: base });
    if (m.usesFeatures)
      out.push({
        name: 'cold-start items',
        config: {
          ...base,
          ...m.implicitDefaults,
          split: 'cold-items',
          feedback: 'implicit',
          ...extra,
        },
      });
    // Models that take both: the other feedback too.
    if (m.kinds.includes('implicit') && m.kinds.includes('explicit') && !m.fitted) {
      const implicit = base.feedback !== 'implicit';
      out.push({
        name: 'random 80/20',
        config: {
          ...base,
          ...(implicit ? m.implicitDefaults : {}),
          feedback: implicit ? 'implicit' : 'explicit',
          ...extra,
        },
      });
    }
  }
  return out;
}

it('trains every model on the sample and writes the accuracy table', async () => {
  const d = loadSample();
  const seeds = Array.from({ length: Number(process.env.SEEDS ?? 3) }, (_, k) => 42 + k);
  const rows: AccuracyRow[] = [];
  const only = process.env.CASES;
  for (const c of cases()) {
    const feedback = c.config.feedback;
    if (only && !`${c.name} ${feedback}`.includes(only)) continue;
    const r = await row(d, c.name, c.config, seeds);
    rows.push(r);
    console.log(JSON.stringify({ ...r, config: undefined }));
    if (!process.env.CONFIG) save([r]);
  }
  console.log(`\n${markdown(rows)}\n`);

  if (!process.env.CONFIG) console.log(`\n${markdown(save([]))}\n`);
});

/**
 * Writes rows into results.json as each finishes (a long run keeps what it measured): runs of
 * some models replace those models' rows; the table in the README is made from the whole file.
 * Rows measured before the validation protocol (no `seeds`) are dropped.
 */
function save(rows: AccuracyRow[]): AccuracyRow[] {
  const file = new URL('results.json', import.meta.url);
  const key = (r: AccuracyRow) => `${r.model}|${r.case}|${r.feedback}`;
  const fresh = new Set(rows.map(key));
  const old = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as AccuracyRow[]).filter(
        (r) => r.seeds && !fresh.has(key(r)),
      )
    : [];
  const order = (r: AccuracyRow) => MODELS.findIndex((m) => m.name === r.model);
  const all = [...old, ...rows].sort((a, b) => order(a) - order(b));
  writeFileSync(file, JSON.stringify(all, null, 2));
  return all;
}

function markdown(rows: AccuracyRow[]): string {
  const f = (r: AccuracyRow, m: Metric) => {
    const x = r[m];
    if (x == null) return '—';
    return r.seeds.length > 1 ? `${x.toFixed(4)} ± ${r.sd[m]!.toFixed(4)}` : x.toFixed(4);
  };
  return [
    '| model | case | feedback | epochs (selected) | RMSE | MAE | Recall@20 | NDCG@10 | AUC | seconds a run (Node backend) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.model}\` | ${r.case} | ${r.feedback} | ${r.epochs} (${r.selectedEpochs.join(', ')}) | ` +
        `${f(r, 'rmse')} | ${f(r, 'mae')} | ${f(r, 'recall20')} | ${f(r, 'ndcg10')} | ${f(r, 'auc')} | ` +
        `${r.seconds.toFixed(1)} (${r.engine === 'cpu-parallel' ? 'row kernel' : (r.backend ?? 'cpu')}) |`,
    ),
  ].join('\n');
}
