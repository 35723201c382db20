/**
 * `latent-lab tune`: the training session's search (tuning.ts) on the validation part, each
 * trial printed as it ends, the best settings printed as options for `train`, and every trial in
 * runs.csv with its test metrics at its selected epoch.
 */
import type { Dataset } from '../core/data/types';
import type { TrainConfig } from '../core/training/config';
import type { TunedSettings } from '../core/training/tuning';
import type { TestSet } from '../core/data/test-set';
import { runsCsv } from '../state/export';
import type { RunRecord } from '../state/lab-state';
import { summarizeRun } from '../state/runs';
import type { HistoryEntry, TrainingEvent } from '../core/training/session-messages';
import { TrainingSession } from '../core/training/session';
import { trainingPayload } from '../core/training/session-messages';
import type { TrainArgs } from './args';
import { writeOutputs } from './outputs';
import { duration, type Progress, type Terminal } from './progress';

/** Command-line flags of the tuned settings, as `train` reads them. */
export function settingsFlags(s: TunedSettings, epochs: number): string {
  return [
    s.learningRate !== undefined && `--lr ${s.learningRate}`,
    s.l2 !== undefined && `--l2 ${s.l2}`,
    s.dim !== undefined && `--dim ${s.dim}`,
    `--epochs ${epochs}`,
  ]
    .filter(Boolean)
    .join(' ');
}

export async function tune(
  d: Dataset,
  base: TrainConfig,
  args: TrainArgs,
  io: { stdout: Terminal },
  progress: Progress,
  backend: string,
  testSet: TestSet | null = null,
): Promise<void> {
  const started = performance.now();
  const runs: RunRecord[] = [];
  let history: HistoryEntry[] = [];
  let current: Extract<TrainingEvent, { type: 'trial' }> | null = null;
  let begun: Extract<TrainingEvent, { type: 'started' }> | null = null;
  let test: Extract<TrainingEvent, { type: 'test' }>['report'] | null = null;
  let best: Extract<TrainingEvent, { type: 'tuned' }>['best'] = null;
  let error: string | null = null;
  const metric = (score: number | null, ratings: boolean) =>
    score === null
      ? 'no score'
      : ratings
        ? `RMSE ${(-score).toFixed(4)}`
        : `Recall@20 ${score.toFixed(4)}`;
  const session = new TrainingSession((e) => {
    if (e.type === 'trial') {
      current = e;
      history = [];
      test = null;
      progress.update(
        `trial ${e.trial.id} of ${e.total}: rung ${e.trial.rung + 1}, ${e.config.epochs} epochs`,
      );
    } else if (e.type === 'started') begun = e;
    else if (e.type === 'epoch') history.push(e.entry);
    else if (e.type === 'test') test = e.report;
    else if (e.type === 'trial-end' && current && begun && history.length) {
      const ratings = begun.predictsRatings;
      const run = summarizeRun(
        runs.length + 1,
        { ...begun, model: current.config.model, config: current.config, history, test },
        d.name,
        'done',
      );
      runs.push({ ...run, trial: { id: e.trial.id, rung: e.trial.rung, score: e.score } });
      progress.line(
        `trial ${e.trial.id} (rung ${e.trial.rung + 1}, ${current.config.epochs} epochs) ` +
          `${settingsFlags(e.trial.settings, current.config.epochs)}: validation ${metric(e.score, ratings)}`,
      );
    } else if (e.type === 'tuned') best = e.best;
    else if (e.type === 'error') error ??= e.message;
  }, 1e9);
  session.handle({
    type: 'train',
    data: trainingPayload(d, testSet),
    config: base,
    tune: args.tune,
  });
  await session.whenIdle();
  progress.clear();
  if (error) throw new Error(error);
  const written = await writeOutputs(args.out, [['runs.csv', runsCsv(runs)]]);
  const found = best as Extract<TrainingEvent, { type: 'tuned' }>['best'];
  if (!found) throw new Error('no trial finished');
  const ratings = runs[0]?.feedback === 'explicit' && runs[0].rmse !== undefined;
  io.stdout.write(
    `best on validation: ${settingsFlags(found.trial.settings, found.trial.epochs)} ` +
      `(validation ${metric(found.score, ratings)}, trial ${found.trial.id} of ${runs.length}); ` +
      `${runs.length} trials in ${duration((performance.now() - started) / 1000)} on ${backend}; ` +
      `wrote ${written[0].path}\n`,
  );
}
