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
  /**
   * Builds a fresh trainer on this engine; null when the engine cannot train the model. With
   * `measuring`, one to time a few batches on (the hook may build it on part of the rows:
   * measure-data.ts); without, the run's.
   */
  make: ((measuring?: boolean) => Promise<ModelTrainer>) | null;
  /** Why it cannot (when `make` is null), or how it runs (e.g. on one thread). */
  reason?: string;
}

export interface EngineChoice {
  trainer: ModelTrainer;
  engine: EngineName;
  engines: EngineMeasurement[];
  /** The tfjs backend the trainer runs on, when the hook switched it for this run. */
  backend?: BackendChoice;
  /** The trainer was built before the run asked for it (after a calibration). */
  builtAhead?: boolean;
}

/** What a hook gives the session: a trainer on the engine chosen for this run. */
export interface EngineHook {
  /** `signal.cancelled` stops a calibration between measurements (CalibrationCancelledError). */
  create(
    data: TrainData,
    config: TrainConfig,
    preference: EnginePreference,
    signal?: { cancelled: boolean },
  ): Promise<EngineChoice>;
  /** Forgets the measurements kept for this case, so the next 'auto' measures again. */
  forget?(data: TrainData, config: TrainConfig): void;
  /**
   * What 'auto' would choose, measured as `create` measures, without building the run's trainer
   * (a calibration without a run: at 25M rows that trainer took seconds and gigabytes for
   * nothing). Absent: `create`, and its trainer disposed.
   */
  measure?(
    data: TrainData,
    config: TrainConfig,
    signal?: { cancelled: boolean },
  ): Promise<Omit<EngineChoice, 'trainer'>>;
}

/** Rows a second of a measurement, and whether it was cut short (see `measureRows`). */
export interface Measured {
  rowsPerSecond: number;
  /**
   * The measurement stopped at its deadline while behind the leader: `rowsPerSecond` is then an
   * upper bound (rows issued over the time spent, warm-up included), below the leader's rate.
   */
  cutShort: boolean;
}

/** Resolves after `ms` (at once when `ms` <= 0). */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Training rows a second of a fresh trainer: a warm-up of at least one step and `minMs` / 2
 * (shader compilation and first uploads on tfjs; the JIT of freshly started kernel workers),
 * then steps in growing groups, each group waited for, until `minMs` have passed.
 *
 * With a `leader` (the best rate measured so far) and a `deadline` (ms of measurement), a
 * candidate that cannot catch up is dropped at the deadline instead of being measured to the
 * end: once the deadline passes, even the optimistic bound of the rows it was given (finished
 * or not) over the time spent is below the leader's rate, so no further measuring can make it
 * the choice. A step still running on the GPU is not waited for then (its read is returned as
 * `pending`, for the caller to let it finish before measuring anything else); one running on
 * this thread (tfjs wasm, the CPU) cannot be interrupted and ends first.
 */
export async function measureRows(
  trainer: ModelTrainer,
  minMs = 250,
  bound?: { leader: number; deadline: number },
): Promise<Measured & { pending?: Promise<void> }> {
  const start = performance.now();
  const deadline = bound ? start + bound.deadline : Infinity;
  let issued = 0;
  let pending: Promise<void> | undefined;
  // The optimistic rate so far, and whether it has fallen behind for good.
  // (`timedOut`: the deadline's timer fired, which may be a millisecond before `deadline`.)
  const behind = (timedOut = false) => {
    const now = performance.now();
    const late = timedOut || now >= deadline;
    return bound !== undefined && late && (issued / (now - start)) * 1000 < bound.leader;
  };
  // Steps between loss reads: doubled after each read, and carried from the warm-up into the
  // timed run, so that a fast engine is timed on groups of steps (as a run reads its loss about
  // every 250 ms), not on single steps that a job's message round trip dominates.
  let group = 1;
  const run = async (ms: number): Promise<number | null> => {
    let rows = 0;
    const t0 = performance.now();
    while (!trainer.finished) {
      for (let k = 0; k < group && !trainer.finished; k++) {
        rows += trainer.batchRows;
        issued += trainer.batchRows;
        trainer.step();
      }
      const loss = trainer.takeLoss();
      if (bound) {
        const waited = await Promise.race([
          loss.then(() => true),
          sleep(deadline - performance.now()).then(() => false),
        ]);
        if (!waited && behind(true)) {
          pending = loss.then(
            () => {},
            () => {},
          );
          return null;
        }
      }
      await loss;
      if (behind()) return null;
      if (performance.now() - t0 >= ms) break;
      group *= 2;
    }
    // NaN: the trainer had no steps left to time.
    return rows ? (rows / Math.max(performance.now() - t0, 1e-3)) * 1000 : NaN;
  };
  const cut = () => ({
    rowsPerSecond: (issued / Math.max(performance.now() - start, 1e-3)) * 1000,
    cutShort: true,
    ...(pending && { pending }),
  });
  const warm = await run(minMs / 2);
  if (warm === null) return cut();
  const rate = await run(minMs);
  if (rate === null) return cut();
  // A fast engine can finish the throwaway trainer's steps in its warm-up: then that is its rate.
  return {
    rowsPerSecond: Number.isNaN(rate) ? (Number.isNaN(warm) ? 0 : warm) : rate,
    cutShort: false,
  };
}

/** `measureRows` without a leader: the rows a second of a full measurement. */
export async function measureRowsPerSecond(trainer: ModelTrainer, minMs = 250): Promise<number> {
  return (await measureRows(trainer, minMs)).rowsPerSecond;
}

/**
 * How long a candidate behind the leader is measured: a twentieth of the leader's estimated
 * whole run (its rows over its rate), within 0.25-5 s. An engine that needs longer than that to
 * start (shader compilation) cannot pay it back in a short run; in a long one it has the time.
 */
export function measureDeadline(leaderRate: number, runRows: number): number {
  const runMs = (runRows / leaderRate) * 1000;
  return Math.min(5000, Math.max(250, runMs / 20));
}

/**
 * The order engines are measured in: the CPU engines start in milliseconds, the GPU ones compile
 * their shaders first, so measuring the CPU ones first gives the GPU ones a leader to be
 * measured against (`measureRows`'s bound) rather than the other way round.
 */
const MEASURE_ORDER: Record<EngineName, number> = {
  'cpu-parallel': 0,
  cpu: 1,
  webgl: 2,
  webgpu: 3,
};

/** Steps a measurement stopped waiting for that may still be running on the GPU. */
const dropped = new Set<Promise<void>>();

/**
 * Resolves once the GPU steps dropped by measurements have run (or `signal.cancelled` is set).
 * A run that starts at once waits for them only as long as its own length (chooseEngine); the
 * calibration at start, which nothing waits for, lets them finish before it says it is done:
 * on a software renderer (WebGPU on SwiftShader) they were seconds of CPU work that halved the
 * speed of a run started right after.
 */
export async function droppedStepsSettled(signal?: { cancelled: boolean }): Promise<void> {
  while (dropped.size && !signal?.cancelled) await Promise.race([Promise.all(dropped), sleep(50)]);
}

/** The calibration was cancelled (a run was asked for); what it measured so far is kept. */
export class CalibrationCancelledError extends Error {
  constructor() {
    super('Calibration cancelled');
    this.name = 'CalibrationCancelledError';
  }
}

/**
 * Picks the engine (measured when `preference` is 'auto') and returns a fresh trainer on it.
 * `rates`: measurements already taken for this model, data and settings; kept and added to, so
 * a caller that keeps the map measures each case once. Candidates are measured in order; once
 * one has a rate, the others are measured against it (`measureRows`'s bound), and those cut
 * short keep their bound with a reason. `signal.cancelled`, checked between candidates, stops
 * the measuring with CalibrationCancelledError. `wholeRun`: the training rows the run reads
 * (measure-data.ts, runRows), when the measured trainers see fewer rows than the run's.
 */
export async function chooseEngine(
  ...args: Parameters<typeof measureEngines>
): Promise<EngineChoice> {
  const choice = await measureEngines(...args);
  const pick = args[0].find((c) => c.engine === choice.engine)!;
  return { ...choice, trainer: await pick.make!() };
}

/** `chooseEngine`'s measurement and choice, without building the chosen engine's trainer. */
export async function measureEngines(
  candidates: EngineCandidate[],
  preference: EnginePreference,
  rates = new Map<EngineName, Measured>(),
  minMs = 250,
  signal?: { cancelled: boolean },
  wholeRun?: number,
): Promise<Omit<EngineChoice, 'trainer'>> {
  const offered = candidates.filter((c) => c.make);
  if (!offered.length) throw new Error('no engine can train this model');
  let pick = offered.find((c) => c.engine === preference);
  const notes = new Map<EngineName, string>();
  if (preference !== 'auto' && !pick)
    notes.set(offered[0].engine, `${preference} cannot train this model`);
  if (!pick && offered.length > 1) {
    const rate = (e: EngineName) => rates.get(e)?.rowsPerSecond ?? 0;
    const best = () => Math.max(0, ...offered.map((c) => rate(c.engine)));
    let runRows = wholeRun;
    for (const c of [...offered].sort(
      (a, b) => MEASURE_ORDER[a.engine] - MEASURE_ORDER[b.engine],
    )) {
      if (rates.has(c.engine)) continue;
      if (signal?.cancelled) throw new CalibrationCancelledError();
      const trainer = await c.make!(true);
      try {
        const leader = best();
        // The run's rows (the same data and settings on every engine), else from the first made.
        runRows ??= trainer.batchRows * trainer.stepsPerEpoch * trainer.epochs;
        const deadline = measureDeadline(leader, runRows);
        const m = await measureRows(trainer, minMs, leader > 0 ? { leader, deadline } : undefined);
        rates.set(c.engine, { rowsPerSecond: m.rowsPerSecond, cutShort: m.cutShort });
        // A dropped GPU step still queued finishes before anything else is measured or the run
        // starts: on a software renderer it is CPU work that would count against them. Waited
        // for at most the leader's whole run (past that it would slow the run either way).
        if (m.pending) {
          dropped.add(m.pending);
          void m.pending.then(() => dropped.delete(m.pending!));
          await Promise.race([m.pending, sleep((runRows / leader) * 1000)]);
        }
      } finally {
        trainer.dispose();
      }
    }
    pick = offered.reduce((a, b) => (rate(b.engine) > rate(a.engine) ? b : a));
  }
  pick ??= offered[0];
  const engines = candidates.map((c): EngineMeasurement => {
    const m = c.make ? rates.get(c.engine) : undefined;
    const cut = m?.cutShort && 'measuring stopped early: it could not catch up (an upper bound)';
    const reason = [c.reason, notes.get(c.engine), cut].filter(Boolean).join('; ');
    return {
      engine: c.engine,
      rowsPerSecond: m?.rowsPerSecond ?? null,
      chosen: c === pick,
      ...(reason && { reason }),
    };
  });
  return { engine: pick.engine, engines };
}
