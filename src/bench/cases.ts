/**
 * The benchmark cases: biased MF trained with the fast embedding op, beside the same model on
 * stock tf.gather and a plain typed-array SGD loop. Timings read the backend once per timed run.
 */
import { tf } from '../core/tf/tfjs';
import {
  disposeRowPlan,
  planCapacity,
  planRows,
  segmentSum,
  segmentSumFromStockOps,
  uploadRowPlan,
  writeRows,
  writeRowsByScatter,
} from '../core/tf/embedding';
import { Trainer, type TrainData } from '../core/training/trainer';
import { DEFAULT_CONFIG, type OptimizerName, type TrainConfig } from '../core/training/config';
import { uniformInteractions } from '../core/data/synthetic';
import { createPlainMF, plainMean, plainSgdPass } from '../core/training/plain-sgd';
import { shuffledRange, mulberry32 } from '../core/util/random';
import type { Interactions } from '../core/models/baseline';
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
  return { users, items, train, test, ratingMin: 0.5, ratingMax: 5 };
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

function timePlain(data: TrainData, dim: number, maxRows: number): number {
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

/** The backend's in-place row writer against the portable scatter: max |difference|. */
export function compareRowWriter(rows: number, dim: number, touched: number): number {
  const init = tf.randomNormal([rows, dim], 0, 1, 'float32', 1);
  const a = tf.variable(init.clone());
  const b = tf.variable(init.clone());
  init.dispose();
  const idx = tf.tensor1d(
    Array.from({ length: touched }, (_, k) => (k * 7) % rows),
    'int32',
  );
  // Through an op, so that the values arrive packed the way an optimizer's do.
  const values = tf.tidy(() =>
    tf.mul(tf.randomNormal([touched, dim], 5, 1, 'float32', 2), 2),
  ) as tf.Tensor2D;
  writeRows(a, idx, values);
  writeRowsByScatter(b, idx, values);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  tf.dispose([a, b, idx, values]);
  return diff;
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
 * Where a step's time goes on webgl: runs `steps` steps with a GPU sync around every program and
 * returns the programs by total time (name, output shape, calls, ms). Syncing serialises the
 * pipeline, so the total exceeds an unprofiled step; the shares are what matter.
 */
export async function profileSteps(c: BenchCase, steps: number): Promise<string[]> {
  const backend = tf.backend() as unknown as {
    runWebGLProgram: (p: object, ...rest: unknown[]) => tf.TensorInfo;
    gpgpu: { gl: WebGL2RenderingContext };
  };
  const gl = backend.gpgpu.gl;
  const trainer = new Trainer(c.data(), {
    ...DEFAULT_CONFIG,
    batchSize: c.batch,
    optimizer: c.optimizer,
    epochs: 1000,
  });
  const original = backend.runWebGLProgram;
  const totals = new Map<string, { calls: number; ms: number }>();
  try {
    for (let k = 0; k < 2 * trainer.stepsPerEpoch; k++) trainer.step();
    await trainer.takeLoss();
    let t0 = performance.now();
    let inStep = 0;
    for (let k = 0; k < steps; k++) {
      const ts = performance.now();
      trainer.step();
      inStep += performance.now() - ts;
    }
    await trainer.takeLoss();
    const unsynced = (performance.now() - t0) / steps;
    totals.set('unsynced: inside step() (JS + GL calls)', { calls: 0, ms: inStep });
    backend.runWebGLProgram = function (program, ...rest) {
      gl.finish();
      const t0 = performance.now();
      const out = original.call(this, program, ...rest);
      gl.finish();
      const names = (program as { variableNames?: string[] }).variableNames ?? [];
      const key = `${program.constructor.name}(${names.join(',')}) -> [${out.shape.join(',')}]`;
      const t = totals.get(key) ?? { calls: 0, ms: 0 };
      t.calls++;
      t.ms += performance.now() - t0;
      totals.set(key, t);
      return out;
    };
    // Phases: JS batch preparation and the row optimizers' updates, each synced.
    const phases = new Map<string, number>();
    const wrap = (obj: Record<string, unknown>, method: string, label: string) => {
      const fn = obj[method] as (...a: unknown[]) => unknown;
      obj[method] = function (this: unknown, ...a: unknown[]) {
        gl.finish();
        const t = performance.now();
        const out = fn.apply(this, a);
        gl.finish();
        phases.set(label, (phases.get(label) ?? 0) + performance.now() - t);
        return out;
      };
    };
    const inner = trainer as unknown as Record<string, Record<string, unknown>>;
    wrap(inner as unknown as Record<string, unknown>, 'prepare', 'prepare (sort + upload)');
    wrap(inner.rowOptimizer, 'apply', 'row optimizer apply');
    wrap(inner as unknown as Record<string, unknown>, 'sparseStep', 'whole sparse step');
    t0 = performance.now();
    for (let k = 0; k < steps; k++) trainer.step();
    await trainer.takeLoss();
    const wall = (performance.now() - t0) / steps;
    for (const [label, ms] of phases) totals.set(`phase: ${label}`, { calls: 0, ms });
    backend.runWebGLProgram = original;
    // Calibration: chained elementwise ops on a [batch, 32] tensor, one read at the end.
    for (const [label, op] of [
      ['mul', (a: tf.Tensor, b: tf.Tensor) => tf.mul(a, b)],
      ['add', (a: tf.Tensor, b: tf.Tensor) => tf.add(a, b)],
      ['sum axis 1', (a: tf.Tensor, b: tf.Tensor) => tf.add(tf.expandDims(tf.sum(a, 1), 1), b)],
    ] as const) {
      const a = tf.randomNormal([c.batch, 32]);
      const b = tf.randomNormal([c.batch, 32]);
      await a.data();
      await b.data();
      const n = 20;
      const tc = performance.now();
      const out = tf.tidy(() => {
        let x = a;
        for (let k = 0; k < n; k++) x = op(x, b);
        return tf.sum(x);
      });
      await out.data();
      totals.set(`calibration: ${label} [${c.batch},32]`, {
        calls: 0,
        ms: ((performance.now() - tc) / n) * steps,
      });
      tf.dispose([a, b, out]);
    }
    const sorted = [...totals].sort((a, b) => b[1].ms - a[1].ms);
    const inPrograms = sorted.reduce((s, [, t]) => s + t.ms, 0) / steps;
    return [
      `profile ${c.name}, batch ${c.batch}: ${unsynced.toFixed(1)} ms/step, ${wall.toFixed(1)} ms/step synced, ${inPrograms.toFixed(1)} ms in ${sorted.reduce((s, [, t]) => s + t.calls, 0) / steps} programs`,
      ...sorted.map(
        ([k, t]) =>
          `  ${(t.ms / steps).toFixed(2).padStart(7)} ms  ${String(t.calls / steps).padStart(4)}x  ${k}`,
      ),
    ];
  } finally {
    backend.runWebGLProgram = original;
    trainer.dispose();
  }
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
