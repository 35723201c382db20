import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'rolldown';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type TrainConfig } from '../core/training/config';
import { noFeatures, type TrainData } from '../core/training/trainer';
import { plantedLowRank } from '../core/data/synthetic';
import { RowEngineTrainer } from '../core/engines/row-trainer';
import { serialExecutor } from '../core/engines/serial';
import { describeEngines, nodeEngines, nodeExecutor } from './engine';

const dir = mkdtempSync(join(tmpdir(), 'latent-lab-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function data(): TrainData {
  const all = plantedLowRank({ users: 60, items: 50, rank: 3, density: 0.4, noise: 0.2, seed: 4 });
  return {
    users: 60,
    items: 50,
    train: all,
    test: {
      user: all.user.slice(0, 10),
      item: all.item.slice(0, 10),
      rating: all.rating.slice(0, 10),
    },
    ratingMin: -10,
    ratingMax: 10,
    ...noFeatures(60, 50),
    userDay: null,
  };
}

const config: TrainConfig = { ...DEFAULT_CONFIG, dim: 8, batchSize: 64, epochs: 2 };

async function trainTables(make: () => Promise<RowEngineTrainer>): Promise<Float32Array[]> {
  const t = await make();
  try {
    while (!t.finished) t.step();
    await t.takeLoss();
    return await Promise.all(t.model.tables.map((x) => x.read()));
  } finally {
    t.dispose();
  }
}

describe('the CLI engines', () => {
  it('worker threads over shared memory train exactly as the serial kernel with as many blocks', async () => {
    // The thread script as the CLI build writes it beside main.js.
    const script = join(dir, 'kernel-thread.js');
    await build({
      input: new URL('./kernel-thread.ts', import.meta.url).pathname,
      platform: 'node',
      logLevel: 'silent',
      output: { file: script, format: 'esm' },
    });
    const d = data();
    // Biased MF runs its steps with fewer barriers than BPR (row-kernel.ts): both are checked.
    const bpr: TrainConfig = { ...config, model: 'bpr', feedback: 'implicit' };
    for (const c of [config, bpr]) {
      const threaded = await trainTables(() =>
        RowEngineTrainer.create(d, c, nodeExecutor(pathToFileURL(script)), 2),
      );
      const serial = await trainTables(() => RowEngineTrainer.create(d, c, serialExecutor(), 2));
      expect(threaded.length).toBeGreaterThan(0);
      threaded.forEach((t, k) => expect(Array.from(t)).toEqual(Array.from(serial[k])));
      // And it learned something: the factors moved from their start.
      expect(threaded[0].some((v) => Math.abs(v) > 1e-3)).toBe(true);
    }
  }, 60_000);

  it('auto times tfjs and the row engine; a model without a kernel trains on tfjs and says why', async () => {
    const hook = nodeEngines();
    // Epochs enough that neither trainer runs out during its timing.
    const auto = await hook.create(data(), { ...config, epochs: 1000 }, 'auto');
    auto.trainer.dispose();
    expect(auto.engines.map((e) => e.engine)).toEqual(['cpu', 'cpu-parallel']);
    auto.engines.forEach((e) => expect(e.rowsPerSecond).toBeGreaterThan(0));
    const fastest = auto.engines.reduce((a, b) => (b.rowsPerSecond! > a.rowsPerSecond! ? b : a));
    expect(auto.engine).toBe(fastest.engine);
    expect(describeEngines(auto.engine, auto.engines)).toMatch(
      /^engine: (cpu|cpu-parallel); cpu [\d,]+ rows\/s.*, cpu-parallel [\d,]+ rows\/s/,
    );
    const deep = await hook.create(data(), { ...config, model: 'youtube-dnn' }, 'cpu-parallel');
    deep.trainer.dispose();
    expect(deep.engine).toBe('cpu');
    expect(deep.engines[1].reason).toMatch(/youtube-dnn/);
  }, 60_000);
});
