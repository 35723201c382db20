/**
 * The typed-array row engine in Node, one thread (serial.ts): seconds per epoch and training rows
 * a second of each model it trains, on the MovieLens sample with the model's defaults (the data
 * prepared as the app prepares it). Evaluation is left out: the time is the steps'.
 *
 *   npm run bench:kernel                  biased-mf, bpr, svdpp, hybrid (explicit and implicit)
 *   MODELS=svdpp npm run bench:kernel     some models
 *   TFJS=1 npm run bench:kernel           one tfjs-cpu epoch of each beside it (slow)
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
  const payload = trainingPayload(loadSample());
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
    const t = await RowEngineTrainer.create(data, config, serialExecutor(), 1);
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
