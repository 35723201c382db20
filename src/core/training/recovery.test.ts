import { describe, expect, it } from 'vitest';
import { TrainingSession } from './session';
import { checkpointDue } from './checkpoint-rate';
import type { TrainingDataPayload, TrainingEvent } from './session-messages';
import type { GpuGuard } from './recovery';
import type { TrainerState } from './trainer-state';
import { DEFAULT_CONFIG, type TrainConfig } from './config';
import { plantedLowRank } from '../data/synthetic';
import { emptyFeatureTable } from '../data/types';
import { serialEngines } from '../engines/node-engines';

const data: TrainingDataPayload = {
  users: 40,
  items: 30,
  ...plantedLowRank({ users: 40, items: 30, rank: 2, density: 0.5, noise: 0.3, seed: 3 }),
  timestamp: null,
  kind: 'explicit',
  ratingMin: -Infinity,
  ratingMax: Infinity,
  itemFeatures: emptyFeatureTable(30),
  userFeatures: emptyFeatureTable(40),
};

const config: TrainConfig = {
  ...DEFAULT_CONFIG,
  dim: 8,
  batchSize: 64,
  epochs: 5,
  projectEvery: 0,
  learningRate: 0.05,
};

/** A GPU that is lost when told, and comes back when the session rebuilds it. */
class FakeGpu implements GpuGuard {
  lostNow = false;
  rebuilds = 0;
  private fire: () => void = () => undefined;
  private signal = new Promise<void>((r) => (this.fire = r));
  isLost = () => this.lostNow;
  lost = () => this.signal;
  lose() {
    this.lostNow = true;
    this.fire();
  }
  async rebuild() {
    this.rebuilds++;
    this.lostNow = false;
    this.signal = new Promise<void>((r) => (this.fire = r));
    return { backend: 'cpu' as const, fallbackReason: null, renderer: null };
  }
  loseForTest() {
    this.lose();
    return null;
  }
}

/** A run (checkpoints posted at `rate` bytes a second; Infinity: every epoch). */
async function train(c: TrainConfig, loseAtEpoch: number | null, rate = Infinity) {
  const events: TrainingEvent[] = [];
  const gpu = new FakeGpu();
  const session = new TrainingSession(
    (e) => {
      events.push(e);
      if (e.type === 'epoch' && e.entry.epoch === loseAtEpoch && !gpu.rebuilds)
        session.handle({ type: 'lose-context' });
    },
    1e9,
    null,
    gpu,
    rate,
  );
  session.handle({ type: 'train', data, config: c });
  await session.whenIdle();
  return { events, gpu };
}

const epochs = (events: TrainingEvent[]) =>
  events.flatMap((e) => (e.type === 'epoch' ? [e.entry.epoch] : []));
const testRmse = (events: TrainingEvent[]) =>
  events.flatMap((e) => (e.type === 'test' ? [e.report.rmse!] : []))[0];

describe('a lost GPU context mid-run', () => {
  it('rebuilds, resumes from the last finished epoch and ends with every epoch once', async () => {
    const c = { ...config, optimizer: 'sgd' as const };
    const calm = await train(c, null);
    const { events, gpu } = await train(c, 2);
    expect(gpu.rebuilds).toBe(1);
    expect(epochs(events)).toEqual([1, 2, 3, 4, 5]);
    const notice = events.find((e) => e.type === 'notice');
    expect(notice).toMatchObject({ message: expect.stringMatching(/lost.*from epoch 2 of 5/) });
    expect(events.some((e) => e.type === 'error')).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'status', status: 'done' });
    // Plain SGD keeps no moments: the resumed run is the undisturbed one.
    expect(testRmse(events)).toBeCloseTo(testRmse(calm.events), 5);
  });

  it('with Adam (fresh moments) ends close to an undisturbed run', async () => {
    const calm = await train(config, null);
    const { events } = await train(config, 2);
    expect(epochs(events)).toEqual([1, 2, 3, 4, 5]);
    expect(Math.abs(testRmse(events) - testRmse(calm.events))).toBeLessThan(0.05);
  });

  it('each finished epoch of a plain run carries its parameters to keep', async () => {
    const { events } = await train(config, null);
    const states = events.flatMap((e) => (e.type === 'epoch' && e.state ? [e.state] : []));
    expect(states.map((s) => s.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(states[0].params[0].values).toBeInstanceOf(Float32Array);
  });

  it('on the row engine each epoch is said first, its parameters after, in a checkpoint event', async () => {
    const run = async (resume?: TrainerState) => {
      const events: TrainingEvent[] = [];
      const session = new TrainingSession(
        (e) => events.push(e),
        1e9,
        serialEngines,
        null,
        Infinity,
      );
      session.handle({ type: 'train', data, config, ...(resume && { resume }) });
      await session.whenIdle();
      return events;
    };
    const events = await run();
    expect(events.find((e) => e.type === 'engine')).toMatchObject({ engine: 'cpu-parallel' });
    expect(events.some((e) => e.type === 'epoch' && e.state)).toBe(false);
    const said = events.flatMap((e) =>
      e.type === 'epoch'
        ? [`epoch ${e.entry.epoch}`]
        : e.type === 'checkpoint'
          ? [`parameters ${e.epoch} (${e.state.epoch})`]
          : [],
    );
    expect(said).toEqual([1, 2, 3, 4, 5].flatMap((k) => [`epoch ${k}`, `parameters ${k} (${k})`]));
    // They are the epoch's: a run resumed from epoch 3's trains the last two epochs only.
    const third = events.flatMap((e) => (e.type === 'checkpoint' ? [e.state] : []))[2];
    expect(epochs(await run(third))).toEqual([4, 5]);
  });

  it('posts checkpoints at the bounded rate, yet a lost context still resumes from the last epoch', async () => {
    const c = { ...config, optimizer: 'sgd' as const };
    const calm = await train(c, null);
    // One byte a second: only the first epoch of each (re)start posts its parameters to the page,
    // the run's first and the first after the rebuild.
    const { events, gpu } = await train(c, 3, 1);
    const posted = events.flatMap((e) => (e.type === 'epoch' && e.state ? [e.state.epoch] : []));
    expect(posted).toEqual([1, 4]);
    expect(gpu.rebuilds).toBe(1);
    expect(events.find((e) => e.type === 'notice')).toMatchObject({
      message: expect.stringMatching(/from epoch 3 of 5/),
    });
    expect(epochs(events)).toEqual([1, 2, 3, 4, 5]);
    expect(testRmse(events)).toBeCloseTo(testRmse(calm.events), 5);
  });

  it('a run resumed from a stored epoch trains only the epochs left', async () => {
    const first = await train({ ...config, epochs: 2 }, null);
    const state = first.events.flatMap((e) => (e.type === 'epoch' && e.state ? [e.state] : []))[1];
    const events: TrainingEvent[] = [];
    const session = new TrainingSession((e) => events.push(e), 1e9);
    session.handle({ type: 'train', data, config, resume: state });
    await session.whenIdle();
    expect(epochs(events)).toEqual([3, 4, 5]);
    expect(events.at(-1)).toEqual({ type: 'status', status: 'done' });
  });
});

describe('checkpointDue', () => {
  const last = { at: 1000, bytes: 4_000_000 };
  it('exports the first epoch, then once the time since the last export pays for its bytes', () => {
    expect(checkpointDue(null, 0, 1)).toBe(true);
    // 4 MB at 2 MB/s: due two seconds after the last export, not before.
    expect(checkpointDue(last, 2999, 2_000_000)).toBe(false);
    expect(checkpointDue(last, 3000, 2_000_000)).toBe(true);
  });
  it('an unbounded rate exports every epoch', () => {
    expect(checkpointDue(last, 1000, Infinity)).toBe(true);
  });
});
