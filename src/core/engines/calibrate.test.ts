import { describe, expect, it } from 'vitest';
import { TrainingSession } from '../training/session';
import type { TrainingDataPayload, TrainingEvent } from '../training/session-messages';
import { DEFAULT_CONFIG } from '../training/config';
import { createTrainer } from '../training/create';
import { plantedLowRank } from '../data/synthetic';
import { emptyFeatureTable } from '../data/types';
import { chooseEngine, type EngineHook } from './choose';
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
  let rates = new Map<EngineName, number>();
  const forgot: number[] = [];
  const hook: EngineHook = {
    forget(data) {
      forgot.push(data.train.rating.length);
      rates = new Map();
    },
    create: (data, config, preference) =>
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
});
