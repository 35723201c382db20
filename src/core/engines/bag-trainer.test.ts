import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { Trainer, type TrainData } from '../training/trainer';
import { DEFAULT_CONFIG, OPTIMIZERS, type TrainConfig } from '../training/config';
import { RowEngineTrainer } from './row-trainer';
import { serialExecutor } from './serial';
import { compareSteps, data, maxDiff, small, tables } from './row-test-cases';

const svdpp: TrainConfig = { ...small, model: 'svdpp' };
const hybrid: TrainConfig = { ...small, model: 'hybrid' };

describe('bag kernel (SVD++, hybrid) against tfjs autodiff', () => {
  it('SVD++: one SGD step at learning rate 1 is the autodiff gradient (stock tf.gather path)', async () => {
    const d = data(30, 25, true);
    const config = { ...svdpp, optimizer: 'sgd' as const, learningRate: 1 };
    const stock = (x: TrainData, c: TrainConfig) => new Trainer(x, c, { stockGather: true });
    const diffs = await compareSteps(d, config, 3, 1, stock, true);
    diffs.forEach((x) => expect(x).toBeLessThan(1e-5));
  });

  it('hybrid: one SGD step at learning rate 1 is the autodiff gradient (stock path)', async () => {
    const d = data(30, 25, true, 4, true);
    const config = { ...hybrid, optimizer: 'sgd' as const, learningRate: 1 };
    const stock = (x: TrainData, c: TrainConfig) => new Trainer(x, c, { stockGather: true });
    const diffs = await compareSteps(d, config, 3, 1, stock, true);
    diffs.forEach((x) => expect(x).toBeLessThan(1e-5));
  });

  it('FM: one SGD step at learning rate 1 is the autodiff gradient (stock path)', async () => {
    const d = data(30, 25, false, 4, true);
    const config: TrainConfig = { ...small, model: 'fm', optimizer: 'sgd', learningRate: 1 };
    const stock = (x: TrainData, c: TrainConfig) => new Trainer(x, c, { stockGather: true });
    const diffs = await compareSteps(d, config, 3, 1, stock, true);
    diffs.forEach((x) => expect(x).toBeLessThan(1e-5));
  });

  for (const [kernel, simd] of [
    ['WebAssembly SIMD', true],
    ['JS', false],
  ] as const) {
    const kernelArgs = [undefined, false, simd] as const;
    for (const optimizer of OPTIMIZERS) {
      it(`${kernel} kernel: SVD++ with the user-day bias matches step by step (${optimizer}, 3 workers)`, async () => {
        const d = data(40, 30, true);
        const diffs = await compareSteps(d, { ...svdpp, optimizer }, 4, 3, ...kernelArgs);
        // Adam and Adamax divide each coordinate's step by its gradient's size. Here one item
        // coordinate's gradient cancels to 2.7e-7 (checked with SGD at rate 1, which matches to
        // 1e-5 above), within 3x of their epsilon (1e-7), so its step lr g / (|g| + 1e-7) turns the
        // float32 rounding of the sum (the kernel adds p_u and the y_j in another order) into
        // 1.2e-5. Every other optimizer, and every other coordinate, stays under 1e-5.
        const tolerance = optimizer === 'adam' || optimizer === 'adamax' ? 2e-5 : 1e-5;
        diffs.forEach((x) => expect(x).toBeLessThan(tolerance));
      });
    }

    for (const optimizer of OPTIMIZERS) {
      it(`${kernel} kernel: hybrid, explicit with features and user-days, matches step by step (${optimizer}, 2 workers)`, async () => {
        const d = data(40, 30, true, 6, true);
        const diffs = await compareSteps(d, { ...hybrid, optimizer }, 4, 2, ...kernelArgs);
        diffs.forEach((x) => expect(x).toBeLessThan(1e-5));
      });
    }

    for (const optimizer of ['sgd', 'adam'] as const) {
      it(`${kernel} kernel: FM (the self term in each side's bias) matches step by step (${optimizer}, 2 workers)`, async () => {
        const d = data(40, 30, true, 6, true);
        const fm: TrainConfig = { ...small, model: 'fm', optimizer };
        const diffs = await compareSteps(d, fm, 4, 2, ...kernelArgs);
        diffs.forEach((x) => expect(x).toBeLessThan(1e-5));
        const implicit = await compareSteps(
          d,
          { ...fm, feedback: 'implicit', batchSize: 64 },
          4,
          3,
          ...kernelArgs,
        );
        implicit.forEach((x) => expect(x).toBeLessThan(1e-5));
      });
    }

    it(`${kernel} kernel: hybrid, implicit (BPR pairs), matches step by step across an epoch boundary`, async () => {
      const d = data(30, 40, false, 7, true);
      const config: TrainConfig = { ...hybrid, feedback: 'implicit', batchSize: 64 };
      const steps = Math.ceil(d.train.rating.length / 64) + 2;
      for (const negatives of ['uniform', 'popularity'] as const) {
        const diffs = await compareSteps(d, { ...config, negatives }, steps, 3, ...kernelArgs);
        diffs.forEach((x) => expect(x).toBeLessThan(1e-5));
      }
    });
  }

  it('the same result for any number of workers (shared bag rows are summed per row block)', async () => {
    for (const [config, features] of [
      [svdpp, false],
      [hybrid, true],
    ] as const) {
      const d = data(50, 40, true, 8, features);
      const run = async (workers: number) => {
        const t = await RowEngineTrainer.create(d, config, serialExecutor(), workers);
        for (let k = 0; k < 10; k++) t.step();
        await t.takeLoss();
        await t.writeModel();
        const out = await tables(t);
        t.dispose();
        return out;
      };
      const one = await run(1);
      expect(maxDiff(one, await run(4))).toBeLessThan(1e-5);
    }
  });

  for (const [model, features] of [
    ['svdpp', false],
    ['hybrid', true],
    ['fm', true],
  ] as const) {
    it(`${model}: evaluates and snapshots like the tfjs model, reaches its RMSE within 0.003, leaks no tensors`, async () => {
      const before = tf.memory().numTensors;
      const d = data(150, 120, true, 9, features);
      const config = { ...DEFAULT_CONFIG, model, dim: 8, batchSize: 256, epochs: 12 };
      const train = async (t: Trainer) => {
        while (!t.finished) {
          t.step();
          if (t.stepInEpoch === 0) await t.takeLoss();
        }
        const m = await t.evaluate();
        t.dispose();
        return m.rmse;
      };
      const reference = await train(new Trainer(d, config));
      const engine = await RowEngineTrainer.create(d, config, serialExecutor(), 2);
      for (let k = 0; k < 5; k++) engine.step();
      await engine.writeModel();
      const own = await engine.evaluate();
      const viaTfjs = await Trainer.prototype.evaluate.call(engine);
      expect(Math.abs(own.rmse - viaTfjs.rmse)).toBeLessThan(1e-5);
      // The snapshot, from the engine's arrays, is the model's own (SVD++'s users include their
      // implicit sums; the hybrid's carries its feature rows).
      const [snap, ref] = [await engine.snapshot(), await engine.model.snapshot(engine.epoch)];
      expect(Object.keys(snap).sort()).toEqual(Object.keys(ref).sort());
      const parts = ['userFactors', 'itemFactors', 'userBias', 'itemBias'] as const;
      expect(
        maxDiff(
          parts.map((k) => snap[k]!),
          parts.map((k) => ref[k]!),
        ),
      ).toBeLessThan(1e-6);
      if (model !== 'svdpp')
        expect(maxDiff([snap.userFeatureFactors!], [ref.userFeatureFactors!])).toBe(0);
      expect(snap.globalBias).toBeCloseTo(ref.globalBias!, 6);
      engine.dispose();
      const kernel = await train(await RowEngineTrainer.create(d, config, serialExecutor(), 2));
      expect(Math.abs(kernel - reference)).toBeLessThan(0.003);
      expect(kernel).toBeLessThan(0.8);
      expect(tf.memory().numTensors).toBe(before);
    }, 180_000);
  }

  it('refuses id dropout (cold-start splits) and models without a kernel, saying why', async () => {
    const d = data(20, 20, false, 5, true);
    await expect(
      RowEngineTrainer.create(d, { ...hybrid, split: 'cold-items' }, serialExecutor(), 1),
    ).rejects.toThrow(/id dropout/);
    await expect(
      RowEngineTrainer.create(d, { ...small, model: 'autorec' }, serialExecutor(), 1),
    ).rejects.toThrow(/autorec/);
  });
});
