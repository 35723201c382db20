/**
 * The training worker's engines: tfjs on its default backend (webgl), on wasm (the 'cpu' engine)
 * and on webgpu where they start (tfjs-engines.ts), and the parallel typed-array row engine
 * (kernel workers over shared memory) for the models that have a kernel. Chosen per run by
 * src/core/engines/choose.ts.
 */
import { tf } from '../../core/tf/tfjs';
import { createModel } from '../../core/models/registry';
import { modelContext, type TrainData } from '../../core/training/trainer';
import type { TrainConfig } from '../../core/training/config';
import { RowEngineTrainer, rowKernelProblem } from '../../core/engines/row-trainer';
import {
  CalibrationCancelledError,
  chooseEngine,
  measureEngines,
  measureRowsPerSecond,
  type EngineCandidate,
  type EngineHook,
  type Measured,
} from '../../core/engines/choose';
import type { EngineName, EnginePreference } from '../../core/engines/types';
import { browserExecutor, parallelProblem, parallelThreads } from '../engine/parallel';
import { tfjsCandidates } from './tfjs-engines';
import { releaseWasm } from './tfjs-backends';
import { measuringData, runRows } from '../../core/engines/measure-data';

/** The engine name of the tfjs backend in use (wasm and cpu both run on the CPU). */
export function tfjsEngine(): EngineName {
  const b = tf.getBackend();
  return b === 'webgl' || b === 'webgpu' ? b : 'cpu';
}

/**
 * Calibrations already run in this worker, by what decides the speed: model, data shape and
 * the settings a step's cost depends on. A new run of the same case reuses them.
 */
const measured = new Map<string, Map<EngineName, Measured>>();
/** Kernel workers measured per case (see `kernelThreads`). */
const threadRates = new Map<string, ThreadRates>();

/** Rows a second of the row kernel on every core and on one core fewer (1 on two cores). */
interface ThreadRates {
  all: number;
  fewer: number;
}

/**
 * Workers for the row kernel: one per core, unless one core fewer measures faster. A step joins
 * its workers at p + 2 barriers, so when other programs keep the cores busy a descheduled
 * worker stalls the rest (measured on the busy 2-core machine: 0.46 M rows/s on 2 workers, 1.0 M
 * on one), and the calibration takes one core fewer. A run that lays out the map while it trains
 * (`projectEvery` above 0) leaves a core to the map: on two cores only while the map lays out
 * (the session narrows the engine to one thread meanwhile: ModelTrainer.narrowWhile), training on
 * both while it rests; on more, with one worker fewer throughout (a narrow job runs on one
 * thread, too few there). At 5M rows on the 2-core machine, with the live map running, one worker
 * trained an epoch in 2.2-4.1 s and two in 3.8-4.7 s, and two in 1.2-1.3 s while the map rested.
 * Its rate is the one with a core fewer, what most of a long run's epochs see.
 */
async function kernelThreads(
  key: string,
  liveMap: boolean,
  make: (threads: number) => Promise<RowEngineTrainer>,
  signal?: { cancelled: boolean },
): Promise<{ threads: number; note: string; rate?: number; narrowable?: boolean }> {
  const cores = parallelThreads();
  if (cores === 1) return { threads: 1, note: parallelProblem() ?? '1 worker' };
  const rate = async (threads: number) => {
    if (signal?.cancelled) throw new CalibrationCancelledError();
    const t = await make(threads);
    try {
      return await measureRowsPerSecond(t);
    } finally {
      t.dispose();
    }
  };
  let r = threadRates.get(key);
  if (!r) {
    r = { all: await rate(cores), fewer: await rate(cores - 1) };
    threadRates.set(key, r);
  }
  const fmt = (x: number) => `${(x / 1e6).toFixed(2)} M rows/s`;
  const workers = (n: number) => `${n} worker${n === 1 ? '' : 's'}`;
  // One core fewer is one thread on two cores: there the engine takes both while the map rests
  // and narrows to one while it lays out; on more cores it keeps to one worker fewer.
  if (liveMap && cores === 2)
    return {
      threads: cores,
      note: `${workers(cores)} while the map rests (${fmt(r.all)}), one while it lays out`,
      rate: r.fewer,
      narrowable: true,
    };
  if (liveMap)
    return {
      threads: cores - 1,
      note: `${workers(cores - 1)}, a core left to the live map (${workers(cores)}: ${fmt(r.all)} with the map at rest)`,
      rate: r.fewer,
    };
  return r.all >= r.fewer
    ? {
        threads: cores,
        note: `${workers(cores)} (${workers(cores - 1)}: ${fmt(r.fewer)})`,
        rate: r.all,
      }
    : {
        threads: cores - 1,
        note: `${workers(cores - 1)} (${workers(cores)}: ${fmt(r.all)}; the cores are busy)`,
        rate: r.fewer,
      };
}

/** What decides a case's speed: model, data shape and the settings a step's cost depends on. */
function caseKey(data: TrainData, config: TrainConfig): string {
  return [
    config.model,
    data.users,
    data.items,
    data.train.rating.length,
    data.userDay?.count ?? 0,
    config.dim,
    config.batchSize,
    config.optimizer,
    tf.getBackend(),
  ].join('|');
}

/**
 * The run's row-engine trainer, built as soon as a calibration chose the parallel CPU engine,
 * while the person looks at the page: at 25M rows its setup (the training rows laid out in its
 * workers' memory by user chunk, the tables drawn) took 2.6-3.5 s that Train then waited for.
 * The next run takes it when its data and threads are the calibration's and its settings differ
 * at most in what a run reads as it goes (Trainer.runWith: the epochs, say); anything else frees
 * it first. One is kept at most.
 */
let ready: {
  data: TrainData;
  threads: number;
  narrowable: boolean;
  trainer: Promise<RowEngineTrainer | null>;
} | null = null;

/** The trainers a run took from `ready`. */
const builtAhead = new WeakSet<RowEngineTrainer>();

/** Frees the trainer built ahead (when it is built). */
function dropReady(): void {
  const r = ready;
  ready = null;
  void r?.trainer.then((t) => t?.dispose());
}

/** Why the row kernel cannot train a case (null: it can), per case: the probe builds the model. */
const kernelProblems = new Map<string, string | null>();

/**
 * The candidates for a run of `config` on `data`, with the thread count of the row engine
 * measured (when it may run) and its rate kept in `rates`.
 */
async function candidatesFor(
  data: TrainData,
  config: TrainConfig,
  preference: EnginePreference,
  signal?: { cancelled: boolean },
) {
  // Every run starts on the default backend (a run before may have switched it). The engines
  // are measured on part of the rows (measure-data.ts): a few batches are all they time.
  const sample = measuringData(data);
  const tfjs = await tfjsCandidates(data, config, sample);
  const key = caseKey(data, config);
  const rates = measured.get(key) ?? new Map<EngineName, Measured>();
  measured.set(key, rates);
  // A throwaway model answers whether the kernel can train it (and frees its tables at once):
  // once per case, as at 25M rows its tables took a second to build.
  const problemKey = `${key}|${config.split}`;
  if (!kernelProblems.has(problemKey)) {
    const probe = createModel(config.model, modelContext(data, config));
    kernelProblems.set(problemKey, rowKernelProblem(probe));
    probe.dispose();
  }
  const problem = kernelProblems.get(problemKey)!;
  const make = (threads: number, measuring = false, narrowable = false) =>
    RowEngineTrainer.create(measuring ? sample : data, config, browserExecutor(), threads, {
      narrowable,
    });
  // The run's trainer: the one built ahead when it is this run's, else a new one.
  const run = async (threads: number, narrowable: boolean) => {
    const r = ready;
    if (r?.data !== data || r.threads !== threads || r.narrowable !== narrowable)
      return make(threads, false, narrowable);
    ready = null;
    const t = await r.trainer;
    if (t?.runWith(config)) {
      builtAhead.add(t);
      return t;
    }
    t?.dispose();
    return make(threads, false, narrowable);
  };
  // The worker count is measured only when the parallel engine may run.
  const parallel =
    !problem && (preference === 'auto' || preference === 'cpu-parallel')
      ? await kernelThreads(key, config.projectEvery > 0, (threads) => make(threads, true), signal)
      : null;
  // The thread count's own measurement is the engine's: not measured a second time (issue 15:
  // the calibration was most of a short run's time).
  if (parallel?.rate) rates.set('cpu-parallel', { rowsPerSecond: parallel.rate, cutShort: false });
  const candidates: EngineCandidate[] = [
    ...tfjs.candidates,
    {
      engine: 'cpu-parallel',
      // The row engine's tfjs parts (evaluation, snapshots) run on the default backend, not
      // on whichever backend a calibration measured last.
      make: parallel
        ? async (measuring) => {
            await tfjs.useHome();
            return measuring
              ? make(parallel.threads, true)
              : run(parallel.threads, !!parallel.narrowable);
          }
        : null,
      reason: problem ?? parallel?.note ?? 'not measured: tfjs was chosen',
    },
  ];
  /** Builds the run's trainer ahead (see `ready`), when the parallel CPU engine was chosen. */
  const prepare = () => {
    if (!parallel) return;
    const { threads } = parallel;
    const narrowable = !!parallel.narrowable;
    // The setup's synchronous part starts in a task of its own, after the caller's answer.
    const trainer = new Promise<void>((r) => setTimeout(r, 0))
      .then(() => make(threads, false, narrowable))
      .catch(() => null);
    ready = { data, threads, narrowable, trainer };
  };
  return { candidates, rates, backend: tfjs.inUse, home: tfjs.useHome, prepare };
}

export const workerEngines: EngineHook = {
  forget(data, config) {
    const key = caseKey(data, config);
    measured.delete(key);
    threadRates.delete(key);
  },
  async create(data, config, preference, signal) {
    // A trainer built ahead for other data is freed before anything is measured.
    if (ready && ready.data !== data) dropReady();
    const { candidates, rates, backend } = await candidatesFor(data, config, preference, signal);
    const choice = await chooseEngine(
      candidates,
      preference,
      rates,
      undefined,
      signal,
      runRows(data, config.epochs),
    );
    // A trainer built ahead and not taken (another engine runs) gives its memory back now.
    dropReady();
    if (choice.engine !== 'cpu') await releaseWasm();
    return {
      ...choice,
      backend: backend(),
      ...(choice.trainer instanceof RowEngineTrainer &&
        builtAhead.has(choice.trainer) && { builtAhead: true }),
    };
  },
  async measure(data, config, signal) {
    dropReady();
    const { candidates, rates, home, prepare } = await candidatesFor(data, config, 'auto', signal);
    const choice = await measureEngines(
      candidates,
      'auto',
      rates,
      undefined,
      signal,
      runRows(data, config.epochs),
    );
    // The worker goes back to its default backend; the run's trainer is built ahead (in the
    // background: the calibration is answered first) when the parallel CPU engine won.
    await home();
    if (choice.engine !== 'cpu') await releaseWasm();
    if (choice.engine === 'cpu-parallel') prepare();
    return choice;
  },
};
