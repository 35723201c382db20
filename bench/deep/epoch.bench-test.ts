/**
 * Seconds per epoch of the deep models on the sample, Node tfjs cpu, with the held-out metric
 * after the epochs (the same split, settings and seed as the app's defaults).
 *
 *   npx vitest run --config bench/deep/vitest.config.ts
 *   MODELS=autorec EPOCHS=2 CONFIG='{"softmax":"sampled"}' npx vitest run --config bench/deep/vitest.config.ts
 */
import { it } from 'vitest';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { prepareExperiment } from '../../src/core/training/experiment';
import { createTrainer } from '../../src/core/training/create';
import { trainingPayload } from '../../src/worker/training/protocol';
import { tf } from '../../src/core/tf/tfjs';
import { loadSample } from '../sample';

it('times one epoch of each deep model', async () => {
  const d = trainingPayload(loadSample());
  const models = (process.env.MODELS ?? 'autorec,youtube-dnn,svdpp').split(',');
  const epochs = Number(process.env.EPOCHS ?? 1);
  const extra = JSON.parse(process.env.CONFIG ?? '{}') as Partial<TrainConfig>;
  for (const model of models) {
    const info = MODELS.find((m) => m.name === model)!;
    const config: TrainConfig = { ...DEFAULT_CONFIG, model, ...info.defaults, ...extra, epochs };
    const { data, feedback } = prepareExperiment(d, config);
    const trainer = createTrainer(data, { ...config, feedback });
    const times: number[] = [];
    while (!trainer.finished) {
      const t0 = performance.now();
      for (let s = 0; s < trainer.stepsPerEpoch; s++) trainer.step();
      await trainer.takeLoss();
      times.push((performance.now() - t0) / 1000);
    }
    console.log(`${model}: s/epoch ${times.map((t) => t.toFixed(2)).join(', ')}`);
    const t0 = performance.now();
    const metric =
      feedback === 'implicit'
        ? `Recall@20 ${(await trainer.rankingReport(false))!.at[20].recall.toFixed(4)}`
        : `RMSE ${(await trainer.evaluate()).rmse.toFixed(4)}`;
    const evalSeconds = (performance.now() - t0) / 1000;
    console.log(
      `${model} (${feedback}): s/epoch ${times.map((t) => t.toFixed(2)).join(', ')}; ` +
        `${metric}; evaluation ${evalSeconds.toFixed(2)} s; tensors ${tf.memory().numTensors}`,
    );
    trainer.dispose();
  }
});
