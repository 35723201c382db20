import { describe, expect, it } from 'vitest';
import { TrainingSession } from '../training/session';
import type { TrainingDataPayload, TrainingEvent } from '../training/session-messages';
import { DEFAULT_CONFIG } from '../training/config';
import { createTrainer } from '../training/create';
import { plantedLowRank } from '../data/synthetic';
import { emptyFeatureTable } from '../data/types';
import { chooseEngine, type EngineHook, type Measured } from './choose';
import type { EngineName } from './types';

function payload(): TrainingDataPayload {
  const d = plantedLowRank({ users: 30, items: 20, rank: 2, density: 0.5, noise: 0.1, seed: 5 });
  return {
    users: 30,
    items: 20,
    ...d,
    timestamp: null,
    kind: 'explicit',
    ratingMin: -Infinity,
    ratingMax: Infinity,
    itemFeatures: emptyFeatureTable(20),
    userFeatures: emptyFeatureTable(30),
  };
}

/** A hook like the worker's: measurements kept per case until forgotten; counts what it built. */
function keepingHook() {
  const made = { cpu: 0, webgl: 0 };
  let rates = new Map<EngineName, Measured>();
  const forgot: number[] = [];
  const hook: EngineHook = {
    forget(data) {
      forgot.push(data.train.rating.length);
      rates = new Map();
    },
    create: (data, config, preference, signal) =>
      chooseEngine(
        (['cpu', 'webgl'] as const).map((engine) => ({
          engine,
          make: async () => {
            made[engine]++;
            return createTrainer(data, config);
          },
        })),
        preference,
        rates,
        20,
        signal,
      ),
  };
  return { hook, made, forgot };
}

async function calibrateOnce(session: TrainingSession, events: TrainingEvent[]) {
  session.handle({ type: 'calibrate', data: payload(), config: { ...DEFAULT_CONFIG, dim: 4 } });
  await session.whenIdle();
  return events.filter((e) => e.type === 'calibrated').at(-1)!;
}

describe('calibrate (Recalibrate)', () => {
  it('measures every engine afresh each time, on the training part, and trains nothing', async () => {
    const { hook, made, forgot } = keepingHook();
    const events: TrainingEvent[] = [];
    const session = new TrainingSession((e) => events.push(e), 1e9, hook);
    const first = await calibrateOnce(session, events);
    if (first.type !== 'calibrated') throw new Error('unreachable');
    expect(first.error).toBeUndefined();
    expect(first.engines.map((e) => e.engine)).toEqual(['cpu', 'webgl']);
    first.engines.forEach((e) => expect(e.rowsPerSecond).toBeGreaterThan(0));
    expect(first.engines.filter((e) => e.chosen).map((e) => e.engine)).toEqual([first.engine]);
    // Each engine measured once, plus the chosen engine's trainer built (and disposed).
    expect(made.cpu + made.webgl).toBe(3);
    // The kept measurements are forgotten, so a second calibration measures both again.
    await calibrateOnce(session, events);
    expect(made.cpu + made.webgl).toBe(6);
    expect(forgot).toHaveLength(2);
    // The 80% training part of 300 ratings, as a run splits it.
    expect(forgot[0]).toBeLessThan(300);
    expect(events.some((e) => e.type === 'epoch' || e.type === 'started')).toBe(false);
  });

  it('says why when the settings are bad or no engine hook exists', async () => {
    const events: TrainingEvent[] = [];
    const bad = new TrainingSession((e) => events.push(e), 1e9, keepingHook().hook);
    bad.handle({ type: 'calibrate', data: payload(), config: { ...DEFAULT_CONFIG, dim: 0 } });
    await bad.whenIdle();
    expect(events.at(-1)).toMatchObject({ type: 'calibrated', engine: null });
    expect((events.at(-1) as { error: string }).error).toMatch(/Invalid settings/);
    const none = new TrainingSession((e) => events.push(e), 1e9);
    none.handle({ type: 'calibrate', data: payload(), config: DEFAULT_CONFIG });
    expect((events.at(-1) as { error: string }).error).toMatch(/no engines/);
  });

  it('the calibration at start reuses the kept measurements', async () => {
    const { hook, made, forgot } = keepingHook();
    const events: TrainingEvent[] = [];
    const session = new TrainingSession((e) => events.push(e), 1e9, hook);
    const config = { ...DEFAULT_CONFIG, dim: 4 };
    session.handle({ type: 'calibrate', data: payload(), config, fresh: false });
    await session.whenIdle();
    expect(made.cpu + made.webgl).toBe(3);
    session.handle({ type: 'calibrate', data: payload(), config, fresh: false });
    await session.whenIdle();
    // Only the chosen engine's trainer is built again; nothing was measured or forgotten.
    expect(made.cpu + made.webgl).toBe(4);
    expect(forgot).toHaveLength(0);
    const answers = events.filter((e) => e.type === 'calibrated');
    expect(answers).toHaveLength(2);
    expect(answers[1]).toEqual(answers[0]);
  });

  it('a run asked for while the engines are measured cancels the measuring and trains', async () => {
    const { hook } = keepingHook();
    const events: TrainingEvent[] = [];
    const session = new TrainingSession((e) => events.push(e), 1e9, hook);
    const config = { ...DEFAULT_CONFIG, dim: 4, epochs: 1 };
    session.handle({ type: 'calibrate', data: payload(), config, fresh: false });
    session.handle({ type: 'train', data: payload(), config });
    await session.whenIdle();
    const kinds = events.map((e) => e.type);
    expect(events.find((e) => e.type === 'calibrated')).toMatchObject({
      engine: null,
      cancelled: true,
    });
    expect(events.some((e) => e.type === 'error')).toBe(false);
    // The answer comes before the run's own engine choice, and the run ends.
    expect(kinds.indexOf('calibrated')).toBeLessThan(kinds.indexOf('engine'));
    expect(events.at(-1)).toEqual({ type: 'status', status: 'done' });
  });

  it('a newer calibration cancels the one still measuring', async () => {
    const { hook } = keepingHook();
    const events: TrainingEvent[] = [];
    const session = new TrainingSession((e) => events.push(e), 1e9, hook);
    const config = { ...DEFAULT_CONFIG, dim: 4 };
    session.handle({ type: 'calibrate', data: payload(), config, fresh: false });
    session.handle({ type: 'calibrate', data: payload(), config: { ...config, dim: 3 } });
    await session.whenIdle();
    const answers = events.filter((e) => e.type === 'calibrated');
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatchObject({ cancelled: true, engine: null });
    expect(answers[1]).toMatchObject({ engine: expect.any(String) });
  });
});
