/**
 * The benchmark cases: biased MF trained with the fast embedding op, beside the same model on
 * stock tf.gather and a plain typed-array SGD loop. Timings read the backend once per timed run.
 */
import { tf } from '../../src/core/tf/tfjs';
import {
  disposeRowPlan,
  planCapacity,
  planRows,
  segmentSum,
  segmentSumFromStockOps,
  uploadRowPlan,
  writeRows,
} from '../../src/core/tf/embedding';
import { noFeatures, Trainer, type TrainData } from '../../src/core/training/trainer';
import {
  DEFAULT_CONFIG,
  type OptimizerName,
  type TrainConfig,
} from '../../src/core/training/config';
import { uniformInteractions } from '../../src/core/data/synthetic';
import { createPlainMF, plainMean, plainSgdPass } from '../../src/core/training/plain-sgd';
import { shuffledRange, mulberry32 } from '../../src/core/util/random';
import type { Interactions } from '../../src/core/data/types';
import type { BenchData, BenchRow, MemoryUse } from './protocol';

export interface BenchCase {
  name: string;
  data: () => TrainData;
  batch: number;
  optimizer: OptimizerName;
  steps: number;
  /** Stock-gather steps to time (0 = skip: it would not finish in reasonable time). */
  stockSteps: number;
  plain: boolean;
}

function asTrainData(users: number, items: number, train: Interactions): TrainData {
  const test = {
    user: train.user.subarray(0, 1),
    item: train.item.subarray(0, 1),
    rating: train.rating.subarray(0, 1),
  };
  return { users, items, train, test, ratingMin: 0.5, ratingMax: 5, ...noFeatures(users, items) };
}

export function sampleData(s: BenchData): () => TrainData {
  return () => asTrainData(s.users, s.items, { user: s.user, item: s.item, rating: s.rating });
}

export function syntheticData(rows: number, users: number, items: number): () => TrainData {
  return () => asTrainData(users, items, uniformInteractions(rows, users, items, 7));
}

async function timeSteps(data: TrainData, config: TrainConfig, stock: boolean, steps: number) {
  const trainer = new Trainer(data, config, { stockGather: stock });
  try {
    trainer.step(); // warm-up: shader compilation, optimizer slots, first uploads
    await trainer.takeLoss();
    const tensorsBefore = tf.memory().numTensors;
    const t0 = performance.now();
    let rows = 0;
    for (let k = 0; k < steps; k++) {
      rows += trainer.batchRows;
      trainer.step();
    }
    const loss = await trainer.takeLoss(); // one read: waits for every queued step
    const ms = performance.now() - t0;
    if (!loss || !Number.isFinite(loss.loss)) throw new Error(`non-finite loss in ${config.model}`);
    return {
      msPerStep: ms / steps,
      rowsPerSecond: (rows / ms) * 1000,
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
    };
  } finally {
    trainer.dispose();
  }
}

/** Rows/s of the plain per-rating SGD loop of biased MF over up to `maxRows` rows. */
export function timePlain(data: TrainData, dim: number, maxRows: number): number {
  const train = data.train;
  const m = createPlainMF(data.users, data.items, dim, plainMean(train), 1);
  const order = shuffledRange(train.rating.length, mulberry32(3));
  const rows = Math.min(maxRows, order.length);
  const t0 = performance.now();
  plainSgdPass(m, train, order, 0, rows, 0.005, 0.02);
  return (rows / (performance.now() - t0)) * 1000;
}

export async function runCase(c: BenchCase, backend: string, dim = 32): Promise<BenchRow> {
  const data = c.data();
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    dim,
    batchSize: c.batch,
    optimizer: c.optimizer,
    epochs: 1000,
  };
  const fast = await timeSteps(data, config, false, c.steps);
  const stock = c.stockSteps > 0 ? await timeSteps(data, config, true, c.stockSteps) : null;
  return {
    case: c.name,
    model: config.model,
    backend,
    optimizer: c.optimizer,
    batch: c.batch,
    tableRows: data.users + data.items,
    dim,
    msPerStep: fast.msPerStep,
    rowsPerSecond: fast.rowsPerSecond,
    stockMsPerStep: stock ? stock.msPerStep : null,
    plainRowsPerSecond: c.plain ? timePlain(data, dim, 400_000) : null,
    tensorsBefore: fast.tensorsBefore,
    tensorsAfter: fast.tensorsAfter,
  };
}

/**
 * The sparse path on the current backend against stock autodiff + tf.train on the cpu backend:
 * max |difference| of every table after `steps` steps. SGD at learning rate 1 makes one step's
 * update the gradient itself. (The reference is cpu because tfjs 4.22's webgl UnsortedSegmentSum,
 * stock gather's gradient, miscounts segment 0 once the batch reaches 256 rows.)
 */
export async function compareWithStock(
  optimizer: OptimizerName,
  learningRate: number,
  steps: number,
  /** 120 items: every table takes the dense update; 5,000: the item table takes the row writer. */
  items = 120,
): Promise<number> {
  const data = syntheticData(6000, 150, items)();
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    dim: 8,
    batchSize: 256,
    learningRate,
    optimizer,
    epochs: 100,
  };
  const run = async (backend: string, stock: boolean) => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    const t = new Trainer(data, config, { stockGather: stock });
    try {
      for (let k = 0; k < steps; k++) t.step();
      const s = await t.snapshot();
      return [s.userFactors, s.itemFactors, s.userBias, s.itemBias];
    } finally {
      t.dispose();
      await tf.setBackend(previous);
    }
  };
  const sparse = await run(tf.getBackend(), false);
  const stock = await run('cpu', true);
  let max = 0;
  sparse.forEach((a, k) => a.forEach((v, i) => (max = Math.max(max, Math.abs(v - stock[k][i])))));
  return max;
}

/**
 * The backend's in-place row writer against the same writes done in JavaScript: max |difference|
 * over the whole table (untouched rows must be unchanged). (tfjs's webgl scatter, the portable
 * fallback, costs rows x dim x touched and took 90 s at 70,000 rows, so it is not the reference.)
 */
export async function compareRowWriter(rows: number, dim: number, touched: number) {
  const random = mulberry32(1);
  const init = Float32Array.from({ length: rows * dim }, () => random() - 0.5);
  const raw = Float32Array.from({ length: touched * dim }, () => random() + 5);
  const rowIds = Int32Array.from({ length: touched }, (_, k) => (k * 7) % rows);
  const table = tf.variable(tf.tensor2d(init, [rows, dim]));
  const idx = tf.tensor1d(rowIds, 'int32');
  // Through an op, so that the values arrive as an optimizer's do (a program's output).
  const values = tf.tidy(() => tf.mul(tf.tensor2d(raw, [touched, dim]), 2)) as tf.Tensor2D;
  writeRows(table, idx, values);
  const got = (await table.data()) as Float32Array;
  const expected = init.slice();
  rowIds.forEach((r, k) => {
    for (let j = 0; j < dim; j++) expected[r * dim + j] = raw[k * dim + j] * 2;
  });
  tf.dispose([table, idx, values]);
  return got.reduce((max, v, k) => Math.max(max, Math.abs(v - expected[k])), 0);
}

/** The backend's segment sum against the stock-op formulation: max |difference|. */
export function compareSegmentSum(rows: number, batch: number, dim: number): number {
  const idx = Int32Array.from({ length: batch }, (_, k) => (k * 7919) % rows);
  const plan = uploadRowPlan(planRows(idx, rows, planCapacity(rows, batch)));
  const dy = tf.randomNormal([batch, dim], 0, 1, 'float32', 3) as tf.Tensor2D;
  const diff = tf.tidy(
    () =>
      tf.max(tf.abs(tf.sub(segmentSum(dy, plan), segmentSumFromStockOps(dy, plan)))).dataSync()[0],
  );
  tf.dispose(dy);
  disposeRowPlan(plan);
  return diff;
}

/**
 * Where a step's time goes on webgl: wall ms/step, the JS time spent inside `step()` (the rest is
 * the GPU), the GPU programs a step runs (by program and output shape), and what one elementwise
 * pass over a [batch, 32] tensor costs. Programs are counted, not timed: in a worker, Chromium's
 * gl.finish() does not wait for SwiftShader, so per-program timings mislead.
 */
export async function profileSteps(c: BenchCase, steps: number): Promise<string[]> {
  const backend = tf.backend() as unknown as {
    runWebGLProgram: (p: object, ...rest: unknown[]) => tf.TensorInfo;
  };
  const trainer = new Trainer(c.data(), {
    ...DEFAULT_CONFIG,
    batchSize: c.batch,
    optimizer: c.optimizer,
    epochs: 1000,
  });
  const original = backend.runWebGLProgram;
  const counts = new Map<string, number>();
  try {
    for (let k = 0; k < 2 * trainer.stepsPerEpoch; k++) trainer.step(); // compile, warm the pool
    await trainer.takeLoss();
    const t0 = performance.now();
    let inStep = 0;
    for (let k = 0; k < steps; k++) {
      const ts = performance.now();
      trainer.step();
      inStep += performance.now() - ts;
    }
    await trainer.takeLoss();
    const wall = (performance.now() - t0) / steps;
    backend.runWebGLProgram = function (program, ...rest) {
      const out = original.call(this, program, ...rest);
      const names = (program as { variableNames?: string[] }).variableNames ?? [];
      const key = `${program.constructor.name}(${names.join(',')}) -> [${out.shape.join(',')}]`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return out;
    };
    for (let k = 0; k < steps; k++) trainer.step();
    await trainer.takeLoss();
    backend.runWebGLProgram = original;
    const pass = await elementwisePassMs([c.batch, 32]);
    const total = [...counts.values()].reduce((a, b) => a + b, 0) / steps;
    return [
      `profile ${c.name}, batch ${c.batch}: ${wall.toFixed(1)} ms/step, ${(inStep / steps).toFixed(1)} ms of it in JS; ${total} GPU programs a step; one elementwise pass over [${c.batch}, 32] takes ${pass.toFixed(1)} ms`,
      ...[...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `  ${String(n / steps).padStart(5)}x  ${k}`),
    ];
  } finally {
    backend.runWebGLProgram = original;
    trainer.dispose();
  }
}

/** ms per elementwise multiply of a tensor of `shape`: 20 chained, one read at the end. */
async function elementwisePassMs(shape: number[]): Promise<number> {
  const a = tf.randomNormal(shape);
  const b = tf.randomNormal(shape);
  await Promise.all([a.data(), b.data()]);
  const n = 20;
  const t0 = performance.now();
  const out = tf.tidy(() => {
    let x: tf.Tensor = a;
    for (let k = 0; k < n; k++) x = tf.mul(x, b);
    return tf.sum(x);
  });
  await out.data();
  const ms = (performance.now() - t0) / n;
  tf.dispose([a, b, out]);
  return ms;
}

function memoryUse(): MemoryUse {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPUAllocated?: number };
  return { tensors: m.numTensors, gpuBytes: m.numBytesInGPUAllocated ?? null };
}

/**
 * Memory over a long run: tensors and GPU texture bytes after a warm-up (optimizer slots, the
 * texture pool, an epoch boundary) and again after `steps` more steps, reading the loss every 50
 * steps as the app does.
 */
export async function memoryOverSteps(c: BenchCase, steps: number) {
  const config = { ...DEFAULT_CONFIG, batchSize: c.batch, optimizer: c.optimizer, epochs: 1e6 };
  const trainer = new Trainer(c.data(), config);
  const run = async (n: number) => {
    for (let k = 1; k <= n; k++) {
      trainer.step();
      if (k % 50 === 0) await trainer.takeLoss();
    }
    await trainer.takeLoss();
  };
  try {
    await run(Math.ceil((2 * trainer.stepsPerEpoch) / 50) * 50);
    const before = memoryUse();
    await run(steps);
    return { before, after: memoryUse() };
  } finally {
    trainer.dispose();
  }
}
