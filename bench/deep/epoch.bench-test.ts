/**
 * Seconds per epoch of the deep models on the sample, Node tfjs cpu, with the held-out metric
 * after the epochs (the same split, settings and seed as the app's defaults).
 *
 *   npx vitest run --config bench/deep/vitest.config.ts
 *   MODELS=youtube-dnn EPOCHS=3 SOFTMAX=sampled npx vitest run --config bench/deep/vitest.config.ts
 */
import { it } from 'vitest';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { prepareExperiment } from '../../src/core/training/experiment';
import { createTrainer } from '../../src/core/training/create';
import { trainingPayload } from '../../src/worker/training/protocol';
import { tf } from '../../src/core/tf/tfjs';
import { UserTrainer } from '../../src/core/training/user-trainer';
import { modelContext } from '../../src/core/training/trainer';
import { YouTubeDNN } from '../../src/core/models/youtube-dnn';
import { DEFAULT_NEGATIVES } from '../../src/core/models/sampled-softmax';
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
    // SOFTMAX=sampled|full (youtube-dnn): the training softmax, NEGATIVES its draws per batch.
    const softmax = process.env.SOFTMAX as 'full' | 'sampled' | undefined;
    const trainer =
      model === 'youtube-dnn' && softmax
        ? new UserTrainer(
            data,
            { ...config, feedback },
            new YouTubeDNN(modelContext(data, { ...config, feedback }), {
              softmax,
              negatives: Number(process.env.NEGATIVES ?? DEFAULT_NEGATIVES),
            }),
          )
        : createTrainer(data, { ...config, feedback });
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
      `${model} (${feedback}${softmax ? `, ${softmax} softmax` : ''}): s/epoch ${times.map((t) => t.toFixed(2)).join(', ')}; ` +
        `${metric}; evaluation ${evalSeconds.toFixed(2)} s; tensors ${tf.memory().numTensors}`,
    );
    trainer.dispose();
  }
});
