/**
 * The typed-array row engine in Node, one thread (serial.ts): seconds per epoch and training rows
 * a second of each model it trains, on the MovieLens sample with the model's defaults (the data
 * prepared as the app prepares it). Evaluation is left out: the time is the steps'.
 *
 *   npm run bench:kernel                  biased-mf, bpr, svdpp, hybrid (explicit and implicit)
 *   MODELS=svdpp npm run bench:kernel     some models
 *   TFJS=1 npm run bench:kernel           one tfjs-cpu epoch of each beside it (slow)
 *   SCALE=25000000 npm run bench:kernel   on generated data of MovieLens 25M's shape instead
 *                                         (the scale row's: 162,000 users x 59,000 items at 25M
 *                                         rows, Zipf items, random dates), sizes in rows
 *   CHUNK_BYTES=4194304 npm run bench:kernel  another chunk size of the epoch's order
 *                                         (src/core/engines/row-order.ts)
 */
import { it } from 'vitest';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { prepareExperiment } from '../../src/core/training/experiment';
import { trainingPayload } from '../../src/core/training/session-messages';
import { Trainer, type ModelTrainer } from '../../src/core/training/trainer';
import { RowEngineTrainer } from '../../src/core/engines/row-trainer';
import { serialExecutor } from '../../src/core/engines/serial';
import { loadSample } from '../sample';
import { emptyFeatureTable, type Dataset } from '../../src/core/data/types';
import { mulberry32 } from '../../src/core/util/random';

/**
 * `rows` ratings in MovieLens 25M's shape (bench/scale-app.mjs writes the same shape as a CSV):
 * users scale with the rows, 59,000 items drawn by Zipf popularity, half-star ratings, dates
 * over 25 years. Built in memory: the engine's time, not the import's.
 */
function scaleShaped(rows: number): Dataset {
  const users = Math.max(100, Math.round((162_000 * rows) / 25_000_000));
  const items = 59_000;
  const random = mulberry32(25);
  const cumulative = new Float64Array(items);
  let sum = 0;
  for (let r = 0; r < items; r++) cumulative[r] = sum += 1 / (r + 1);
  const draw = (u: number) => {
    let [lo, hi] = [0, items - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u * sum) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const user = new Int32Array(rows);
  const item = new Int32Array(rows);
  const rating = new Float32Array(rows);
  const timestamp = new Uint32Array(rows);
  for (let k = 0; k < rows; k++) {
    user[k] = Math.floor((k * users) / rows);
    item[k] = draw(random());
    rating[k] = (1 + Math.floor(random() * 10)) / 2;
    timestamp[k] = 789_652_009 + Math.floor(random() * 8e8);
  }
  return {
    name: `generated ${rows} rows`,
    kind: 'explicit',
    user,
    item,
    rating,
    timestamp,
    userIds: Array.from({ length: users }, (_, k) => String(k + 1)),
    itemIds: Array.from({ length: items }, (_, k) => String(k + 1)),
    itemLabels: Array.from({ length: items }, (_, k) => String(k + 1)),
    itemFeatures: emptyFeatureTable(items),
    userFeatures: emptyFeatureTable(users),
    ratingMin: 0.5,
    ratingMax: 5,
    skippedRows: 0,
    issues: [],
  };
}

const CASES = ['biased-mf', 'bpr', 'svdpp', 'hybrid', 'hybrid:implicit'];

/** Seconds for one epoch's steps (the loss read at its end waits for them). */
async function epochSeconds(t: ModelTrainer): Promise<number> {
  const t0 = performance.now();
  do t.step();
  while (t.stepInEpoch !== 0);
  await t.takeLoss();
  return (performance.now() - t0) / 1000;
}

it('times an epoch of each kernel model on the sample', async () => {
  const only = process.env.MODELS?.split(',');
  const scale = Number(process.env.SCALE ?? 0);
  const payload = trainingPayload(scale ? scaleShaped(scale) : loadSample());
  const lines: string[] = [];
  for (const name of CASES) {
    const [model, feedback] = name.split(':');
    if (only && !only.includes(model)) continue;
    const m = MODELS.find((x) => x.name === model)!;
    const requested: TrainConfig = {
      ...DEFAULT_CONFIG,
      model,
      ...m.defaults,
      ...(feedback === 'implicit' && { feedback: 'implicit' as const, ...m.implicitDefaults }),
    };
    const { data, feedback: used } = prepareExperiment(payload, requested);
    const config = { ...requested, feedback: used };
    const chunkBytes = Number(process.env.CHUNK_BYTES) || undefined;
    const t = await RowEngineTrainer.create(data, config, serialExecutor(), 1, { chunkBytes });
    const rows = data.train.rating.length;
    const first = await epochSeconds(t);
    const second = await epochSeconds(t);
    t.dispose();
    let tfjs = '';
    if (process.env.TFJS) {
      const ref = new Trainer(data, config);
      tfjs = ` | tfjs-cpu ${(await epochSeconds(ref)).toFixed(2)} s`;
      ref.dispose();
    }
    const line =
      `${name} (${used}, dim ${config.dim}, batch ${config.batchSize}, ${rows} rows): ` +
      `epoch 1 ${first.toFixed(2)} s, epoch 2 ${second.toFixed(2)} s, ` +
      `${(rows / second / 1e6).toFixed(2)} M rows/s${tfjs}`;
    lines.push(line);
    console.log(line);
  }
  console.log(`\n${lines.join('\n')}\n`);
});
