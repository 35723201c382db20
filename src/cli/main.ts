/**
 * `latent-lab train ratings.csv ...`: read, train, recommend and write, with progress on stderr
 * and the files written plus a one-line summary on stdout. Every expected failure (bad arguments,
 * a bad file, invalid settings) is one message and exit code 1, never a stack trace.
 */
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HistoryEntry, TrainingEvent } from '../core/training/session-messages';
import { parseArgs, USAGE, UsageError, type TrainArgs } from './args';
import { outputFiles, recommendEveryone, writeOutputs } from './outputs';
import { bar, bytes, count, duration, plural, Progress, type Terminal } from './progress';
import { attachItemFile, fileSize, readInteractionFile, readTestFile } from './read-data';
import { describeTestSet, type TestSet } from '../core/data/test-set';
import { summarizeRun } from '../state/runs';
import { selectNodeBackend, trainConfig, trainModel, type TrainOutcome } from './train';
import { foldSummary, type FoldMetric } from '../core/training/protocol';
import { tune } from './tune';
import { describeEngines, nodeEngines } from './engine';
import { rankingSample } from '../core/training/ranking-sample';

export interface CliIo {
  stdout: Terminal;
  stderr: Terminal;
}

const fixed = (v: number | undefined, digits = 4) => (v === undefined ? '-' : v.toFixed(digits));

/** The held-out numbers of an epoch: RMSE / MAE for rating models, ranking metrics otherwise. */
function metrics(e: HistoryEntry, ratings: boolean): string {
  if (ratings) return `RMSE ${fixed(e.rmse)}  MAE ${fixed(e.mae)}`;
  return `Recall@20 ${fixed(e.recallAtK)}  NDCG@20 ${fixed(e.ndcgAtK)}`;
}

/** The progress line and per-epoch lines of a training run. */
function trainingView(progress: Progress): (e: TrainingEvent) => void {
  let epochs = 1;
  let totalSteps = 1;
  let ratings = true;
  return (e) => {
    if (e.type === 'started') {
      epochs = e.epochs;
      totalSteps = Math.max(1, e.stepsPerEpoch * e.epochs);
      ratings = e.predictsRatings;
      const validation = e.validationRows
        ? `${count(e.validationRows)} for validation`
        : 'no validation part (the last epoch is kept, early stopping is off)';
      progress.line(
        `training on ${count(e.trainRows)} rows, ${validation}, ${count(e.testRows)} for the test ` +
          `(${e.feedback} feedback, ${plural(e.stepsPerEpoch, 'step')} an epoch)`,
      );
      if (e.validationUnseen)
        progress.line(
          `${count(e.validationUnseen)} validation rows have a user or item with no training row`,
        );
    } else if (e.type === 'progress') {
      progress.update(
        `epoch ${e.epoch.toFixed(2)}/${epochs} ${bar(e.step / totalSteps)} ` +
          `loss ${e.loss.toFixed(4)}  ${count(e.rowsPerSecond)} rows/s  ETA ${duration(e.etaSeconds)}`,
      );
    } else if (e.type === 'epoch') {
      const h = e.entry;
      progress.line(
        `epoch ${h.epoch}/${epochs}  loss ${h.trainLoss.toFixed(4)}  ${h.split} ${metrics(h, ratings)}  ` +
          `(${duration(h.seconds)})`,
      );
    } else if (e.type === 'engine') {
      progress.line(describeEngines(e.engine, e.engines));
    } else if (e.type === 'fold') {
      progress.line(`fold ${e.index + 1} of ${e.count}`);
    } else if (e.type === 'early-stop') {
      progress.line(`stopped early at epoch ${e.epoch}: the best was epoch ${e.bestEpoch}`);
    }
  };
}

/** "test RMSE 0.8712 (MAE 0.6690) at epoch 5, chosen on validation; ..." */
function summary(o: TrainOutcome, backend: string): string {
  const h = o.history;
  const t = o.test;
  if (!t) return `no epoch finished; ${duration(o.seconds)} on ${backend}`;
  if (o.folds) {
    const f = foldSummary(o.folds.k, o.folds.reports);
    const pm = (m: FoldMetric) => `${fixed(f.mean[m])} ± ${fixed(f.sd[m])}`;
    const what = o.started.predictsRatings
      ? `test RMSE ${pm('rmse')} (MAE ${pm('mae')})`
      : `test Recall@20 ${pm('recallAtK')} (NDCG@20 ${pm('ndcgAtK')})`;
    return `${what} over ${f.done} of ${f.k} folds, each at its epoch chosen on validation; ${duration(o.seconds)} on ${backend}`;
  }
  const what = o.started.predictsRatings
    ? `test RMSE ${fixed(t.rmse)} (MAE ${fixed(t.mae)})`
    : `test Recall@20 ${fixed(t.recallAtK)} (NDCG@20 ${fixed(t.ndcgAtK)})${rankingSample(t.ranking)}`;
  const how = o.started.validationRows ? 'chosen on validation' : 'the last (no validation part)';
  return `${what} at epoch ${t.epoch}, ${how}; ${plural(h.length, 'epoch')} in ${duration(o.seconds)} on ${backend}`;
}

/** Reads the data set and its metadata, and picks the backend: what both commands start with. */
async function prepare(args: TrainArgs, progress: Progress) {
  const name = basename(args.input);
  const total = await fileSize(args.input);
  if (args.items) await fileSize(args.items);
  // A missing test file is found before minutes of reading the ratings file.
  if (args.test) await fileSize(args.test);
  const readStart = performance.now();
  const read = await readInteractionFile(args.input, (p) =>
    progress.update(
      `reading ${name} ${bar(p.bytes / Math.max(1, total))} ` +
        `${bytes(p.bytes)} / ${bytes(total)}  ${count(p.rows)} rows`,
    ),
  );
  let d = read.dataset;
  const format = read.format.layout ? `${read.format.layout} layout` : read.format.format;
  progress.line(
    `read ${name}: ${count(read.rowsRead)} ${d.kind === 'explicit' ? 'ratings' : 'interactions'}` +
      ` (${format}), ${count(d.userIds.length)} users, ${count(d.itemIds.length)} items` +
      ` in ${duration((performance.now() - readStart) / 1000)}` +
      (d.skippedRows ? `; ${count(d.skippedRows)} rows skipped (${d.issues[0]?.message})` : '') +
      (read.clean.duplicates ? `; ${count(read.clean.duplicates)} repeated pairs merged` : ''),
  );
  if (args.items) {
    const meta = await attachItemFile(d, args.items);
    d = meta.dataset;
    progress.line(
      `${basename(args.items)}: metadata for ${count(meta.matched)} of ${count(d.itemIds.length)} items`,
    );
  }
  let testSet: TestSet | null = null;
  if (args.test) {
    const testName = basename(args.test);
    const testTotal = await fileSize(args.test);
    const mapped = await readTestFile(args.test, read.format, d, (p) =>
      progress.update(
        `reading ${testName} ${bar(p.bytes / Math.max(1, testTotal))} ${count(p.rows)} rows`,
      ),
    );
    testSet = mapped.set;
    progress.line(describeTestSet(mapped));
  }
  const config = trainConfig(args.overrides, d.kind);
  const backend = await selectNodeBackend(args.backend);
  progress.line(`backend: ${backend.name}: ${backend.note}`);
  return { d, config, backend, testSet };
}

async function train(args: TrainArgs, io: CliIo, progress: Progress): Promise<void> {
  const { d, config, backend, testSet } = await prepare(args, progress);
  progress.line(
    `model ${config.model}: dim ${config.dim}, ${plural(config.epochs, 'epoch')}, lr ${config.learningRate}, ` +
      `batch ${config.batchSize}, ${config.optimizer}, ${config.split} split, seed ${config.seed}`,
  );
  let engineName: string = backend.name;
  const view = trainingView(progress);
  const outcome = await trainModel(
    d,
    config,
    (e) => {
      if (e.type === 'engine') engineName = e.engine;
      view(e);
    },
    undefined,
    testSet,
    { hook: nodeEngines(), preference: args.engine },
  );
  // The training rows a second of the whole run (epochs' own time: no evaluation or reading).
  const trainSeconds = outcome.history.reduce((a, h) => a + h.seconds, 0);
  const rate = (outcome.started.trainRows * outcome.history.length) / Math.max(trainSeconds, 1e-9);
  progress.line(`trained on ${engineName}: ${count(rate)} rows/s`);
  const s = outcome.snapshot;
  let recommendations = null;
  if (s.dim >= 1) {
    const k = Math.min(args.top, d.itemIds.length);
    const r = await recommendEveryone(d, s, k, (done, all) =>
      progress.update(`recommending ${bar(done / all)} ${count(done)} / ${count(all)} users`),
    );
    recommendations = { k, ...r };
  }
  progress.clear();
  const { feedback, userDays, predictsRatings } = outcome.started;
  const run = summarizeRun(
    1,
    {
      model: config.model,
      config,
      feedback,
      userDays,
      predictsRatings,
      history: outcome.history,
      test: outcome.test,
      folds: outcome.folds,
    },
    d.name,
    outcome.status,
  );
  const written = await writeOutputs(
    args.out,
    outputFiles({
      dataset: d,
      snapshot: s,
      config,
      run,
      recommendations,
      projectorUrl: args.projectorUrl,
    }),
  );
  const width = Math.max(...written.map((w) => w.path.length));
  io.stdout.write(
    `wrote ${written.length} files:\n` +
      written.map((w) => `  ${w.path.padEnd(width)}  ${bytes(w.bytes).padStart(9)}\n`).join(''),
  );
  io.stdout.write(`${summary(outcome, backend.name)}\n`);
}

/** Runs the command line; resolves to the process exit code. */
export async function main(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const progress = new Progress(io.stderr);
  try {
    const args = parseArgs(argv);
    if (args.command === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (args.command === 'tune') {
      const { d, config, backend, testSet } = await prepare(args, progress);
      await tune(d, config, args, io, progress, backend.name, testSet);
    } else await train(args, io, progress);
    return 0;
  } catch (e) {
    progress.clear();
    const message = e instanceof Error ? e.message : String(e);
    const hint = e instanceof UsageError ? ' (latent-lab --help shows the usage)' : '';
    io.stderr.write(`latent-lab: ${message}${hint}\n`);
    return 1;
  }
}

// Run directly (`node dist-cli/main.js ...`) as well as through bin/latent-lab.mjs.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main(process.argv.slice(2));
