/**
 * Hyper-parameter search on the validation part: which settings to try (a seeded random sample of
 * the model's own knobs around its defaults) and in what order (random search, or successive
 * halving: many short trials, the best third continue with three times the epochs, as in
 * Hyperband's brackets). Trials restart from scratch; the session trains them and compares them
 * by their validation score only (protocol.ts).
 */
import { MODELS } from '../models/catalog';
import { mulberry32 } from '../util/random';
import { LIMITS, type TrainConfig } from './config';

export type TuneMethod = 'random' | 'halving';

export interface TuneBudget {
  method: TuneMethod;
  /** Settings sampled (random search: trials; successive halving: the first rung's trials). */
  trials: number;
  /** Wall-clock budget: no trial starts after it (0: none). */
  minutes: number;
}

export const DEFAULT_TUNE: TuneBudget = { method: 'halving', trials: 9, minutes: 2 };

/** The settings a search varies (those the model reads). */
export type TunedSettings = Partial<Pick<TrainConfig, 'learningRate' | 'l2' | 'dim' | 'hidden'>>;

/** One trial: settings over the base config, trained for `epochs`, in rung `rung`. */
export interface Trial {
  id: number;
  rung: number;
  epochs: number;
  settings: TunedSettings;
}

const DIMS = [8, 16, 32, 64, 128];
const HIDDEN = [64, 128, 256, 512];

/**
 * `n` settings sampled around `base`: learning rate log-uniform within 5x of it, L2 within 10x
 * (around 0.01 when it is 0), dimension and hidden units from a ladder. Only the settings the
 * model reads vary. The first sample is `base` itself, so the search can only match or beat it.
 */
export function sampleSettings(base: TrainConfig, n: number, seed: number): TunedSettings[] {
  const info = MODELS.find((m) => m.name === base.model);
  if (!info) throw new Error(`unknown model "${base.model}"`);
  if (info.fitted) throw new Error(`${info.label} is fitted in closed form: nothing to tune`);
  const reads = new Set<string>(info.settings);
  const random = mulberry32(seed ^ 0x2545f491);
  const logUniform = (lo: number, hi: number) =>
    Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo)));
  const clamp = (key: 'learningRate' | 'l2', v: number) =>
    Math.min(LIMITS[key].max, Math.max(LIMITS[key].min, Number(v.toPrecision(3))));
  const own = (): TunedSettings => ({
    ...(reads.has('learningRate') && { learningRate: base.learningRate }),
    ...(reads.has('l2') && { l2: base.l2 }),
    ...(reads.has('dim') && { dim: base.dim }),
    ...(reads.has('hidden') && { hidden: base.hidden }),
  });
  const out: TunedSettings[] = [own()];
  while (out.length < n) {
    const s: TunedSettings = {};
    if (reads.has('learningRate'))
      s.learningRate = clamp(
        'learningRate',
        logUniform(base.learningRate / 5, base.learningRate * 5),
      );
    if (reads.has('l2')) {
      const centre = base.l2 > 0 ? base.l2 : 0.01;
      s.l2 = clamp('l2', logUniform(centre / 10, centre * 10));
    }
    if (reads.has('dim')) s.dim = DIMS[Math.floor(random() * DIMS.length)];
    if (reads.has('hidden')) s.hidden = HIDDEN[Math.floor(random() * HIDDEN.length)];
    out.push(s);
  }
  return out;
}

/** Successive halving's reduction factor: a third of each rung continues, with 3x the epochs. */
const ETA = 3;

/**
 * The search's rungs: random search is one rung of `trials` at the full epochs; successive
 * halving starts `trials` settings at epochs / 3^(rungs-1) and keeps the best third per rung
 * until one runs the full epochs. `epochs[r]` is rung r's epochs, `keep[r]` its trials.
 */
export function schedule(budget: TuneBudget, epochs: number): { epochs: number[]; keep: number[] } {
  const trials = Math.max(1, Math.floor(budget.trials));
  if (budget.method === 'random' || trials < ETA) return { epochs: [epochs], keep: [trials] };
  const rungs = Math.floor(Math.log(trials) / Math.log(ETA) + 1e-9) + 1;
  const out = { epochs: [] as number[], keep: [] as number[] };
  for (let r = 0; r < rungs; r++) {
    out.epochs.push(Math.max(1, Math.round(epochs / ETA ** (rungs - 1 - r))));
    out.keep.push(Math.max(1, Math.ceil(trials / ETA ** r)));
  }
  return out;
}

/**
 * The search as a state machine the session drives: `next()` gives the trial to train (or null
 * when the search is done), `report(trial, score)` its validation score (higher is better;
 * -Infinity when it failed). Rung r+1 starts once every trial of rung r has reported.
 */
export class Search {
  private readonly settings: TunedSettings[];
  private readonly plan: { epochs: number[]; keep: number[] };
  private rung = 0;
  /** Indices into `settings` of the current rung, and their scores once reported. */
  private current: number[];
  private scores = new Map<number, number>();
  private started = 0;
  private nextId = 1;
  readonly results: { trial: Trial; score: number }[] = [];

  constructor(base: TrainConfig, budget: TuneBudget) {
    this.plan = schedule(budget, base.epochs);
    this.settings = sampleSettings(base, this.plan.keep[0], base.seed);
    this.current = this.settings.map((_, k) => k);
  }

  /** Trials the search will train in all (when it is not cut short). */
  get total(): number {
    return this.plan.keep.reduce((a, b) => a + b, 0);
  }

  next(): Trial | null {
    if (this.started === this.current.length) {
      if (this.scores.size < this.current.length) return null; // waiting for reports
      if (this.rung + 1 >= this.plan.epochs.length) return null;
      // The best of this rung continue, with more epochs.
      const keep = this.plan.keep[this.rung + 1];
      this.current = [...this.current]
        .sort((a, b) => this.scores.get(b)! - this.scores.get(a)! || a - b)
        .slice(0, keep);
      this.rung++;
      this.scores = new Map();
      this.started = 0;
    }
    const k = this.current[this.started++];
    return {
      id: this.nextId++,
      rung: this.rung,
      epochs: this.plan.epochs[this.rung],
      settings: this.settings[k],
    };
  }

  report(trial: Trial, score: number): void {
    const k = this.settings.indexOf(trial.settings);
    this.scores.set(k, score);
    this.results.push({ trial, score });
  }

  /** The best trial so far: from the highest rung reached, by validation score. */
  best(): { trial: Trial; score: number } | null {
    let best: { trial: Trial; score: number } | null = null;
    for (const r of this.results) {
      if (!Number.isFinite(r.score)) continue;
      if (
        !best ||
        r.trial.rung > best.trial.rung ||
        (r.trial.rung === best.trial.rung && r.score > best.score)
      )
        best = r;
    }
    return best;
  }
}
