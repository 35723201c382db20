/**
 * How the per-model defaults in catalog.ts are chosen: the session's own search (tuning.ts:
 * successive halving around the current defaults) on the MovieLens sample, trials compared by
 * their validation score only, so the test part plays no part in the choice. Prints every trial
 * and the best settings; writes bench/defaults/results.json (the search per model and feedback).
 *
 *   MODELS=svdpp,hybrid npm run bench:defaults
 *   FEEDBACK=implicit MODELS=bpr npm run bench:defaults
 *   TRIALS=27 EPOCHS=27 SEED=42 npm run bench:defaults
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { MODELS } from '../../src/core/models/catalog';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/core/training/config';
import { TrainingSession } from '../../src/core/training/session';
import { trainingPayload, type TrainingEvent } from '../../src/core/training/session-messages';
import { serialEngines } from '../../src/core/engines/node-engines';
import type { TunedSettings } from '../../src/core/training/tuning';
import { loadSample } from '../sample';

interface SearchResult {
  model: string;
  feedback: string;
  seed: number;
  trials: { settings: TunedSettings; epochs: number; rung: number; score: number | null }[];
  best: (TunedSettings & { epochs: number; score: number }) | null;
  seconds: number;
}

it('searches each model’s settings on the validation part', async () => {
  const d = loadSample();
  const only = process.env.MODELS?.split(',');
  const seed = Number(process.env.SEED ?? 42);
  for (const m of MODELS) {
    if (m.fitted || (only && !only.includes(m.name))) continue;
    if (!only && m.name === 'global-mean') continue;
    const feedback = process.env.FEEDBACK ?? m.defaults.feedback ?? DEFAULT_CONFIG.feedback;
    if (!m.kinds.includes(feedback as 'explicit' | 'implicit')) continue;
    const config: TrainConfig = {
      ...DEFAULT_CONFIG,
      model: m.name,
      ...m.defaults,
      ...(feedback === 'implicit' ? m.implicitDefaults : {}),
      feedback: feedback as TrainConfig['feedback'],
      epochs: Number(process.env.EPOCHS ?? 27),
      seed,
    };
    const events: TrainingEvent[] = [];
    const session = new TrainingSession(
      (e) => {
        events.push(e);
        if (e.type === 'trial-end')
          console.log(
            `${m.name} rung ${e.trial.rung} ${e.trial.epochs} epochs`,
            e.trial.settings,
            e.score,
          );
      },
      1e9,
      serialEngines,
    );
    const t0 = performance.now();
    session.handle({
      type: 'train',
      config,
      data: trainingPayload(d),
      tune: { method: 'halving', trials: Number(process.env.TRIALS ?? 18), minutes: 0 },
    });
    await session.whenIdle();
    const error = events.find((e) => e.type === 'error');
    if (error && error.type === 'error') throw new Error(`${m.name}: ${error.message}`);
    const trials = events.flatMap((e) =>
      e.type === 'trial-end'
        ? [
            {
              settings: e.trial.settings,
              epochs: e.trial.epochs,
              rung: e.trial.rung,
              score: e.score,
            },
          ]
        : [],
    );
    const tuned = events.find((e) => e.type === 'tuned');
    const best =
      tuned && tuned.type === 'tuned' && tuned.best
        ? { ...tuned.best.trial.settings, epochs: tuned.best.trial.epochs, score: tuned.best.score }
        : null;
    const r = {
      model: m.name,
      feedback,
      seed,
      trials,
      best,
      seconds: (performance.now() - t0) / 1000,
    };
    console.log(JSON.stringify({ model: r.model, feedback, best, seconds: r.seconds }));
    save(r);
  }
});

/** Keeps each search as it ends (a long run keeps what it measured), one per model and feedback. */
function save(r: SearchResult): void {
  const file = new URL('results.json', import.meta.url);
  const key = (x: SearchResult) => `${x.model}|${x.feedback}`;
  const old = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as SearchResult[]).filter((x) => key(x) !== key(r))
    : [];
  writeFileSync(file, JSON.stringify([...old, r], null, 2));
}
