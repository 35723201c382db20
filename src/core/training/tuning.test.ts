import { describe, expect, it } from 'vitest';
import { sampleSettings, schedule, Search } from './tuning';
import { DEFAULT_CONFIG, type TrainConfig } from './config';

const mf: TrainConfig = { ...DEFAULT_CONFIG, model: 'biased-mf', epochs: 9 };

describe('the search', () => {
  it('samples the model’s own knobs around its settings, the settings themselves first', () => {
    const s = sampleSettings(mf, 20, 1);
    expect(s[0]).toEqual({ learningRate: mf.learningRate, l2: mf.l2, dim: mf.dim });
    for (const x of s) {
      expect(x.learningRate!).toBeGreaterThanOrEqual(mf.learningRate / 5 - 1e-12);
      expect(x.learningRate!).toBeLessThanOrEqual(mf.learningRate * 5 + 1e-12);
      expect(x.l2!).toBeGreaterThanOrEqual(mf.l2 / 10 - 1e-12);
      expect([8, 16, 32, 64, 128]).toContain(x.dim);
      expect(x.hidden).toBeUndefined(); // biased MF has no hidden layer
    }
    expect(new Set(s.map((x) => x.learningRate)).size).toBeGreaterThan(10);
    expect(sampleSettings(mf, 20, 1)).toEqual(s); // seeded
    // AutoRec has no embedding dimension of its own, but hidden units.
    const autorec = sampleSettings({ ...mf, model: 'autorec' }, 5, 1);
    expect(autorec.every((x) => x.dim === undefined && x.hidden !== undefined)).toBe(true);
    expect(() => sampleSettings({ ...mf, model: 'popularity' }, 3, 1)).toThrow(/nothing to tune/);
  });

  it('successive halving: a third continue with three times the epochs', () => {
    expect(schedule({ method: 'halving', trials: 9, minutes: 0 }, 9)).toEqual({
      epochs: [1, 3, 9],
      keep: [9, 3, 1],
    });
    expect(schedule({ method: 'halving', trials: 5, minutes: 0 }, 12)).toEqual({
      epochs: [4, 12],
      keep: [5, 2],
    });
    expect(schedule({ method: 'random', trials: 6, minutes: 0 }, 7)).toEqual({
      epochs: [7],
      keep: [6],
    });
  });

  it('promotes the best of each rung and names the best of the last rung', () => {
    const search = new Search(mf, { method: 'halving', trials: 9, minutes: 0 });
    expect(search.total).toBe(13);
    const seen: { rung: number; epochs: number; lr: number }[] = [];
    // A planted objective: the closer the learning rate to 0.03, the better.
    const score = (lr: number) => -Math.abs(Math.log(lr / 0.03));
    for (let t = search.next(); t; t = search.next()) {
      seen.push({ rung: t.rung, epochs: t.epochs, lr: t.settings.learningRate! });
      search.report(t, score(t.settings.learningRate!));
    }
    expect(seen.map((s) => s.rung)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
    expect(seen.filter((s) => s.rung === 2)[0].epochs).toBe(9);
    const first = seen.filter((s) => s.rung === 0).map((s) => s.lr);
    const bestOfFirst = [...first].sort((a, b) => score(b) - score(a)).slice(0, 3);
    expect(seen.filter((s) => s.rung === 1).map((s) => s.lr)).toEqual(bestOfFirst);
    expect(search.best()!.trial.rung).toBe(2);
    expect(search.best()!.trial.settings.learningRate).toBe(bestOfFirst[0]);
  });

  it('waits for a rung’s reports before promoting', () => {
    const search = new Search(mf, { method: 'halving', trials: 3, minutes: 0 });
    const a = [search.next()!, search.next()!, search.next()!];
    expect(search.next()).toBeNull();
    a.forEach((t, k) => search.report(t, k));
    expect(search.next()!.settings).toBe(a[2].settings);
    expect(search.next()).toBeNull();
  });
});
