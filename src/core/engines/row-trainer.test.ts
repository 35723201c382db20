import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { Trainer, type TrainData } from '../training/trainer';
import { DEFAULT_CONFIG, OPTIMIZERS, type TrainConfig } from '../training/config';
import { itemScores, RowEngineTrainer } from './row-trainer';
import { serialExecutor } from './serial';
import { compareSteps, data, maxDiff, small, tables } from './row-test-cases';
import { stateAt } from '../training/trainer-state';
import { mulberry32 } from '../util/random';

/** Steps `t` to the end of its epoch and runs the queued steps. */
async function trainEpoch(t: RowEngineTrainer): Promise<void> {
  do t.step();
  while (t.stepInEpoch !== 0);
  await t.takeLoss();
}

describe('itemScores', () => {
  it('is each user row . item row plus the item bias, for all items or the candidates', () => {
    const dim = 3;
    const random = mulberry32(5);
    const rows = (n: number) => Float32Array.from({ length: n * (dim + 1) }, () => random() - 0.5);
    const [users, items] = [rows(7), rows(9)];
    const naive = (u: number, i: number) => {
      let x = items[i * (dim + 1) + dim];
      for (let a = 0; a < dim; a++) x += users[u * (dim + 1) + a] * items[i * (dim + 1) + a];
      return x;
    };
    const all = itemScores(users, items, null, 9, dim);
    for (let u = 0; u < 7; u++)
      for (let i = 0; i < 9; i++) expect(all[u * 9 + i]).toBeCloseTo(naive(u, i), 6);
    const candidates = Int32Array.of(8, 2, 5);
    const some = itemScores(users, items, candidates, 3, dim);
    for (let u = 0; u < 7; u++)
      candidates.forEach((i, j) => expect(some[u * 3 + j]).toBeCloseTo(naive(u, i), 6));
  });
});

describe('row kernel against tfjs autodiff', () => {
  it('one SGD step at learning rate 1 is the autodiff gradient itself (stock tf.gather path)', async () => {
    const d = data(30, 25, false);
    const config = { ...small, optimizer: 'sgd' as const, learningRate: 1 };
    const stock = (x: TrainData, c: TrainConfig) => new Trainer(x, c, { stockGather: true });
    const diffs = await compareSteps(d, config, 3, 1, stock, true);
    diffs.forEach((x) => expect(x).toBeLessThan(1e-5));
  });

  for (const [kernel, simd] of [
    ['WebAssembly SIMD', true],
    ['JS', false],
  ] as const) {
    for (const optimizer of OPTIMIZERS) {
      it(`${kernel} kernel: biased MF with the user-day bias matches step by step (${optimizer}, 3 workers)`, async () => {
        const d = data(40, 30, true);
        const diffs = await compareSteps(d, { ...small, optimizer }, 4, 3, undefined, false, simd);
        diffs.forEach((x) => expect(x).toBeLessThan(1e-5));
      });
    }

    it(`${kernel} kernel: BPR matches step by step, across an epoch boundary (uniform and popularity negatives)`, async () => {
      const d = data(30, 40, false);
      const config: TrainConfig = { ...small, model: 'bpr', feedback: 'implicit', batchSize: 64 };
      const steps = Math.ceil(d.train.rating.length / 64) + 2;
      for (const negatives of ['uniform', 'popularity'] as const) {
        const diffs = await compareSteps(
          d,
          { ...config, negatives },
          steps,
          2,
          undefined,
          false,
          simd,
        );
        diffs.forEach((x) => expect(x).toBeLessThan(1e-5));
      }
    });
  }

  it('the SIMD kernel runs where WebAssembly SIMD is available, and the JS one when asked', async () => {
    const d = data(20, 15, true);
    for (const simd of [true, false]) {
      const t = await RowEngineTrainer.create(d, small, serialExecutor(simd), 2);
      expect(t.kernel).toBe(simd ? 'wasm-simd' : 'js');
      t.dispose();
    }
  });

  it('the same result for any number of workers (blocks change only who adds what)', async () => {
    const d = data(50, 40, true);
    const run = async (workers: number) => {
      const t = await RowEngineTrainer.create(d, small, serialExecutor(), workers);
      for (let k = 0; k < 10; k++) t.step();
      await t.takeLoss();
      await t.writeModel();
      const out = await tables(t);
      t.dispose();
      return out;
    };
    const one = await run(1);
    expect(maxDiff(one, await run(4))).toBeLessThan(1e-5);
  });

  it('reaches the held-out RMSE of the tfjs path within 0.003 and leaks no tensors', async () => {
    const d = data(150, 120, true, 9);
    const config = { ...DEFAULT_CONFIG, dim: 8, batchSize: 256, epochs: 15 };
    const before = tf.memory().numTensors;
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
    // Its own evaluation and snapshot (from its tables) against the tfjs model's, once written.
    for (let k = 0; k < 5; k++) engine.step();
    await engine.writeModel();
    const own = await engine.evaluate();
    const viaTfjs = await Trainer.prototype.evaluate.call(engine);
    expect(Math.abs(own.rmse - viaTfjs.rmse)).toBeLessThan(1e-5);
    const [a, b] = [await engine.snapshot(), await engine.model.snapshot(engine.epoch)];
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(
      maxDiff(
        [a.userFactors, a.itemFactors, a.userBias!, a.itemBias!],
        [b.userFactors, b.itemFactors, b.userBias!, b.itemBias!],
      ),
    ).toBe(0);
    expect(a.globalBias).toBeCloseTo(b.globalBias!, 6);
    engine.dispose();
    const kernel = await train(await RowEngineTrainer.create(d, config, serialExecutor(), 2));
    expect(Math.abs(kernel - reference)).toBeLessThan(0.003);
    expect(kernel).toBeLessThan(0.6);
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const [model, features] of [
    ['biased-mf', false],
    ['svdpp', false],
    ['hybrid', true],
  ] as const) {
    it(`${model}: the epoch's state read from the kernel's tables is the tfjs model's, exactly`, async () => {
      const d = data(40, 30, true, 5, features);
      const config: TrainConfig = { ...small, model, batchSize: 32 };
      const t = await RowEngineTrainer.create(d, config, serialExecutor(), 2);
      do t.step();
      while (t.stepInEpoch !== 0);
      const own = await t.exportState();
      await t.writeModel();
      const viaTfjs = await stateAt(t.epoch, t.model);
      expect(own.epoch).toBe(1);
      expect(own.model).toBe(viaTfjs.model);
      expect(own.params.map((p) => [p.name, p.shape])).toEqual(
        viaTfjs.params.map((p) => [p.name, p.shape]),
      );
      expect(
        maxDiff(
          own.params.map((p) => p.values),
          viaTfjs.params.map((p) => p.values),
        ),
      ).toBe(0);
      t.dispose();
    });
  }

  for (const [model, features, feedback] of [
    ['biased-mf', false, 'explicit'],
    ['bpr', false, 'implicit'],
    ['svdpp', false, 'explicit'],
    ['hybrid', true, 'explicit'],
    ['fm', true, 'implicit'],
  ] as const) {
    it(`${model}: ranks from the kernel's tables as the tfjs model ranks`, async () => {
      const d = data(60, 45, true, 7, features);
      const config: TrainConfig = { ...small, model, feedback, batchSize: 32 };
      const t = await RowEngineTrainer.create(d, config, serialExecutor(), 2);
      for (let k = 0; k < 12; k++) t.step();
      const own = (await t.rankingReport(true))!;
      await t.writeModel();
      const viaTfjs = (await Trainer.prototype.rankingReport.call(t, true))!;
      expect(own.metrics.users).toBe(viaTfjs.metrics.users);
      expect(own.metrics.users).toBeGreaterThan(20);
      for (const m of ['ndcg', 'recall', 'auc', 'mrr', 'coverage'] as const)
        expect(own.metrics[m]).toBeCloseTo(viaTfjs.metrics[m], 5);
      expect(own.at[20].recall).toBeCloseTo(viaTfjs.at[20].recall, 5);
      t.dispose();
    });
  }

  it('refuses a model without a kernel, saying why', async () => {
    const d = data(20, 20, false);
    await expect(
      RowEngineTrainer.create(d, { ...small, model: 'popularity' }, serialExecutor(), 1),
    ).rejects.toThrow(/no typed-array kernel for popularity/);
  });

  for (const model of ['biased-mf', 'svdpp'] as const)
    it(`${model}: a checkpoint taken right after an export is that state, and restores it`, async () => {
      const d = data(60, 50, true, 3);
      const config = { ...DEFAULT_CONFIG, model, dim: 4, batchSize: 128, epochs: 6 };
      const t = await RowEngineTrainer.create(d, config, serialExecutor(), 2);
      const epoch = () => trainEpoch(t);
      await epoch();
      const exported = await t.exportState();
      const kept = exported.params.map((p) => p.values.slice());
      await t.saveCheckpoint();
      const rmse = (await t.evaluate()).rmse;
      for (let k = 0; k < 3; k++) await epoch();
      expect((await t.evaluate()).rmse).not.toBe(rmse);
      // Training went on in the kernel's arrays, not in the exported state's.
      expect(
        maxDiff(
          exported.params.map((p) => p.values),
          kept,
        ),
      ).toBe(0);
      await t.restoreCheckpoint();
      expect((await t.evaluate()).rmse).toBe(rmse);
      await t.writeModel();
      const back = await stateAt(t.epoch, t.model);
      expect(
        maxDiff(
          back.params.map((p) => p.values),
          kept,
        ),
      ).toBe(0);
      // Steps after an export: the checkpoint is a copy of the tables as they are.
      await epoch();
      await t.exportState();
      t.step();
      await t.saveCheckpoint();
      const later = (await t.evaluate()).rmse;
      await epoch();
      await t.restoreCheckpoint();
      expect((await t.evaluate()).rmse).toBe(later);
      t.dispose();
    });

  it('puts back the checkpointed tables: evaluation, snapshot and ranking read them', async () => {
    const d = data(60, 50, true, 3);
    const config = { ...DEFAULT_CONFIG, dim: 4, batchSize: 128, epochs: 6 };
    const t = await RowEngineTrainer.create(d, config, serialExecutor(), 2);
    const epoch = () => trainEpoch(t);
    await epoch();
    await t.saveCheckpoint();
    const [rmse, snap] = [(await t.evaluate()).rmse, await t.snapshot()];
    for (let k = 0; k < 4; k++) await epoch();
    expect((await t.evaluate()).rmse).not.toBe(rmse);
    await t.restoreCheckpoint();
    expect((await t.evaluate()).rmse).toBe(rmse);
    const back = await t.snapshot(1);
    expect(back.epoch).toBe(1);
    expect(back.itemFactors).toEqual(snap.itemFactors);
    // The tfjs model (which ranking reads) gets the restored tables too.
    await t.writeModel();
    expect(Array.from((await t.model.snapshot(1)).itemFactors)).toEqual(
      Array.from(snap.itemFactors),
    );
    t.dispose();
  });
});
