/**
 * One epoch of the deep models (AutoRec, the YouTube network) and SVD++ per tfjs engine: WebGL,
 * 'cpu' on tfjs wasm and WebGPU where they start (the training worker's own backends,
 * src/worker/training/tfjs-backends.ts), on the sample and on a generated 1M-row, 20,000-item
 * file. A case longer than `CAP_S` is timed over the steps done by then and the epoch
 * extrapolated (said in the note), so one slow engine does not hold the bench for minutes.
 */
import { tf } from '../../src/core/tf/tfjs';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { createTrainer } from '../../src/core/training/create';
import type { TrainData } from '../../src/core/training/trainer';
import { extraBackend } from '../../src/worker/training/tfjs-backends';
import { syntheticData } from './cases';
import type { DeepRow } from './protocol';

const CAP_S = 45;
const ENGINES = [
  { engine: 'webgl', backend: 'webgl' },
  { engine: 'cpu', backend: 'wasm' },
  { engine: 'webgpu', backend: 'webgpu' },
] as const;

async function epoch(
  data: TrainData,
  config: TrainConfig,
): Promise<Omit<DeepRow, 'model' | 'data' | 'engine' | 'backend'>> {
  const trainer = createTrainer(data, config);
  try {
    // One untimed step: shader compilation, first uploads, optimizer slots.
    trainer.step();
    await trainer.takeLoss();
    const total = trainer.stepsPerEpoch;
    const t0 = performance.now();
    let steps = 0;
    while (steps < total - 1 && performance.now() - t0 < CAP_S * 1000) {
      trainer.step();
      steps++;
      // Read every few steps (as the app's progress does), so the queue stays bounded.
      if (steps % 4 === 0) await trainer.takeLoss();
    }
    const loss = await trainer.takeLoss();
    const ms = performance.now() - t0;
    if (loss && !Number.isFinite(loss.loss)) throw new Error(`non-finite loss in ${config.model}`);
    const seconds = (ms / 1000 / Math.max(steps, 1)) * total;
    return {
      seconds,
      rowsPerSecond: data.train.rating.length / seconds,
      note:
        steps < total - 1 ? `extrapolated from ${steps + 1} of ${total} steps` : `${total} steps`,
    };
  } finally {
    trainer.dispose();
  }
}

export async function deepRows(
  sample: TrainData | null,
  quick: boolean,
  say: (line: string) => void,
  /** Engines to time ('webgl', 'cpu', 'webgpu'); null: all. */
  only: string[] | null = null,
  /** Models to time; null: autorec, youtube-dnn and svdpp. */
  models: string[] | null = null,
): Promise<DeepRow[]> {
  const home = tf.getBackend();
  const sets: [string, () => TrainData][] = [];
  if (sample) sets.push(['ml-latest-small (80%)', () => sample]);
  // `quick`: the sample only (the 1M-row file is the slow part).
  if (!quick) sets.push(['1M rows x 20,000 items', syntheticData(1_000_000, 10_000, 20_000)]);
  const rows: DeepRow[] = [];
  for (const [name, make] of sets) {
    const data = make();
    for (const model of models ?? ['autorec', 'youtube-dnn', 'svdpp']) {
      const info = MODELS.find((m) => m.name === model)!;
      const config: TrainConfig = { ...DEFAULT_CONFIG, model, ...info.defaults, epochs: 1 };
      for (const { engine, backend } of ENGINES.filter((e) => !only || only.includes(e.engine))) {
        const row = { model, data: name, engine, backend };
        const started = backend === 'webgl' ? null : await extraBackend(backend, home);
        if (started && !started.ok) {
          rows.push({ ...row, seconds: null, rowsPerSecond: null, note: started.reason });
          continue;
        }
        if (!(await tf.setBackend(backend))) {
          rows.push({
            ...row,
            seconds: null,
            rowsPerSecond: null,
            note: `${backend} did not start`,
          });
          continue;
        }
        say(`deep: ${model}, ${name}, ${engine} (${backend})`);
        try {
          const r = { ...row, ...(await epoch(data, config)) };
          rows.push({ ...r, note: [started?.reason, r.note].filter(Boolean).join('; ') });
          say(`  ${r.seconds!.toFixed(2)} s an epoch (${r.note})`);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          rows.push({ ...row, seconds: null, rowsPerSecond: null, note: `failed: ${message}` });
          say(`  failed: ${message}`);
        } finally {
          await tf.setBackend(home);
        }
      }
    }
  }
  return rows;
}
