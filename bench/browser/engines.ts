/**
 * Rows a second of each training engine on the sample (biased MF, BPR, SVD++ and the hybrid on
 * ids alone, as the bench's sample has no features; the app's defaults: dim 32, batch 4,096, Adam): tfjs on the page's backend, the parallel CPU engine on one worker
 * per core and on one thread, stock tf.gather autodiff (the tfjs code a newcomer writes), and
 * the plain per-rating SGD loop as the yardstick of what a CPU does without a framework.
 */
import { Trainer, type ModelTrainer, type TrainData } from '../../src/core/training/trainer';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { RowEngineTrainer } from '../../src/core/engines/row-trainer';
import { serialExecutor } from '../../src/core/engines/serial';
import {
  browserExecutor,
  parallelProblem,
  parallelThreads,
} from '../../src/worker/engine/parallel';
import { timePlain } from './cases';
import type { EngineRow } from './protocol';

/** Rows/s over `steps` timed steps after `warm` untimed ones, with a read every `every` steps. */
async function rate(t: ModelTrainer, warm: number, steps: number, every: number): Promise<number> {
  for (let k = 0; k < warm; k++) t.step();
  await t.takeLoss();
  const t0 = performance.now();
  for (let k = 1; k <= steps; k++) {
    t.step();
    if (k % every === 0 || k === steps) await t.takeLoss();
  }
  const ms = performance.now() - t0;
  t.dispose();
  return ((steps * t.batchRows) / ms) * 1000;
}

export async function engineRows(
  data: TrainData,
  backend: string,
  quick: boolean,
  say: (line: string) => void,
): Promise<EngineRow[]> {
  const rows: EngineRow[] = [];
  const epoch = Math.ceil(data.train.rating.length / DEFAULT_CONFIG.batchSize);
  const threads = parallelThreads();
  for (const model of ['biased-mf', 'bpr', 'svdpp', 'hybrid']) {
    // The bag models' tfjs steps are slow on a software renderer: fewer of them, and no stock run.
    const bags = model === 'svdpp' || model === 'hybrid';
    const config: TrainConfig = {
      ...DEFAULT_CONFIG,
      model,
      feedback: model === 'bpr' ? 'implicit' : 'explicit',
      epochs: 1000,
    };
    const add = (engine: string, threadCount: number, rowsPerSecond: number | null, note = '') => {
      rows.push({ model, engine, threads: threadCount, rowsPerSecond, note });
      say(
        `  ${model} ${engine} (${threadCount} threads): ${Math.round(rowsPerSecond ?? 0)} rows/s`,
      );
    };
    say(`engines: ${model}`);
    const tfjsSteps = quick ? 3 : bags ? 6 : 20;
    add(`tfjs ${backend}`, 1, await rate(new Trainer(data, config), 2, tfjsSteps, 10));
    const stockSteps = quick ? 1 : 2;
    const stock = bags ? null : new Trainer(data, config, { stockGather: true });
    if (stock)
      add('stock tfjs (tf.gather autodiff)', 1, await rate(stock, 1, stockSteps, stockSteps));
    // The kernel's runs: one epoch to warm the JIT, then whole epochs, read once an epoch (as the app).
    const epochs = quick ? 2 : 10;
    const parallel = await RowEngineTrainer.create(data, config, browserExecutor(), threads);
    add(
      'cpu-parallel',
      threads,
      await rate(parallel, epoch, epochs * epoch, epoch),
      parallelProblem() ?? '',
    );
    const single = await RowEngineTrainer.create(data, config, serialExecutor(), 1);
    add('cpu-parallel, 1 thread', 1, await rate(single, epoch, epochs * epoch, epoch));
    if (model === 'biased-mf')
      add(
        'plain SGD loop (per rating)',
        1,
        timePlain(data, config.dim, 400_000),
        'not the same optimizer',
      );
  }
  return rows;
}
