import { describe, expect, it } from 'vitest';
import { tf } from '../tf/tfjs';
import { modelContext, noFeatures, type TrainData } from '../training/trainer';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { UserTrainer } from '../training/user-trainer';
import { mulberry32 } from '../util/random';
import { YouTubeDNN } from './youtube-dnn';
import { PopularitySampler, candidates } from './sampled-softmax';

/** `users` users with 20 interactions each over a catalogue of `items`, popular items first. */
function generated(users: number, items: number): TrainData {
  const random = mulberry32(7);
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < users; u++)
    for (let k = 0; k < 20; k++) {
      user.push(u);
      item.push(Math.floor(items * random() ** 3));
    }
  const train = {
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    rating: new Float32Array(user.length).fill(1),
  };
  const test = { user: Int32Array.of(0), item: Int32Array.of(1), rating: Float32Array.of(1) };
  return { users, items, train, test, ratingMin: 1, ratingMax: 1, ...noFeatures(users, items) };
}

const config: TrainConfig = {
  ...DEFAULT_CONFIG,
  model: 'youtube-dnn',
  feedback: 'implicit',
  dim: 8,
  hidden: 16,
  epochs: 1,
  batchSize: 2048, // 32 users a batch
  l2: 0,
};

/** The output shapes of every kernel one training step runs. */
async function stepShapes(trainer: UserTrainer): Promise<number[][]> {
  const info = await tf.profile(() => {
    trainer.step();
  });
  return info.kernels.flatMap((k) => k.outputShapes as number[][]);
}

describe('sampled softmax', () => {
  it('draws distinct negatives beside the batch items, with log Q of each', () => {
    const sampler = new PopularitySampler(Int32Array.of(0, 0, 0, 1), 10);
    const rows = {
      offsets: Int32Array.of(0, 2, 3),
      columns: Int32Array.of(3, 4, 3),
      values: new Float32Array(3),
    };
    const c = candidates(rows, 10, sampler, 4, mulberry32(1));
    expect(Array.from(c.items.slice(0, 2))).toEqual([3, 4]);
    expect(new Set(c.items).size).toBe(6);
    expect(c.logQ[0]).toBeCloseTo(Math.log(1 / 14), 5);
    // user 0 holds items 3 and 4, user 1 item 3
    expect(Array.from(c.target.slice(0, 6))).toEqual([1, 1, 0, 0, 0, 0]);
    expect(Array.from(c.target.slice(6, 8))).toEqual([1, 0]);
  });

  it('trains on a 50,000-item catalogue without a [batch x catalogue] tensor', async () => {
    const data = generated(320, 50_000);
    const before = tf.memory().numTensors;
    const model = new YouTubeDNN(modelContext(data, config));
    const trainer = new UserTrainer(data, config, model);
    const wide = (shapes: number[][]) =>
      shapes.filter((s) => s.length === 2 && s[1] === data.items);
    const shapes = await stepShapes(trainer);
    expect(shapes.length).toBeGreaterThan(10);
    expect(wide(shapes)).toEqual([]);
    while (!trainer.finished) trainer.step();
    const loss = (await trainer.takeLoss())!;
    expect(Number.isFinite(loss.loss)).toBe(true);
    expect(loss.steps).toBe(trainer.stepsPerEpoch);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the full softmax does build [batch x catalogue] logits (what the check above looks for)', async () => {
    const data = generated(64, 3_000);
    const model = new YouTubeDNN(modelContext(data, config), { softmax: 'full' });
    const trainer = new UserTrainer(data, config, model);
    const shapes = await stepShapes(trainer);
    expect(shapes.some((s) => s.length === 2 && s[0] === 32 && s[1] === 3_000)).toBe(true);
    trainer.dispose();
  });

  it('follows the run settings: softmax "sampled" on a small catalogue, "full" on a large one', async () => {
    const small = generated(64, 3_000);
    const sampled = { ...config, softmax: 'sampled' as const, sampledNegatives: 100 };
    let trainer = new UserTrainer(small, sampled, new YouTubeDNN(modelContext(small, sampled)));
    let shapes = await stepShapes(trainer);
    expect(shapes.filter((s) => s.length === 2 && s[1] === small.items)).toEqual([]);
    // The batch's own items plus the 100 negatives: the logits are [32, K] with K > 100.
    expect(shapes.some((s) => s.length === 2 && s[0] === 32 && s[1] > 100 && s[1] < 3_000)).toBe(
      true,
    );
    trainer.dispose();
    const full = { ...config, softmax: 'full' as const };
    trainer = new UserTrainer(small, full, new YouTubeDNN(modelContext(small, full)));
    shapes = await stepShapes(trainer);
    expect(shapes.some((s) => s.length === 2 && s[0] === 32 && s[1] === 3_000)).toBe(true);
    trainer.dispose();
  });
});
