/**
 * Engine choice by measurement: each engine that can train the model runs a few steps of it on
 * the loaded data (a throwaway trainer, so the run itself starts fresh), and the fastest in
 * training rows a second is chosen. A person's explicit choice skips the measurement.
 */
import type { ModelTrainer, TrainData } from '../training/trainer';
import type { TrainConfig } from '../training/config';
import type { EngineMeasurement, EngineName, EnginePreference } from './types';
import type { BackendChoice } from '../training/recovery';

export interface EngineCandidate {
  engine: EngineName;
  /** Builds a fresh trainer on this engine; null when the engine cannot train the model. */
  make: (() => Promise<ModelTrainer>) | null;
  /** Why it cannot (when `make` is null), or how it runs (e.g. on one thread). */
  reason?: string;
}

export interface EngineChoice {
  trainer: ModelTrainer;
  engine: EngineName;
  engines: EngineMeasurement[];
  /** The tfjs backend the trainer runs on, when the hook switched it for this run. */
  backend?: BackendChoice;
}

/** What a hook gives the session: a trainer on the engine chosen for this run. */
export interface EngineHook {
  create(data: TrainData, config: TrainConfig, preference: EnginePreference): Promise<EngineChoice>;
  /** Forgets the measurements kept for this case, so the next 'auto' measures again. */
  forget?(data: TrainData, config: TrainConfig): void;
}

/**
 * Training rows a second of a fresh trainer: a warm-up of at least one step and `minMs` / 2
 * (shader compilation and first uploads on tfjs; the JIT of freshly started kernel workers),
 * then steps in growing groups, each group waited for, until `minMs` have passed.
 */
export async function measureRowsPerSecond(trainer: ModelTrainer, minMs = 250): Promise<number> {
  const run = async (ms: number) => {
    let rows = 0;
    let group = 1;
    const t0 = performance.now();
    while (!trainer.finished) {
      for (let k = 0; k < group && !trainer.finished; k++, rows += trainer.batchRows)
        trainer.step();
      await trainer.takeLoss();
      if (performance.now() - t0 >= ms) break;
      group *= 2;
    }
    return (rows / Math.max(performance.now() - t0, 1e-3)) * 1000;
  };
  await run(minMs / 2);
  return run(minMs);
}

/**
 * Picks the engine (measured when `preference` is 'auto') and returns a fresh trainer on it.
 * `rates`: measurements already taken for this model, data and settings; kept and added to, so
 * a caller that keeps the map measures each case once.
 */
export async function chooseEngine(
  candidates: EngineCandidate[],
  preference: EnginePreference,
  rates = new Map<EngineName, number>(),
  minMs = 250,
): Promise<EngineChoice> {
  const offered = candidates.filter((c) => c.make);
  if (!offered.length) throw new Error('no engine can train this model');
  let pick = offered.find((c) => c.engine === preference);
  const notes = new Map<EngineName, string>();
  if (preference !== 'auto' && !pick)
    notes.set(offered[0].engine, `${preference} cannot train this model`);
  if (!pick && offered.length > 1) {
    for (const c of offered) {
      if (rates.has(c.engine)) continue;
      const trainer = await c.make!();
      try {
        rates.set(c.engine, await measureRowsPerSecond(trainer, minMs));
      } finally {
        trainer.dispose();
      }
    }
    pick = offered.reduce((a, b) => (rates.get(b.engine)! > rates.get(a.engine)! ? b : a));
  }
  pick ??= offered[0];
  const trainer = await pick.make!();
  const engines = candidates.map((c): EngineMeasurement => {
    const reason = [c.reason, notes.get(c.engine)].filter(Boolean).join('; ');
    return {
      engine: c.engine,
      rowsPerSecond: c.make ? (rates.get(c.engine) ?? null) : null,
      chosen: c === pick,
      ...(reason && { reason }),
    };
  });
  return { trainer, engine: pick.engine, engines };
}
